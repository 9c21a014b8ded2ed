// The env check as the commands use it; the check itself lives in config/env-warning.ts, where target
// resolution computes it once.
import { projectNaming } from "../../config/project-naming";
import { findProjectRoot } from "../../config/project-root";
import { envSource, unknownEnvWarning } from "../../config/env-warning";
import type { Reporter } from "../../io/reporter";

export { envSource, knownEnvs, unknownEnvWarning, type EnvCheck, type EnvSource } from "../../config/env-warning";

/**
 * The same check for the commands that read only settings (the build commands). Best effort: a broken
 * settings file is reported by the command's own lookup, not here.
 */
export async function warnUnknownEnv(
  projectName: string | undefined,
  options: { env?: string; type?: string; stackName?: string },
  reporter: Pick<Reporter, "warn">,
  context: { cwd?: string; environment?: Record<string, string | undefined> } = {},
): Promise<void> {
  const environment = context.environment ?? process.env;
  const from = envSource(options.env, environment);
  const cwd = context.cwd ?? process.cwd();
  if (!from) return;
  try {
    if (!findProjectRoot(cwd, { environment }).root) return;
    const naming = await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd, environment });
    const warning = unknownEnvWarning({ env: naming.env, from, root: naming.root, type: options.type, settings: naming.settings });
    if (warning) reporter.warn(warning);
  } catch {
    // The command's own lookup reads the same settings and reports what is wrong with them.
  }
}
