// What a command works on, settled once from its flags and the environment: the project root, the
// type, the env (and the warning for an env the project does not define), the settings (evaluated
// once), the names, and where AWS calls go. Every command starts here; loading the project, finding a
// build's project and naming a stack read this instead of deriving their own.
import type { AwsOptions } from "../aws/clients";
import { envSource as envSourceOf, unknownEnvWarning, type EnvSource } from "./env-warning";
import { resolveAws, resolveEnv, resolveNames, type Names } from "./naming";
import { loadSettings } from "./settings-file";
import { findProjectRoot, noProjectError, type RootSearch } from "./project-root";
import type { SettingsInput } from "./schema";
import type { TargetFlags } from "./target-flags";

/** The flags that choose a target, as every command spells them (`cody <command> [project] --type ...`). */
export type TargetOptions = TargetFlags;

/** Where the command runs; tests replace them, the CLI passes none. */
export interface TargetIo {
  /** The folder to look for `.cody/` from (default: the current folder). */
  cwd?: string;
  /** Environment variables to read (default: process.env). */
  environment?: Record<string, string | undefined>;
  /** The command needs `.cody/`: fail before reading anything when there is none. */
  requireProject?: boolean;
}


export interface CommandTarget {
  /** The flags as given (the positional argument included). */
  options: TargetOptions;
  cwd: string;
  environment: Record<string, string | undefined>;
  /** The folder holding `.cody/`, or `cwd` when there is none (names then come from the folder). */
  root: string;
  hasCodyDir: boolean;
  /** Where `.cody/` was looked for, for the error of a command that needs a project. */
  search: RootSearch;
  type?: string;
  env: string;
  /** Where an explicitly chosen env came from; undefined for the default. */
  envSource?: EnvSource;
  /** Set when --env or CODY_ENV names an env the project does not define: commands print it. */
  envWarning?: string;
  settings: SettingsInput;
  /** `.cody/settings.ts`, when there is one. */
  settingsFile?: string;
  /** TypeScript files read for the settings. */
  dependencies: string[];
  names: Names;
  /** What settings bind to the env: the region, and the profile when AWS_PROFILE is unset. */
  bound: AwsOptions;
  /** Where AWS calls go: flags, else what settings bind to the env, else the environment. */
  aws: AwsOptions;
}

/**
 * Resolves a command's target once. Settings are read only inside a project, so a project name or a
 * stack name works anywhere. `opts.type` and `opts.region` are taken as given: a command that works on
 * several types or regions calls this once for each.
 */
export async function resolveTarget(opts: TargetOptions, io: TargetIo = {}): Promise<CommandTarget> {
  const cwd = io.cwd ?? process.cwd();
  const environment = io.environment ?? process.env;
  const { search, found, root, loaded, env, names, bound } = await settleNaming(opts, { ...io, cwd, environment });
  const { settings } = loaded;
  const source = envSourceOf(opts.env, environment);
  const envWarning = found ? unknownEnvWarning({ env, from: source, root, type: opts.type, settings }) : undefined;
  return {
    options: opts,
    cwd,
    environment,
    root,
    hasCodyDir: found !== undefined,
    search,
    ...(opts.type !== undefined ? { type: opts.type } : {}),
    env,
    ...(source ? { envSource: source } : {}),
    ...(envWarning ? { envWarning } : {}),
    settings,
    ...(loaded.file ? { settingsFile: loaded.file } : {}),
    dependencies: loaded.dependencies,
    names,
    bound,
    aws: resolveAws({ region: opts.region, profile: opts.profile }, bound, environment),
  };
}

/**
 * The part of a target every naming needs: the project root, the settings (read once), the env, the
 * names and what settings bind to the env. `resolveTarget` adds the env warning and the AWS options;
 * `projectNaming` (project-naming.ts) is this for callers without flags for AWS.
 */
export async function settleNaming(opts: TargetOptions, io: TargetIo & { cwd: string }) {
  const environment = io.environment ?? process.env;
  const search = findProjectRoot(io.cwd, { environment });
  const found = search.root;
  if (!found && io.requireProject) throw noProjectError(io.cwd, search);
  const root = found ?? io.cwd;
  const loaded = found ? await loadSettings(root) : { settings: {} as SettingsInput, file: undefined, dependencies: [] as string[] };
  const settings = loaded.settings;
  const env = resolveEnv({ flag: opts.env, codyEnv: environment.CODY_ENV, awsProfile: environment.AWS_PROFILE, envs: settings.envs });
  const names = resolveNames({
    projectName: opts.projectName,
    cwd: root,
    type: opts.type,
    env,
    appendEnv: settings.stackNaming?.appendEnv ?? false,
    extra: environment.CODY_EXTRA,
    suffix: settings.stackNaming?.suffix ?? "cody",
    stackName: opts.stackName,
  });
  const binding = settings.envs?.[env];
  const bound: AwsOptions = {
    ...(binding?.region ? { region: binding.region } : {}),
    ...(binding?.awsProfile && !environment.AWS_PROFILE ? { profile: binding.awsProfile } : {}),
  };
  return { search, found, root, loaded, env, names, bound };
}
