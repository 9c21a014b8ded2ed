// Loads a `.cody/` project: settings → env → names → variables → project, role and schedule files,
// each validated before anything else happens. Pure apart from reading files; never calls AWS.
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError, configError, type Issue } from "../errors";
import type { CodyContext } from "../dsl/types";
import { deepMerge, isPlainObject, type PlainObject } from "../util/merge";
import { loadTsFile } from "./load-ts";
import { resolveEnv, resolveNames, type Names } from "./naming";
import { checkProject } from "./rules/project-rules";
import {
  projectSchema,
  roleSchema,
  scheduleSchema,
  settingsSchema,
  variablesSchema,
  type ProjectInput,
  type RoleInput,
  type ScheduleInputConfig,
  type SettingsInput,
} from "./schema";
import { validate } from "./validate";

export interface LoadOptions {
  /** The repository root: where `.cody/` is. */
  cwd: string;
  projectName?: string;
  type?: string;
  env?: string;
  stackName?: string;
  region?: string;
  /** Environment variables to read (`CODY_ENV`, `CODY_EXTRA`, `AWS_PROFILE`, `AWS_REGION`, `AWS_ACCOUNT_ID`). */
  environment?: Record<string, string | undefined>;
}

export interface ProjectFiles {
  project: string;
  role?: string;
  schedule?: string;
  settings?: string;
  variables: string[];
}

export interface LoadedProject {
  root: string;
  names: Names;
  env: string;
  type?: string;
  region?: string;
  account?: string;
  settings: SettingsInput;
  vars: PlainObject;
  project: ProjectInput;
  role?: RoleInput;
  schedule?: ScheduleInputConfig;
  files: ProjectFiles;
  /** Every TypeScript file read, for watchers and caches. */
  dependencies: string[];
}

export const CODY_DIR = ".cody";

/** The folder of the project's own files: `.cody/` or `.cody/<type>/`. */
export function projectDir(root: string, type?: string): string {
  return type ? join(root, CODY_DIR, type) : join(root, CODY_DIR);
}

export async function loadProject(options: LoadOptions): Promise<LoadedProject> {
  const root = options.cwd;
  const environment = options.environment ?? process.env;
  const codyDir = join(root, CODY_DIR);
  if (!existsSync(codyDir)) {
    throw configError({
      file: codyDir,
      message: `no ${CODY_DIR} folder in ${root}.`,
      fix: "Run `cody init` here to create one, or run cody from the repository that has it.",
    });
  }
  const dir = projectDir(root, options.type);
  const projectFile = join(dir, "project.ts");
  if (!existsSync(projectFile)) throw missingProject(root, dir, projectFile, options.type);

  const dependencies: string[] = [];
  const load = (file: string) => {
    const loaded = loadTsFile(file, root);
    dependencies.push(...loaded.dependencies);
    return loaded.value;
  };

  // Settings come first: they decide the env and how names are built.
  const settingsFile = join(codyDir, "settings.ts");
  let settings: SettingsInput = {};
  if (existsSync(settingsFile)) {
    const exported = load(settingsFile);
    const value = typeof exported === "function" ? await exported() : exported;
    settings = validate(settingsSchema, requireObject(value, settingsFile, "defineSettings"), settingsFile);
  }
  const env = resolveEnv({
    flag: options.env,
    codyEnv: environment.CODY_ENV,
    awsProfile: environment.AWS_PROFILE,
    envs: settings.envs,
  });
  const names = resolveNames({
    projectName: options.projectName,
    cwd: root,
    type: options.type,
    env,
    appendEnv: settings.stackNaming?.appendEnv ?? false,
    extra: environment.CODY_EXTRA,
    suffix: settings.stackNaming?.suffix ?? "cody",
    stackName: options.stackName,
  });

  // Variables, in rising precedence.
  const variableFiles = [
    join(codyDir, "variables", "base.ts"),
    join(codyDir, "variables", `${env}.ts`),
    ...(options.type
      ? [join(dir, "variables", "base.ts"), join(dir, "variables", `${env}.ts`)]
      : []),
  ].filter((f) => existsSync(f));
  let vars: PlainObject = {};
  for (const file of variableFiles) {
    const exported = load(file);
    const value = typeof exported === "function" ? await exported({ env, type: options.type }) : exported;
    vars = deepMerge(vars, validate(variablesSchema, requireObject(value, file, "an object"), file));
  }

  const region = options.region ?? settings.envs?.[env]?.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  const account = environment.AWS_ACCOUNT_ID;
  const ctx: CodyContext = {
    projectName: names.projectName,
    fullProjectName: names.fullProjectName,
    env,
    type: options.type,
    vars,
    ...(region ? { region } : {}),
    ...(account ? { account } : {}),
  };
  const evaluate = async (file: string, helper: string) => {
    const exported = load(file);
    const value = typeof exported === "function" ? await exported(ctx) : exported;
    return requireObject(value, file, helper);
  };

  const project = validate(projectSchema, await evaluate(projectFile, "defineProject"), projectFile);

  const roleFile = join(dir, "role.ts");
  const scheduleFile = join(dir, "schedule.ts");
  const files: ProjectFiles = { project: projectFile, variables: variableFiles };
  if (existsSync(settingsFile)) files.settings = settingsFile;

  let role = project.role;
  if (existsSync(roleFile)) {
    if (role) throw defined("role", projectFile, roleFile);
    role = validate(roleSchema, await evaluate(roleFile, "defineRole"), roleFile);
    files.role = roleFile;
  }
  let schedule = project.schedule;
  if (existsSync(scheduleFile)) {
    if (schedule) throw defined("schedule", projectFile, scheduleFile);
    schedule = validate(scheduleSchema, await evaluate(scheduleFile, "defineSchedule"), scheduleFile);
    files.schedule = scheduleFile;
  }

  const loaded: LoadedProject = {
    root,
    names,
    env,
    type: options.type,
    region,
    account,
    settings,
    vars,
    project,
    role,
    schedule,
    files,
    dependencies,
  };
  const issues: Issue[] = checkProject(loaded);
  if (issues.length > 0) throw new ConfigError(issues);
  return loaded;
}

function requireObject(value: unknown, file: string, helper: string): PlainObject {
  if (isPlainObject(value)) return value;
  const found =
    value === undefined ? "nothing (is there an `export default`?)" : Array.isArray(value) ? "an array" : typeof value;
  throw configError({
    file,
    message: `must export an object, or a function returning one; found ${found}.`,
    fix: helper.startsWith("define")
      ? `Write \`export default ${helper}({ ... })\`.`
      : "Write `export default { ... }`.",
  });
}

function defined(section: string, projectFile: string, sectionFile: string): ConfigError {
  return configError({
    file: sectionFile,
    field: section,
    message: `the ${section} is defined twice: as \`${section}:\` in ${projectFile} and in ${sectionFile}.`,
    fix: `Keep one: remove \`${section}:\` from project.ts, or delete ${sectionFile}.`,
  });
}

function missingProject(root: string, dir: string, projectFile: string, type?: string): ConfigError {
  const rel = relative(root, projectFile);
  if (existsSync(join(dir, "project.rb"))) {
    return configError({
      file: projectFile,
      message: `found ${relative(root, join(dir, "project.rb"))} (Ruby cody) but no ${rel}.`,
      fix: "codybuild reads TypeScript: run `cody init` to scaffold project.ts and move your settings over (docs/dsl.md maps each Ruby method to its key).",
    });
  }
  return configError({
    file: projectFile,
    message: `no ${rel}${type ? ` for --type ${type}` : ""}.`,
    fix: type ? `Create it with \`cody init --type ${type}\`.` : "Create it with `cody init`.",
  });
}
