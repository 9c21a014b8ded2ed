// `cody synth` (and `cody deploy --noop`): the template, with no AWS call and no credentials.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Reporter } from "../../io/reporter";
import type { TemplateFormat } from "../../synth/serialize";
import { displayPath } from "../format-error";
import type { ProjectOptions } from "../options";
import { printProjectWarnings, synthProject } from "../project-synth";

export interface SynthOptions extends ProjectOptions {
  format?: TemplateFormat;
  out?: string;
}

export async function synthCommand(projectName: string | undefined, options: SynthOptions, reporter: Reporter): Promise<void> {
  const cwd = process.cwd();
  const { templateBody: body, stackName, project, warnings, target } = await synthProject(projectName, options, options.format ?? "yaml");
  if (target.envWarning) reporter.warn(target.envWarning);
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
