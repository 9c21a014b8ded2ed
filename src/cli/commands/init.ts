// `cody init`: scaffolds .cody/ from templates/init. Needs no AWS: the repository URL comes from the
// git config and the buildspec from what the repository looks like.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { checkType, inferProjectName, PROJECT_NAME } from "../../config/naming";
import { configError } from "../../errors";
import { readTemplateDir, renderTemplate, type TemplateValues } from "../../config/init-templates";
import { httpsGitUrl } from "../../config/source";
import { codybuildEntry } from "../../config/load-ts";
import { colors, type Reporter } from "../../io/reporter";

export interface InitOptions {
  mode?: "light" | "full";
  type?: string;
  force?: boolean;
  /** The project name written into the templates (default: from the folder name). */
  name?: string;
  /** A folder of the user's own templates, laid out like `.cody/` (see docs/init-and-synth.md). */
  template?: string;
}

const TEMPLATES = join(packageRoot(), "templates", "init");
/** Files of a template folder that belong to the whole `.cody/`, not to a type's folder (as cody's own). */
const SHARED = /^(README\.md|settings\.ts|tsconfig\.json|variables[\\/])/;

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
  const inferred = inferProjectName(cwd) || "my-project";
  const projectName = options.name ?? inferred;
  if (!PROJECT_NAME.test(projectName)) {
    throw configError({
      field: "--name",
      message: `"${projectName}" is not a valid project name: CodeBuild allows 2-255 letters, digits, - and _, starting with a letter or digit.`,
      fix: "Pass a name like --name my-api.",
    });
  }
  // Read the user's templates first: a mistake in them stops init before anything is written.
  const custom = options.template !== undefined ? readTemplateDir(resolve(cwd, options.template)) : [];
  const remote = detectGitUrl(cwd);
  const values: TemplateValues = {
    projectName,
    // Without a remote, custom templates get a placeholder that synth refuses (with a fix), never a URL that deploys.
    githubUrl: remote ?? "https://github.com/OWNER/REPO",
    type: type ?? "",
    typePath: type ? `${type}/` : "",
  };
  const builtinValues: Record<string, string> = { ...values, buildspecPhases: buildspecPhases(cwd) };
  // cody's project.ts without a remote: the key commented out, so nothing deploys a repository that is not yours.
  const withoutRemote = (text: string) =>
    remote ? text : text.replace(/^(\s*)githubUrl: "\{\{githubUrl\}\}",$/m, '$1// githubUrl: "https://github.com/OWNER/REPO",   // no git remote "origin" found: set your repository\'s URL and uncomment');
  const projectDir = type ? join(".cody", type) : ".cody";
  const files: Array<[string, string]> = [
    [join(projectDir, "project.ts"), "project/project.ts"],
    [join(projectDir, "buildspec.yml"), "project/buildspec.yml"],
    [join(".cody", "README.md"), "shared/README.md"],
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
  // The user's templates add files or replace cody's of the same path (.cody/-relative; project files go to the type's folder).
  const fromTemplate = custom.map((file) => ({ target: join(SHARED.test(file.path) ? ".cody" : projectDir, file.path), text: renderTemplate(file, values) }));
  const replaced = new Set(fromTemplate.map((f) => f.target));
  const builtin = files
    .filter(([target]) => !replaced.has(target))
    .map(([target, template]) => ({
      target,
      text: withoutRemote(readFileSync(join(TEMPLATES, template), "utf8")).replace(/\{\{(\w+)\}\}/g, (_, key: string) => builtinValues[key] ?? ""),
    }));
  // The user's files: written once, kept afterwards unless --force.
  const contents = [...builtin, ...fromTemplate].map((f) => ({ ...f, owned: false }));
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
  if (!remote && existsSync(projectFile) && readFileSync(projectFile, "utf8").includes("OWNER/REPO")) {
    reporter.warn(`no git remote "origin" found: set githubUrl in ${join(projectDir, "project.ts")} (cody synth fails until it is).`);
  }
  if (options.name !== undefined && options.name !== inferred) {
    // Names are decided each time cody runs (docs/conventions.md), not stored by init.
    reporter.warn(`the files use the name ${projectName}, but cody names the project after the folder (${inferred}) unless told: run \`cody deploy ${projectName}\` (and the same argument for the other commands).`);
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
