// Settings and names, without the rest of the project: what deploy, delete and the build commands need
// to know which stack, project, region and profile they work on. Reads only `.cody/settings.ts`, so a
// project whose other files are broken, or no `.cody/` at all, still has names.
import type { Names } from "./naming";
import { CODY_DIR } from "./project-root";
import type { SettingsInput } from "./schema";
import { loadSettings } from "./settings-file";
import { settleNaming } from "./target";
import type { TargetFlags, TargetPlace } from "./target-flags";

export { CODY_DIR };

/** What names derive from: the target flags without the AWS ones, and where to look. */
export type NamingTarget = Omit<TargetFlags, "region" | "profile"> & TargetPlace;

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

export { loadSettings };

export async function projectNaming(target: NamingTarget): Promise<ProjectNaming> {
  const { root, found, loaded, env, names, bound } = await settleNaming(target, { cwd: target.cwd, ...(target.environment ? { environment: target.environment } : {}) });
  return {
    names,
    env,
    settings: loaded.settings,
    ...(loaded.file ? { settingsFile: loaded.file } : {}),
    ...(bound.region ? { region: bound.region } : {}),
    ...(bound.profile ? { profile: bound.profile } : {}),
    hasCodyDir: found !== undefined,
    root,
    dependencies: loaded.dependencies,
  };
}
