// Loads a `.cody/` project for a resolved target (settings, env and names are the target's): variables
// → project, role and schedule files, each validated before anything else happens. Pure apart from
// reading files; never calls AWS.
import { existsSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { ConfigError, configError, type Issue } from "../errors";
import type { CodyContext } from "../dsl/types";
import { closest } from "../util/did-you-mean";
import { deepMerge, type PlainObject } from "../util/merge";
import { evaluateFile } from "./evaluate-file";
import type { Names } from "./naming";
import { CODY_DIR, noProjectError } from "./project-root";
import { loadTarget } from "./pipeline";
import type { ResolvedProject } from "./resolve";
import { parseScheduleExpression, type ScheduleCheck } from "./schedule";
import { resolveSource, type SourceResolution } from "./source";
import { resolveTarget, type CommandTarget } from "./target";
import { checkInputs } from "./rules/input-rules";
import { checkBuildspecRuntimes } from "./rules/buildspec-runtimes";
import { checkProject } from "./rules/project-rules";
import {
  projectSchema,
  roleSchema,
  scheduleSchema,
  variablesSchema,
  type ProjectInput,
  type RoleInput,
  type ScheduleInputConfig,
  type SettingsInput,
} from "./schema";
import type { TargetFlags, TargetPlace } from "./target-flags";
import { findLine, parseFieldPath, readSource, validate } from "./validate";

/** What to load: the target flags (a profile plays no part in loading) and where to look. */
export type LoadOptions = Omit<TargetFlags, "profile"> & TargetPlace;

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
  /** The AWS profile settings bind to the env (when AWS_PROFILE is unset). */
  profile?: string;
  account?: string;
  settings: SettingsInput;
  vars: PlainObject;
  project: ProjectInput;
  role?: RoleInput;
  schedule?: ScheduleInputConfig;
  files: ProjectFiles;
  /** Every TypeScript file read, for watchers and caches. */
  dependencies: string[];
  /** Where the code comes from, resolved once (the rules report a failure; resolve keeps the success). */
  source: SourceResolution;
  /** The schedule's rate, cron or at, parsed once; absent for an event-pattern schedule or none. */
  scheduleExpression?: ScheduleCheck;
  /** Problems that do not stop a deploy (a deprecated image, an unlisted runtime version): commands print them. */
  warnings?: Issue[];
}

/** The folder of the project's own files: `.cody/` or `.cody/<type>/`. */
function projectDir(root: string, type?: string): string {
  return type ? join(root, CODY_DIR, type) : join(root, CODY_DIR);
}

/** Loads, validates and resolves the project `options` name: what every project command works on. */
export async function loadProject(options: LoadOptions): Promise<ResolvedProject> {
  const target = await resolveTarget(
    { projectName: options.projectName, type: options.type, env: options.env, stackName: options.stackName, region: options.region },
    { cwd: options.cwd, environment: options.environment ?? process.env, requireProject: true },
  );
  return loadTarget(target);
}

/** Load and validate: evaluates the target's DSL files, checks each against its schema and the rules. */
export async function readProject(target: CommandTarget): Promise<LoadedProject> {
  if (!target.hasCodyDir) throw noProjectError(target.cwd, target.search);
  const { root, env, names, settings, type } = target;
  const codyDir = join(root, CODY_DIR);
  const dir = projectDir(root, type);
  const projectFile = join(dir, "project.ts");
  if (!existsSync(projectFile)) throw missingProject(root, dir, projectFile, type);

  // Settings were read with the target: they decided the env and the names.
  const dependencies: string[] = [...target.dependencies];
  /** Loads a DSL file and calls its export when it is a function: the object it defines. */
  const evaluate = async (file: string, helper: string, ...args: unknown[]): Promise<PlainObject> => {
    const loaded = await evaluateFile(file, root, helper, args);
    dependencies.push(...loaded.dependencies);
    return loaded.value;
  };

  // Variables, in rising precedence.
  const variableFiles = [
    join(codyDir, "variables", "base.ts"),
    join(codyDir, "variables", `${env}.ts`),
    ...(type ? [join(dir, "variables", "base.ts"), join(dir, "variables", `${env}.ts`)] : []),
  ].filter((f) => existsSync(f));
  let vars: PlainObject = {};
  for (const file of variableFiles) {
    const value = await evaluate(file, "", { env, type });
    vars = deepMerge(vars, validate(variablesSchema, value, file));
  }

  // The region the template is made for is the one cody deploys to.
  const { region } = target.aws;
  const account = target.environment.AWS_ACCOUNT_ID;
  const ctx: CodyContext = {
    projectName: names.projectName,
    fullProjectName: names.fullProjectName,
    env,
    type,
    vars,
    ...(region ? { region } : {}),
    ...(account ? { account } : {}),
  };
  const project = validate(projectSchema, await evaluate(projectFile, "defineProject", ctx), projectFile);

  const roleFile = join(dir, "role.ts");
  const scheduleFile = join(dir, "schedule.ts");
  const files: ProjectFiles = { project: projectFile, variables: variableFiles };
  if (target.settingsFile) files.settings = target.settingsFile;

  let role = project.role;
  if (existsSync(roleFile)) {
    if (role) throw defined("role", root, projectFile, roleFile);
    role = validate(roleSchema, await evaluate(roleFile, "defineRole", ctx), roleFile);
    files.role = roleFile;
  }
  let schedule = project.schedule;
  if (existsSync(scheduleFile)) {
    if (schedule) throw defined("schedule", root, projectFile, scheduleFile);
    schedule = validate(scheduleSchema, await evaluate(scheduleFile, "defineSchedule", ctx), scheduleFile);
    files.schedule = scheduleFile;
  }

  const loaded: LoadedProject = {
    root,
    names,
    env,
    type,
    region,
    ...(target.bound.profile ? { profile: target.bound.profile } : {}),
    account,
    settings,
    vars,
    project,
    role,
    schedule,
    // The two derivations that can fail, made once: the rules report their problems, resolve keeps them.
    source: resolveSource(project),
    ...(schedule ? { scheduleExpression: parseScheduleExpression(schedule) } : {}),
    files,
    dependencies,
  };
  const runtimes = checkBuildspecRuntimes(loaded);
  const issues: Issue[] = [...checkProject(loaded), ...checkInputs(loaded), ...runtimes.errors];
  if (issues.length > 0) throw new ConfigError(withLines(issues));
  if (runtimes.warnings.length > 0) loaded.warnings = withLines(runtimes.warnings);
  return loaded;
}

/** Cross-field rules know the field but not the line: find it in the file the issue names. */
function withLines(issues: Issue[]): Issue[] {
  const sources = new Map<string, string>();
  return issues.map((issue) => {
    if (issue.line !== undefined || !issue.file || !issue.field || !issue.file.endsWith(".ts")) return issue;
    if (!sources.has(issue.file)) sources.set(issue.file, readSource(issue.file));
    const line = findLine(sources.get(issue.file)!, parseFieldPath(issue.field));
    return line === undefined ? issue : { ...issue, line };
  });
}

/** A role or schedule written both inline in project.ts and in its own file. */
function defined(section: string, root: string, projectFile: string, sectionFile: string): ConfigError {
  const rel = relative(root, sectionFile);
  return configError({
    file: projectFile,
    line: findLine(readSource(projectFile), [section]),
    field: section,
    message: `the ${section} is defined twice: as \`${section}:\` in ${relative(root, projectFile)} and in ${rel}.`,
    fix: `Keep one: remove \`${section}:\` from ${relative(root, projectFile)}, or delete ${rel}.`,
  });
}

/** The `--type` folders that have a project.ts, for "did you mean". */
function knownTypes(root: string): string[] {
  try {
    return readdirSync(join(root, CODY_DIR), { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(join(root, CODY_DIR, e.name, "project.ts")))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
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
  const types = knownTypes(root);
  if (!type) {
    if (types.length > 0) {
      // Several projects in one repository: each is a type, and the command must say which.
      const listed = types.map((t) => `${CODY_DIR}/${t}/project.ts`).join(", ");
      return configError({
        file: projectFile,
        field: "--type",
        message: `no ${rel}: this repository's projects are typed (${listed}), so cody needs to know which one.`,
        fix: `Pass --type ${types[0]}${types.length > 1 ? ` (or ${types.slice(1).map((t) => `--type ${t}`).join(", ")})` : ""}.`,
      });
    }
    return configError({ file: projectFile, message: `no ${rel}: cody needs it to know what to build.`, fix: "Create it with `cody init`." });
  }
  const meant = closest(type, types);
  const hasRoot = existsSync(join(root, CODY_DIR, "project.ts"));
  return configError({
    file: projectFile,
    field: "--type",
    message:
      `no ${rel} for --type ${type}.` +
      (meant ? ` Did you mean "${meant}"?` : "") +
      (types.length ? ` Types here: ${types.join(", ")}.` : ` This repository has no types${hasRoot ? `; its project is ${CODY_DIR}/project.ts` : ""}.`),
    fix: meant
      ? `Run with --type ${meant}, or create the type with \`cody init --type ${type}\`.`
      : hasRoot && !types.length
        ? `Drop --type to use ${CODY_DIR}/project.ts, or create the type with \`cody init --type ${type}\`.`
        : `Create it with \`cody init --type ${type}\`.`,
  });
}
