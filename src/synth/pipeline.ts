// The one entry every project command calls: a resolved target → the loaded, validated, resolved
// project (config/pipeline.ts) → the template, serialized and checked against the size limit, with the
// warnings about what the build role allows. Pure: no AWS call.
import type { AwsOptions } from "../aws/clients";
import { loadTarget } from "../config/pipeline";
import type { ResolvedProject } from "../config/resolve";
import type { CommandTarget } from "../config/target";
import { checkTemplateSize, serializeTemplate, type TemplateFormat } from "./serialize";
import { synthesize, type SynthResult } from "./template";
import { synthWarnings } from "./warnings";

export interface ProjectSynth extends SynthResult {
  project: ResolvedProject;
  target: CommandTarget;
  /** The template as cody deploys it (YAML unless asked otherwise), checked against the size limit. */
  templateBody: string;
  /** Where to call AWS: the region the template was made for, and the profile. */
  aws: AwsOptions;
  /** What the build role allows that a build should not have (stderr, and --json): never fatal. */
  warnings: string[];
}

export async function synthTarget(target: CommandTarget, format: TemplateFormat = "yaml"): Promise<ProjectSynth> {
  const project = await loadTarget(target);
  const synth = synthesize(project);
  const templateBody = serializeTemplate(synth.template, format);
  checkTemplateSize(templateBody, project.files.project);
  return { ...synth, project, target, templateBody, aws: target.aws, warnings: synthWarnings(project) };
}
