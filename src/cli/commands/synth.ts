// `cody synth` (and `cody deploy --noop`): the template, with no AWS call and no credentials.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Reporter } from "../../io/reporter";
import type { TemplateFormat } from "../../synth/serialize";
import { displayPath } from "../format-error";
import type { ProjectOptions } from "../options";
import { printProjectWarnings, synthProject } from "../project-synth";
import { envSource, unknownEnvWarning } from "./env-check";

export interface SynthOptions extends ProjectOptions {
  format?: TemplateFormat;
  out?: string;
}

export async function synthCommand(projectName: string | undefined, options: SynthOptions, reporter: Reporter): Promise<void> {
  const cwd = process.cwd();
  const { templateBody: body, stackName, project, warnings } = await synthProject(projectName, options, options.format ?? "yaml");
  const warning = unknownEnvWarning({ env: project.env, from: envSource(options.env), root: project.root, type: project.type, settings: project.settings });
  if (warning) reporter.warn(warning);
  for (const text of warnings) reporter.warn(text);
  printProjectWarnings(project, reporter);
  if (options.out) {
    const out = resolve(cwd, options.out);
    writeFileSync(out, body);
    reporter.info(`Wrote the template of stack ${stackName} to ${displayPath(out, cwd)}`);
  } else {
    reporter.result(body);
  }
}
