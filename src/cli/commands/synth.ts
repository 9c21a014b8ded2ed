// `cody synth` (and `cody deploy --noop`): the template, with no AWS call and no credentials.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadProject } from "../../config/load-project";
import type { Reporter } from "../../io/reporter";
import { checkTemplateSize, serializeTemplate, type TemplateFormat } from "../../synth/serialize";
import { synthesize } from "../../synth/template";
import { displayPath } from "../format-error";
import type { ProjectOptions } from "../options";

export interface SynthOptions extends ProjectOptions {
  format?: TemplateFormat;
  out?: string;
}

export async function synthCommand(projectName: string | undefined, options: SynthOptions, reporter: Reporter): Promise<void> {
  const cwd = process.cwd();
  const project = await loadProject({
    cwd,
    projectName,
    type: options.type,
    env: options.env,
    stackName: options.stackName,
    region: options.region,
  });
  const { template, stackName } = synthesize(project);
  const body = serializeTemplate(template, options.format ?? "yaml");
  checkTemplateSize(body, project.files.project);
  if (options.out) {
    const out = resolve(cwd, options.out);
    writeFileSync(out, body);
    reporter.info(`Wrote the template of stack ${stackName} to ${displayPath(out, cwd)}`);
  } else {
    reporter.result(body);
  }
}
