// `cody init`: scaffolds .cody/ from templates/init. Needs no AWS: the repository URL comes from the
// git config and the buildspec from what the repository looks like.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { checkType, inferProjectName } from "../../config/naming";
import { httpsGitUrl } from "../../config/source";
import { codybuildEntry } from "../../config/load-ts";
import { colors, type Reporter } from "../../io/reporter";

export interface InitOptions {
  mode?: "light" | "full";
  type?: string;
  force?: boolean;
}

const TEMPLATES = join(packageRoot(), "templates", "init");

function packageRoot(): string {
  return dirname(dirname(codybuildEntry()));
}

/** The `origin` remote from .git/config, as an https URL (no shell-out to git). */
export function detectGitUrl(cwd: string): string | undefined {
  const config = join(cwd, ".git", "config");
  if (!existsSync(config)) return undefined;
  const text = readFileSync(config, "utf8");
  const section = /\[remote "origin"\]([^[]*)/.exec(text)?.[1];
  const url = section && /^\s*url\s*=\s*(\S+)/m.exec(section)?.[1];
  return url ? httpsGitUrl(url) : undefined;
}

function buildspecPhases(cwd: string): string {
  if (existsSync(join(cwd, "package.json"))) {
    return ["  install:", "    runtime-versions:", "      nodejs: 20", "  build:", "    commands:", "      - npm ci", "      - npm test"].join("\n");
  }
  return ["  build:", "    commands:", '      - echo "Build started on $(date)"', "      - ls -la"].join("\n");
}

/** The DSL's types as an ambient module, so an editor types `.cody/*.ts` without node_modules. */
function ambientTypes(): string | undefined {
  const dts = join(packageRoot(), "dist", "index.d.ts");
  if (!existsSync(dts)) return undefined;
  const body = readFileSync(dts, "utf8")
    .replace(/^export \{\};?\s*$/m, "")
    .replace(/^(export )?declare /gm, "$1")
    .replace(/^/gm, "  ")
    .replace(/^ +$/gm, "");
  return `// Types of the codybuild DSL for your editor, written by \`cody init\`.\n// \`cody init\` refreshes this file after an upgrade (it is cody's own: edits are lost), or install codybuild as a dev dependency and delete it.\ndeclare module "codybuild" {\n${body.trimEnd()}\n}\n`;
}

export async function initCommand(options: InitOptions, reporter: Reporter): Promise<void> {
  const cwd = process.cwd();
  const c = colors(reporter);
  const mode = options.mode ?? "light";
  const type = options.type;
  if (type !== undefined) checkType(type);
  const projectName = inferProjectName(cwd) || "my-project";
  const values: Record<string, string> = {
    githubUrl: detectGitUrl(cwd) ?? "https://github.com/OWNER/REPO",
    projectName,
    typePath: type ? `${type}/` : "",
    buildspecPhases: buildspecPhases(cwd),
  };
  const projectDir = type ? join(".cody", type) : ".cody";
  const files: Array<[string, string]> = [
    [join(projectDir, "project.ts"), "project/project.ts"],
    [join(projectDir, "buildspec.yml"), "project/buildspec.yml"],
    [join(".cody", "tsconfig.json"), "shared/tsconfig.json"],
  ];
  if (mode === "full") {
    files.push(
      [join(projectDir, "role.ts"), "project/role.ts"],
      [join(projectDir, "schedule.ts"), "project/schedule.ts"],
      [join(".cody", "settings.ts"), "shared/settings.ts"],
      [join(".cody", "variables", "base.ts"), "shared/variables/base.ts"],
      [join(".cody", "variables", "development.ts"), "shared/variables/development.ts"],
      [join(".cody", "variables", "production.ts"), "shared/variables/production.ts"],
    );
  }
  // The user's files: written once, kept afterwards unless --force.
  const contents = files.map(([target, template]) => {
    const text = readFileSync(join(TEMPLATES, template), "utf8").replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? "");
    return { target, text, owned: false };
  });
  // Editor types, unless the repository installs codybuild itself. cody's own file: always refreshed,
  // so an upgrade needs no --force (which would also overwrite project.ts and buildspec.yml).
  const types = existsSync(join(cwd, "node_modules", "codybuild")) ? undefined : ambientTypes();
  const all = types ? [...contents, { target: join(".cody", "codybuild.d.ts"), text: types, owned: true }] : contents;

  let written = 0;
  let refreshed = 0;
  let kept = 0;
  for (const { target, text, owned } of all) {
    const path = join(cwd, target);
    const exists = existsSync(path);
    if (exists && readFileSync(path, "utf8") === text) {
      reporter.info(`${c.dim("identical")} ${target}`);
      continue;
    }
    if (exists && !owned && !options.force) {
      reporter.info(`${c.yellow("exists   ")} ${target} (kept; --force overwrites)`);
      kept++;
      continue;
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    if (exists && owned) refreshed++;
    else written++;
    reporter.info(`${c.green(exists ? (owned ? "updated  " : "overwrote") : "created  ")} ${relative(cwd, path)}`);
  }
  const typeFlag = type ? ` --type ${type}` : "";
  // Before the summary and the next steps, where it is not missed; only while project.ts still has the placeholder.
  const projectFile = join(cwd, projectDir, "project.ts");
  if (values.githubUrl.includes("OWNER/REPO") && existsSync(projectFile) && readFileSync(projectFile, "utf8").includes("OWNER/REPO")) {
    reporter.warn(`no git remote "origin" found: set githubUrl in ${join(projectDir, "project.ts")}.`);
  }
  reporter.info("");
  const summary =
    written > 0
      ? `Scaffolded ${projectDir}/ for project ${projectName}.`
      : kept > 0
        ? `Kept ${kept} existing file${kept === 1 ? " that differs" : "s that differ"} from the templates; --force overwrites ${kept === 1 ? "it" : "them"}.`
        : refreshed > 0
          ? `${projectDir}/ is already scaffolded.`
          : `Nothing to write: ${projectDir}/ is already scaffolded.`;
  reporter.info(refreshed > 0 ? `${summary} Updated .cody/codybuild.d.ts to this cody's types.` : summary);
  reporter.info(`Next: edit ${join(projectDir, "project.ts")}, then \`cody synth${typeFlag}\` to see the template and \`cody deploy${typeFlag}\` to deploy it.`);
}
