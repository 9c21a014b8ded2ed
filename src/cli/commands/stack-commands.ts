// `cody deploy` and `cody delete` (`cody diff` is diff.ts): load and synthesize locally (bad input fails before any
// AWS call), then hand the template to the deploy engine with the terminal-facing pieces it needs.
import { createCloudFormation, type CfnApi } from "../../aws/clients";
import { checkStackName } from "../../config/naming";
import { serviceRoleArn } from "../../config/role-arn";
import { CodyError } from "../../errors";
import type { DeployIo } from "../../deploy/deploy-stack";
import { colors, terminalPrompt, type Prompt, type Reporter } from "../../io/reporter";
import { createPrinter } from "../../deploy/printers";
import { abortableSleep, parseDuration } from "../../deploy/wait";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { commandTarget } from "../command-target";
import { printProjectWarnings, synthProject, type ProjectSynth } from "../project-synth";
import { printResult } from "../print-result";

export interface StackCommandOptions extends ProjectOptions {
  wait?: boolean;
  /** delete: say what would be deleted, with read-only calls. */
  noop?: boolean;
  yes?: boolean;
  json?: boolean;
  /** --timeout: longest follow of the stack (30m, 2h). */
  timeout?: string;
  /** --role-arn: a CloudFormation service role (default: settings' roleArn). */
  roleArn?: string;
}

/**
 * The terminal side of the engine. Without a terminal a question is answered no, or, when `refusal`
 * names what would not happen (a delete), refused with an error that says so.
 */
function createIo(reporter: Reporter, yes: boolean | undefined, refusal?: string, prompt: Prompt = terminalPrompt()): DeployIo {
  return {
    reporter,
    printer: (title) => createPrinter(reporter, title),
    confirm: async (question) => {
      if (yes) return true;
      if (prompt.interactive) return prompt.ask(question);
      if (!refusal) return false;
      throw new CodyError(`${refusal}: there is no terminal to confirm it.`, {
        hint: "Pass --yes to confirm without a prompt (as in CI).",
      });
    },
  };
}

/** A warning for an env chosen by --env or CODY_ENV that the project does not define, then the role's. */
function warnEnv(reporter: Reporter, synth: ProjectSynth): void {
  if (synth.target.envWarning) reporter.warn(synth.target.envWarning);
  for (const text of synth.warnings) reporter.warn(text);
}

function printOutputs(reporter: Reporter, outputs: Record<string, string>): void {
  const c = colors(reporter);
  const width = Math.max(0, ...Object.keys(outputs).map((k) => k.length));
  for (const [key, value] of Object.entries(outputs)) reporter.info(`  ${c.dim(key.padEnd(width))}  ${value}`);
}

export interface DeployCommandOptions extends StackCommandOptions {
  skipPreflight?: boolean;
  strict?: boolean;
  outputsFile?: string;
  /** --require-approval; default from settings, else broadening. */
  requireApproval?: string;
  /** false with --no-execute. */
  execute?: boolean;
  changeSetName?: string;
  executeOnly?: boolean;
}

/** `prompt`: who answers questions; the fleet (src/cli/commands/fleet.ts) passes one that cannot. */
export async function deployCommand(projectName: string | undefined, options: DeployCommandOptions, reporter: Reporter, prompt: Prompt = terminalPrompt()): Promise<void> {
  const c = colors(reporter);
  const timeoutMs = parseDuration(options.timeout);
  const { approvalLevel, checkReviewFlags } = await import("../../review/deploy-flags");
  checkReviewFlags(options);
  serviceRoleArn(options.roleArn, undefined);
  const synth = await synthProject(projectName, options);
  const roleArn = serviceRoleArn(options.roleArn, synth.project.settings.roleArn);
  warnEnv(reporter, synth);
  const level = approvalLevel(options.requireApproval, synth.project.settings.requireApproval);
  printProjectWarnings(synth.project, reporter);
  const cfn = await createCloudFormation(synth.aws);
  const region = await cfn.region();
  const { reviewSeam } = await import("../deploy-review");
  const seam = (keep: boolean, deletes: boolean) =>
    reviewSeam({ cfn, stackName: synth.stackName, region, template: synth.template, level, yes: Boolean(options.yes), keep, deletes, prompt, reporter });
  if (options.executeOnly) return executeOnly(synth, options, { cfn, region, reporter, seam: seam(false, false) });
  // IAM preflight once the deploy knows it will change something, before any CloudFormation write:
  // exit 3 when permissions are missing. An unchanged project skips it (the ~1 s no-op path).
  // Then the names the template uses (parameters, secrets, policies, roles): a warning, exit 3 with --strict.
  const preflight = async () => {
    if (!options.skipPreflight) {
      const { deployPreflight } = await import("../../preflight/deploy-check");
      await deployPreflight({ synth, region, profile: synth.aws.profile, strict: options.strict, reporter, serviceRoleArn: roleArn });
    }
    const { referenceCheck } = await import("../reference-check");
    await referenceCheck({ template: synth.template, aws: synth.aws, region, strict: options.strict, reporter });
  };
  const { deployStack } = await import("../../deploy/deploy-stack");
  const { adoptable } = await import("../../review/adopt");
  reporter.info(`Deploying stack ${c.bold(synth.stackName)} (${region})`);
  const result = await withInterrupt(
    (signal) =>
      deployStack({
        cfn,
        stackName: synth.stackName,
        templateBody: synth.templateBody,
        tags: synth.stackTags,
        wait: options.wait,
        io: createIo(reporter, options.yes, undefined, prompt),
        sleep: abortableSleep(signal),
        signal,
        beforeChanges: preflight,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        // A change set kept for review is named apart from cody's own (`cody-<time>`), which a later
        // deploy treats as another run's or as left over (src/deploy/change-sets.ts).
        changeSetName: options.changeSetName ?? (options.execute === false ? `cody-review-${Date.now()}` : undefined),
        importExisting: adoptable(synth.template).length > 0,
        roleArn,
        terminationProtection: synth.project.settings.terminationProtection,
        review: seam(options.execute === false, true),
      }),
    undefined,
    reporter,
  );
  if (result.type === "no-changes") reporter.success(`No changes: stack ${synth.stackName} is up to date.`);
  if (result.type === "created") await printCreated(cfn, synth.stackName, result.changeSetName, region, reporter);
  if (result.type === "started") reporter.info(`Deploy of ${synth.stackName} started; run \`cody deploy\` again to wait for it, or watch it in the CloudFormation console.`);
  if (result.type === "deployed") {
    reporter.success(`Deployed ${synth.stackName} (${result.status}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  }
  await finish(result, { options, region, reporter, warnings: synth.warnings });
}

type Finished =
  | { type: "no-changes" | "deployed"; stackName: string; status: string; outputs: Record<string, string>; changes?: unknown[]; elapsedMs?: number }
  | { type: "started"; stackName: string; changes: unknown[] }
  | { type: "created"; stackName: string; changeSetName: string; changes: unknown[] };

/** Outputs (printed, --outputs-file) and the --json result, the same for a deploy and an --execute-only. */
async function finish(result: Finished, o: { options: DeployCommandOptions; region: string; reporter: Reporter; warnings: string[] }): Promise<void> {
  const { options, region, reporter, warnings } = o;
  const outputs = result.type === "no-changes" || result.type === "deployed" ? result.outputs : undefined;
  if (outputs) printOutputs(reporter, outputs);
  if (options.outputsFile) {
    const { writeOutputsFile } = await import("../../deploy/outputs-file");
    if (!outputs) reporter.warn(`--outputs-file: not written: the change set was not ${result.type === "created" ? "executed" : "followed to the end"}, so its outputs are not known yet.`);
    else reporter.info(`Outputs written to ${writeOutputsFile(options.outputsFile, result.stackName, outputs)}`);
  }
  if (options.json) {
    // The same keys for every type: null or empty where a type has nothing to say.
    printResult(reporter, "deploy", result.type, {
      stackName: result.stackName,
      region,
      status: result.type === "no-changes" || result.type === "deployed" ? result.status : null,
      changes: result.type === "no-changes" ? [] : (result.changes ?? []),
      outputs: outputs ?? {},
      elapsedMs: result.type === "deployed" ? (result.elapsedMs ?? null) : null,
      warnings,
      changeSetName: result.type === "created" ? result.changeSetName : null,
    });
  }
}

/** --no-execute: the change set's name, its console page, and how to execute it. */
async function printCreated(cfn: CfnApi, stackName: string, changeSetName: string, region: string, reporter: Reporter): Promise<void> {
  const { changeSetLink } = await import("../deploy-review");
  const described = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: changeSetName });
  reporter.success(`Change set ${changeSetName} created for ${stackName}; nothing was executed.`);
  if (described.StackId && described.ChangeSetId) reporter.info(`  review it: ${changeSetLink(region, described.StackId, described.ChangeSetId)}`);
  reporter.info(`  execute it: cody deploy --execute-only --change-set-name ${changeSetName}`);
}

async function executeOnly(
  synth: ProjectSynth,
  options: DeployCommandOptions,
  o: { cfn: CfnApi; region: string; reporter: Reporter; seam: ReturnType<typeof import("../deploy-review").reviewSeam> },
): Promise<void> {
  const { cfn, region, reporter } = o;
  const { executeReviewed } = await import("../../deploy/execute-reviewed");
  const changeSetName = options.changeSetName!;
  reporter.info(`Executing change set ${colors(reporter).bold(changeSetName)} of ${synth.stackName} (${region})`);
  const result = await withInterrupt(
    (signal) =>
      executeReviewed({
        cfn,
        stackName: synth.stackName,
        templateBody: synth.templateBody,
        tags: synth.stackTags,
        changeSetName,
        wait: options.wait,
        io: createIo(reporter, options.yes),
        sleep: abortableSleep(signal),
        signal,
        approve: async (changes) => {
          const stack = await cfn.describeStacks({ StackName: synth.stackName });
          const verdict = await o.seam(changes, { changeSetName, isNew: stack.Stacks?.[0]?.StackStatus === "REVIEW_IN_PROGRESS" });
          if (verdict.type === "refuse") throw verdict.error;
          return true;
        },
      }),
    undefined,
    reporter,
  );
  if (result.type === "started") reporter.info(`Deploy of ${synth.stackName} started; watch it in the CloudFormation console.`);
  else reporter.success(`Deployed ${synth.stackName} (${result.status}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  await finish(result, { options, region, reporter, warnings: synth.warnings });
}

/** The stack to delete, from names alone (settings, not the whole project): a broken project can still be deleted. */
async function deleteTarget(projectName: string | undefined, options: StackCommandOptions) {
  if (options.stackName) checkStackName(options.stackName, "--stack-name");
  const target = await commandTarget(projectName, options);
  if (!options.stackName && !projectName && !target.hasCodyDir) {
    throw new CodyError(`no .cody/ folder found (cody looked in ${target.search.searched.join(", ")}), so cody cannot tell which stack to delete.`, {
      hint: "Run it in the project's repository, set CODY_ROOT, or name it: cody delete <project> or cody delete --stack-name <stack>.",
    });
  }
  const roleArn = serviceRoleArn(options.roleArn, target.settings.roleArn);
  return { stackName: target.names.stackName, aws: target.aws, envWarning: target.envWarning, roleArn };
}

export async function deleteCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const timeoutMs = parseDuration(options.timeout);
  serviceRoleArn(options.roleArn, undefined);
  const { stackName, aws, envWarning, roleArn } = await deleteTarget(projectName, options);
  if (envWarning) reporter.warn(envWarning);
  const cfn = await createCloudFormation(aws);
  const region = await cfn.region();
  // --noop stops here, before the delete engine: only DescribeStacks and DescribeStackResources are called.
  if (options.noop) return deleteNoop(cfn, stackName, region, options, reporter);
  const { deleteStack } = await import("../../deploy/delete-stack");
  const result = await withInterrupt(
    (signal) =>
      deleteStack({
        cfn,
        stackName,
        region,
        io: createIo(reporter, options.yes, `not deleting stack ${stackName} (${region})`),
        sleep: abortableSleep(signal),
        signal,
        wait: options.wait,
        roleArn,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
    undefined,
    reporter,
  );
  if (result.type === "missing") reporter.info(`Stack ${stackName} does not exist in ${region}: nothing to delete.`);
  if (result.type === "cancelled") reporter.info("Not deleted.");
  if (result.type === "started") reporter.info(`Delete of ${stackName} (${region}) started.`);
  if (result.type === "deleted") reporter.success(`Deleted ${stackName} (${region}) in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  const left = result.type === "started" || result.type === "deleted" ? result.leftBehind : [];
  for (const item of left) reporter.info(`Left behind: ${item}`);
  if (options.json) {
    const elapsedMs = result.type === "deleted" ? result.elapsedMs : null;
    printResult(reporter, "delete", result.type, { stackName, region, leftBehind: left, elapsedMs });
  }
}

async function deleteNoop(cfn: CfnApi, stackName: string, region: string, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const { previewDelete } = await import("../../deploy/delete-preview");
  const preview = await previewDelete(cfn, stackName);
  if (!preview.exists) {
    reporter.info(`Stack ${stackName} does not exist in ${region}: nothing would be deleted.`);
  } else {
    const count = preview.resources.length;
    reporter.info(`Would delete stack ${stackName} (${region}, ${preview.status}) and its ${count} resource${count === 1 ? "" : "s"}:`);
    const width = Math.max(...preview.resources.map((r) => r.logicalId.length), 0);
    const typeWidth = Math.max(...preview.resources.map((r) => r.type.length), 0);
    for (const r of preview.resources) reporter.info(`  ${r.logicalId.padEnd(width)}  ${r.type.padEnd(typeWidth)}  ${r.physicalId ?? ""}`.trimEnd());
    for (const item of preview.leftBehind) reporter.info(`Would leave behind: ${item}`);
    reporter.info("Nothing was deleted (--noop).");
  }
  if (options.json) {
    const { exists, status, resources, leftBehind } = preview;
    printResult(reporter, "delete", "noop", { stackName, region, exists, status, resources, leftBehind, elapsedMs: null });
  }
}
