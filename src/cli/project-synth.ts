// Load and synthesize the project in the current folder, as every project command does first: bad
// input fails here, before any AWS call.
import type { AwsOptions } from "../aws/clients";
import { loadProject, type LoadedProject } from "../config/load-project";
import { resolveAws } from "../config/naming";
import { checkTemplateSize, serializeTemplate, type TemplateFormat } from "../synth/serialize";
import { synthesize, type SynthResult } from "../synth/template";
import { synthWarnings } from "../synth/warnings";
import type { Reporter } from "../io/reporter";
import { formatIssue } from "./format-error";
import type { ProjectOptions } from "./options";

export interface ProjectSynth extends SynthResult {
  project: LoadedProject;
  /** The template as cody deploys it (YAML unless asked otherwise), checked against the size limit. */
  templateBody: string;
  /** Where to call AWS: the region the template was made for, and the profile. */
  aws: AwsOptions;
  /** What the build role allows that a build should not have (stderr, and --json): never fatal. */
  warnings: string[];
}

export async function synthProject(
  projectName: string | undefined,
  options: ProjectOptions,
  format: TemplateFormat = "yaml",
): Promise<ProjectSynth> {
  const project = await loadProject({
    cwd: process.cwd(),
    projectName,
    type: options.type,
    env: options.env,
    stackName: options.stackName,
    region: options.region,
  });
  const synth = synthesize(project);
  const templateBody = serializeTemplate(synth.template, format);
  checkTemplateSize(templateBody, project.files.project);
  return { ...synth, project, templateBody, aws: resolveAws(options, project), warnings: synthWarnings(project) };
}

/** The project's warnings (deprecated image, unlisted runtime version), each with its file, line and fix. */
export function printProjectWarnings(project: LoadedProject, reporter: Reporter): void {
  for (const issue of project.warnings ?? []) reporter.warn(formatIssue(issue, reporter));
}
