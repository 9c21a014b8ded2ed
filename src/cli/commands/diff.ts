// `cody diff`: what a deploy would change, with values and the IAM changes; `--fail` exits 1 when
// there are changes (for CI), `--strict` exits 3 when a name the template uses does not exist.
import { createCloudFormation } from "../../aws/clients";
import { serviceRoleArn } from "../../config/role-arn";
import { CodyError, ExitCode } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import { abortableSleep } from "../../deploy/wait";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { printProjectWarnings, synthProject } from "../project-synth";
import { printResult } from "../print-result";

export interface DiffOptions extends ProjectOptions {
  json?: boolean;
  fail?: boolean;
  strict?: boolean;
  /** --role-arn: a CloudFormation service role (default: settings' roleArn). */
  roleArn?: string;
}

export async function diffCommand(projectName: string | undefined, options: DiffOptions, reporter: Reporter): Promise<void> {
  const c = colors(reporter);
  serviceRoleArn(options.roleArn, undefined);
  const synth = await synthProject(projectName, options);
  const { project } = synth;
  const roleArn = serviceRoleArn(options.roleArn, project.settings.roleArn);
  if (synth.target.envWarning) reporter.warn(synth.target.envWarning);
  for (const text of synth.warnings) reporter.warn(text);
  printProjectWarnings(project, reporter);
  const cfn = await createCloudFormation(synth.aws);
  const region = await cfn.region();
  const { referenceCheck } = await import("../reference-check");
  const references = await referenceCheck({ template: synth.template, aws: synth.aws, region, strict: options.strict, reporter });
  const { diffStack } = await import("../../deploy/diff-stack");
  const { formatReviewedChanges, formatIamSection, jsonValues } = await import("../../review/review");
  const result = await withInterrupt(
    (signal) =>
      diffStack({
        cfn,
        stackName: synth.stackName,
        templateBody: synth.templateBody,
        template: synth.template,
        tags: synth.stackTags,
        roleArn,
        sleep: abortableSleep(signal),
        signal,
      }),
    undefined,
    reporter,
  );
  for (const left of result.leftBehind ?? []) reporter.warn(left);
  if (result.recreate) {
    reporter.warn(`stack ${synth.stackName} (${region}) is ${result.recreate}: cody deploy will delete it and create it again.`);
  }
  if (options.json) {
    const { stackName, isNew, changes, iam, broadening } = result;
    printResult(reporter, "diff", changes.length === 0 ? "no-changes" : "changes", {
      stackName,
      region,
      isNew,
      recreate: result.recreate ?? null,
      changes: changes.map(({ values, ...change }) => ({ ...change, values: jsonValues(values) })),
      iam,
      broadening,
      missingReferences: references.missing,
    });
  } else if (result.changes.length === 0) {
    reporter.success(`No changes: stack ${synth.stackName} (${region}) is up to date.`);
  } else {
    reporter.info(`${result.isNew ? "New stack" : "Changes to stack"} ${synth.stackName} (${region}):`);
    for (const line of formatReviewedChanges(result.changes)) reporter.result(line);
    // The result goes to stdout: on a terminal, fit its width.
    const iam = formatIamSection(result.iam, process.stdout.isTTY ? process.stdout.columns : undefined);
    if (iam.length > 0) {
      reporter.result("");
      reporter.result(result.broadening ? c.yellow(iam[0]!) : iam[0]!);
      for (const line of iam.slice(1)) reporter.result(line);
    }
  }
  if (options.fail && result.changes.length > 0) {
    const n = result.changes.length;
    throw new CodyError(`${n} resource${n === 1 ? "" : "s"} would change (--fail).`, {
      exitCode: ExitCode.input,
      hint: "Exit 1 is --fail's answer to \"are there changes?\"; without --fail, cody diff exits 0 either way.",
    });
  }
}
