// Settings and names, without the rest of the project: what deploy, delete and the build commands need
// to know which stack, project, region and profile they work on. Reads only `.cody/settings.ts`, so a
// project whose other files are broken, or no `.cody/` at all, still has names.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluateFile } from "./evaluate-file";
import { resolveEnv, resolveNames, type Names } from "./naming";
import { CODY_DIR, findProjectRoot } from "./project-root";
import { settingsSchema, type SettingsInput } from "./schema";
import { validate } from "./validate";

export { CODY_DIR };

export interface NamingTarget {
  /** The positional argument. */
  projectName?: string;
  /** Where the command runs; the project root is found from here (see project-root.ts). */
  type?: string;
  env?: string;
  stackName?: string;
  cwd: string;
  /** Environment variables to read (`CODY_ENV`, `CODY_EXTRA`, `AWS_PROFILE`); defaults to process.env. */
  environment?: Record<string, string | undefined>;
}

export interface ProjectNaming {
  names: Names;
  env: string;
  settings: SettingsInput;
  /** `.cody/settings.ts`, when there is one. */
  settingsFile?: string;
  /** The region settings bind to the env, if any. */
  region?: string;
  /** The AWS profile settings bind to the env, used when neither --profile nor AWS_PROFILE is set. */
  profile?: string;
  hasCodyDir: boolean;
  /** The folder holding `.cody/`, or the current folder when there is none. */
  root: string;
  dependencies: string[];
}

export async function loadSettings(root: string): Promise<{ settings: SettingsInput; file?: string; dependencies: string[] }> {
  const file = join(root, CODY_DIR, "settings.ts");
  if (!existsSync(file)) return { settings: {}, dependencies: [] };
  const { value, dependencies } = await evaluateFile(file, root, "defineSettings");
  return { settings: validate(settingsSchema, value, file), file, dependencies };
}

export async function projectNaming(target: NamingTarget): Promise<ProjectNaming> {
  const environment = target.environment ?? process.env;
  const found = findProjectRoot(target.cwd, { environment }).root;
  const hasCodyDir = found !== undefined;
  const root = found ?? target.cwd;
  const { settings, file, dependencies } = hasCodyDir ? await loadSettings(root) : { settings: {}, file: undefined, dependencies: [] };
  const env = resolveEnv({
    flag: target.env,
    codyEnv: environment.CODY_ENV,
    awsProfile: environment.AWS_PROFILE,
    envs: settings.envs,
  });
  const names = resolveNames({
    projectName: target.projectName,
    cwd: root,
    type: target.type,
    env,
    appendEnv: settings.stackNaming?.appendEnv ?? false,
    extra: environment.CODY_EXTRA,
    suffix: settings.stackNaming?.suffix ?? "cody",
    stackName: target.stackName,
  });
  const bound = settings.envs?.[env];
  return {
    names,
    env,
    settings,
    ...(file ? { settingsFile: file } : {}),
    ...(bound?.region ? { region: bound.region } : {}),
    ...(bound?.awsProfile && !environment.AWS_PROFILE ? { profile: bound.awsProfile } : {}),
    hasCodyDir,
    root,
    dependencies,
  };
}
