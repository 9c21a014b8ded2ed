// Where the code comes from: the source type inferred from `githubUrl` (cody always said GITHUB).
import type { SourceType } from "../generated/codebuild-enums";
import type { ProjectInput } from "./schema";

export type SourceResolution =
  | { ok: true; type: SourceType; location?: string }
  | { ok: false; problem: string; fix: string };

/** Hosts whose source type is certain from the URL alone. */
const HOSTS: Array<[RegExp, SourceType]> = [
  [/^(www\.)?github\.com$/i, "GITHUB"],
  [/^(www\.)?bitbucket\.org$/i, "BITBUCKET"],
  [/^git-codecommit\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/i, "CODECOMMIT"],
  [/^(www\.)?gitlab\.com$/i, "GITLAB"],
];

export function inferSourceType(url: string): SourceType | undefined {
  if (/^s3:\/\//i.test(url) || /^arn:aws[a-z-]*:s3:::/i.test(url)) return "S3";
  if (/^codecommit::/i.test(url)) return "CODECOMMIT";
  const host = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)/i.exec(url)?.[1] ?? /^[^@]+@([^:]+):/.exec(url)?.[1];
  if (!host) return undefined;
  return HOSTS.find(([re]) => re.test(host))?.[1];
}

/** The example URLs of scaffolds (cody's `OWNER/REPO`, Ruby cody's `user/repo`, docs' `owner/repo`). */
export function isPlaceholderUrl(url: string): boolean {
  return /\/(owner|user)\/repo(\.git)?\/?$/i.test(url);
}

/** CodeBuild wants `bucket/key` for S3 sources and an https URL for git hosts. */
function normalizeLocation(type: SourceType, url: string): string {
  if (type === "S3") return url.replace(/^s3:\/\//i, "").replace(/^arn:aws[a-z-]*:s3:::/i, "");
  return httpsGitUrl(url);
}

/** A git remote as CodeBuild clones it: scp-style (`git@host:path`) and ssh:// URLs become https. */
export function httpsGitUrl(url: string): string {
  const scp = /^git@([^:]+):(.+)$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  // ssh://[user@]host/path: CodeBuild clones over https.
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+)$/i.exec(url);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  return url;
}

export function resolveSource(project: ProjectInput): SourceResolution {
  const url = project.githubUrl;
  const explicit = project.gitProvider;
  if (explicit === "NO_SOURCE" || explicit === "CODEPIPELINE") {
    if (url) {
      return {
        ok: false,
        problem: `gitProvider ${explicit} takes no githubUrl, but githubUrl is set.`,
        fix: `Remove githubUrl, or remove gitProvider: "${explicit}".`,
      };
    }
    return { ok: true, type: explicit };
  }
  if (!url) {
    if (explicit) {
      return { ok: false, problem: `gitProvider ${explicit} needs githubUrl, the repository location.`, fix: `Set githubUrl, e.g. githubUrl: "https://…".` };
    }
    if (project.buildspec !== undefined && typeof project.buildspec !== "string") return { ok: true, type: "NO_SOURCE" };
    return {
      ok: false,
      problem: "githubUrl is missing, so there is no source for builds.",
      fix: "Set githubUrl to your repository's URL, e.g. githubUrl: \"https://github.com/acme/api\" (cody init reads it from your git remote), or build without a source with an inline buildspec object.",
    };
  }
  if (isPlaceholderUrl(url)) {
    // A scaffold's example URL would deploy, and every build would then fail to clone it.
    return {
      ok: false,
      problem: `"${url}" is a placeholder, not your repository.`,
      fix: "Set githubUrl to your repository's URL (e.g. https://github.com/acme/api), or run `cody init --force` in a clone whose git remote \"origin\" is set.",
    };
  }
  const type = explicit ?? inferSourceType(url);
  if (!type) {
    return {
      ok: false,
      problem: `cannot tell the source type from "${url}".`,
      fix: 'Set gitProvider, e.g. gitProvider: "GITHUB_ENTERPRISE" or "GITLAB_SELF_MANAGED".',
    };
  }
  return { ok: true, type, location: normalizeLocation(type, url) };
}

/** Sources that support build badges (CodeBuild rejects BadgeEnabled for the rest). */
export const BADGE_SOURCES: readonly SourceType[] = ["GITHUB", "GITHUB_ENTERPRISE", "BITBUCKET", "CODECOMMIT"];
/** Sources that support webhooks. */
export const WEBHOOK_SOURCES: readonly SourceType[] = ["GITHUB", "GITHUB_ENTERPRISE", "BITBUCKET", "GITLAB", "GITLAB_SELF_MANAGED"];
/** Git sources, for which submodules can be fetched. */
export const GIT_SOURCES: readonly SourceType[] = [...WEBHOOK_SOURCES, "CODECOMMIT"];
