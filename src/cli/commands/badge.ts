// `cody badge`: the project's build badge, as Markdown (default) or the bare URL, optionally for a
// branch. A project without a badge gets the reason and the fix instead of an empty line.
import { openTarget, type TargetContext } from "../../builds/target";
import { BADGE_SOURCES } from "../../config/source";
import { CodyError } from "../../errors";
import type { Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";
import { warnedTarget } from "../command-target";
import { printResult } from "../print-result";

export interface BadgeOptions extends ProjectOptions {
  branch?: string;
  /** commander's `--no-markdown` sets this to false. */
  markdown?: boolean;
  json?: boolean;
}

export async function badgeCommand(projectName: string | undefined, options: BadgeOptions, reporter: Reporter, deps: TargetContext = {}): Promise<void> {
  const resolved = await warnedTarget(projectName, options, reporter, deps);
  const target = await openTarget(projectName, options, { ...deps, command: "badge", target: resolved });
  const out = await target.codebuild.batchGetProjects({ names: [target.projectName] });
  const project = out.projects?.find((p) => p.name === target.projectName);
  if (!project) throw new CodyError(`CodeBuild project ${target.projectName} not found.`, { hint: "Deploy it with `cody deploy`." });

  const url = project.badge?.badgeEnabled ? project.badge.badgeRequestUrl : undefined;
  if (project.badge?.badgeEnabled && !url) {
    throw new CodyError(`project ${target.projectName} has badges turned on, but CodeBuild returned no badge URL.`, {
      hint: "Run `cody badge` again in a minute; if it persists, check the project in the CodeBuild console.",
    });
  }
  if (!url) {
    const source = project.source?.type ?? "UNKNOWN";
    const supported = (BADGE_SOURCES as readonly string[]).includes(source);
    throw new CodyError(
      supported
        ? `project ${target.projectName} has build badges turned off.`
        : `project ${target.projectName} has a ${source} source, and CodeBuild offers badges only for ${BADGE_SOURCES.join(", ")} sources.`,
      {
        hint: supported
          ? "Set `badge: true` in .cody/project.ts and run `cody deploy`."
          : `Use one of those sources (e.g. githubUrl in .cody/project.ts) to get a badge; a ${source} project has none.`,
      },
    );
  }
  const badgeUrl = withBranch(url, options.branch);
  const markdown = `![Build status](${badgeUrl})`;
  if (options.json) {
    printResult(reporter, "badge", "badge", { project: target.projectName, branch: options.branch ?? null, url: badgeUrl, markdown });
  } else {
    reporter.result(options.markdown === false ? badgeUrl : markdown);
  }
}

/** The badge for one branch: CodeBuild reads `branch=` from the badge URL's query. */
export function withBranch(url: string, branch: string | undefined): string {
  if (!branch) return url;
  return `${url}${url.includes("?") ? "&" : "?"}branch=${encodeURIComponent(branch)}`;
}
