// Load and synthesize the project in the current folder, as every project command does first: bad
// input fails here, before any AWS call. The target is resolved once; synth/pipeline.ts does the rest.
import type { LoadedProject } from "../config/load-project";
import { commandTarget } from "./command-target";
import { synthTarget, type ProjectSynth } from "../synth/pipeline";
import type { TemplateFormat } from "../synth/serialize";
import type { Reporter } from "../io/reporter";
import { formatIssue } from "./format-error";
import type { ProjectOptions } from "./options";

export type { ProjectSynth };
export { commandTarget, warnedTarget } from "./command-target";

export async function synthProject(
  projectName: string | undefined,
  options: ProjectOptions,
  format: TemplateFormat = "yaml",
): Promise<ProjectSynth> {
  return synthTarget(await commandTarget(projectName, options, { requireProject: true }), format);
}

/** The project's warnings (deprecated image, unlisted runtime version), each with its file, line and fix. */
export function printProjectWarnings(project: LoadedProject, reporter: Reporter): void {
  for (const issue of project.warnings ?? []) reporter.warn(formatIssue(issue, reporter));
}
