// A mistyped env (`--env prodution`) would otherwise pass in silence: the env picks variables/<env>.ts
// and a settings env, and a typo picks neither. Target resolution computes this warning, listing the
// envs the project has; the commands print it.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { closest } from "../util/did-you-mean";
import { CODY_DIR } from "./project-root";
import type { SettingsInput } from "./schema";

/** The env every command uses when none is chosen: it needs no file to be a real env. */
const DEFAULT_ENV = "development";

export type EnvSource = "--env" | "CODY_ENV";

/** Where an explicitly chosen env came from, as resolveEnv reads them; undefined when none was chosen. */
export function envSource(flag: string | undefined, environment: Record<string, string | undefined> = process.env): EnvSource | undefined {
  if (flag) return "--env";
  if (environment.CODY_ENV) return "CODY_ENV";
  return undefined;
}

/** The envs a project defines: its settings envs and its variables/<env>.ts files (base.ts is not an env). */
export function knownEnvs(root: string, type: string | undefined, settings: Pick<SettingsInput, "envs">): string[] {
  const names = new Set(Object.keys(settings.envs ?? {}));
  const dirs = [join(root, CODY_DIR, "variables"), ...(type ? [join(root, CODY_DIR, type, "variables")] : [])];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      const env = /^(.+)\.ts$/.exec(file)?.[1];
      if (env && env !== "base" && !env.endsWith(".d")) names.add(env);
    }
  }
  return [...names].sort();
}

export interface EnvCheck {
  env: string;
  from: EnvSource | undefined;
  root: string;
  type?: string;
  settings: Pick<SettingsInput, "envs">;
}

/**
 * The warning for an env chosen by --env or CODY_ENV that the project does not define, or undefined.
 * A project that defines no envs at all has nothing to compare with, and the default env is always fine.
 */
export function unknownEnvWarning(check: EnvCheck): string | undefined {
  if (!check.from || check.env === DEFAULT_ENV) return undefined;
  const known = knownEnvs(check.root, check.type, check.settings);
  if (known.length === 0 || known.includes(check.env)) return undefined;
  const match = closest(check.env, [...new Set([...known, DEFAULT_ENV])]);
  const files = [`${CODY_DIR}/variables/${check.env}.ts`, ...(check.type ? [`${CODY_DIR}/${check.type}/variables/${check.env}.ts`] : [])];
  return (
    `env "${check.env}" (from ${check.from}) is not one this project defines (no ${files.join(" or ")}, no settings env of that name). ` +
    `Known envs: ${[`${DEFAULT_ENV} (the default)`, ...known.filter((e) => e !== DEFAULT_ENV)].join(", ")}.` +
    (match ? ` Did you mean ${check.from === "--env" ? `--env ${match}` : `CODY_ENV=${match}`}?` : "")
  );
}
