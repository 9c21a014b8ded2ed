// A command's flags → its target (config/target.ts), resolved once. Kept apart from project-synth.ts so
// the build commands, which need no template, do not bundle synthesis.
import { resolveTarget, type CommandTarget, type TargetIo } from "../config/target";
import type { Reporter } from "../io/reporter";
import type { ProjectOptions } from "./options";

/** The target of a project command from its positional argument and flags. */
export function commandTarget(projectName: string | undefined, options: ProjectOptions, io: TargetIo = {}): Promise<CommandTarget> {
  return resolveTarget(
    { projectName, type: options.type, env: options.env, stackName: options.stackName, region: options.region, profile: options.profile },
    { ...(io.cwd ? { cwd: io.cwd } : {}), ...(io.environment ? { environment: io.environment } : {}), ...(io.requireProject ? { requireProject: true } : {}) },
  );
}

/** The target of a command, with its env warning printed: what the build commands start with. */
export async function warnedTarget(projectName: string | undefined, options: ProjectOptions, reporter: Pick<Reporter, "warn">, io: TargetIo = {}): Promise<CommandTarget> {
  const target = await commandTarget(projectName, options, io);
  if (target.envWarning) reporter.warn(target.envWarning);
  return target;
}
