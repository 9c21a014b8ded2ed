// The config half of the pipeline every project command runs: target → load → validate → resolve. It
// stops at a ResolvedProject, so config imports nothing above it; synth/pipeline.ts adds the template.
import { readProject } from "./load-project";
import { resolveProject, type ResolvedProject } from "./resolve";
import type { CommandTarget } from "./target";

export { resolveTarget, type CommandTarget, type TargetIo, type TargetOptions } from "./target";

/** Loads, validates and resolves the target's project: bad input fails here, before any AWS call. */
export async function loadTarget(target: CommandTarget): Promise<ResolvedProject> {
  return resolveProject(await readProject(target));
}
