// `cody deploy|delete|status --stack-set`: flags → the StackSets engine (src/stacksets/), and its result
// → the terminal and --json. Bad input (no stackSet in settings, flags that make no sense for a stack set)
// fails before any AWS call.
import { createIdentity, createStackSets, type StackSetApi } from "../../aws/clients";
import { resolveAws } from "../../config/naming";
import { projectNaming } from "../../config/project-naming";
import { CodyError, configError, ExitCode } from "../../errors";
import { colors, terminalPrompt, type Reporter } from "../../io/reporter";
import { abortableSleep, parseDuration } from "../../deploy/wait";
import type { StackSetIo } from "../../stacksets/deploy";
import type { InstanceRow } from "../../stacksets/instances";
import { createOperationPrinter, paint } from "../../stacksets/printer";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { printProjectWarnings, synthProject } from "../project-synth";
import type { DeployCommandOptions, StackCommandOptions } from "./stack-commands";
import { envSource, unknownEnvWarning } from "./env-check";

const NO_STACK_SET_FIX = 'Add stackSet: { regions: ["us-east-1", "eu-west-1"] } to defineSettings in .cody/settings.ts (docs/scale.md#stacksets).';

function noStackSet(file: string | undefined): CodyError {
  return configError({
    ...(file ? { file } : {}),
    field: "stackSet",
    message: "--stack-set deploys to the regions and accounts of settings' stackSet, and the settings have none.",
    fix: NO_STACK_SET_FIX,
  });
}

/** Deploy flags that belong to change sets or a single stack: refused with --stack-set rather than ignored. */
function checkDeployFlags(options: DeployCommandOptions): void {
  const refused: Array<[boolean, string, string]> = [
    [Boolean(options.executeOnly), "--execute-only", "StackSets has no change sets to execute"],
    [options.execute === false, "--no-execute", "StackSets has no change sets to review"],
    [options.changeSetName !== undefined, "--change-set-name", "StackSets has no change sets"],
    [options.wait === false, "--no-wait", "cody adds missing instances after the set's operation ends, so it follows each one"],
    [options.roleArn !== undefined, "--role-arn", "a stack set uses its administration and execution roles (settings' stackSet.administrationRoleArn and executionRoleName)"],
    [options.outputsFile !== undefined, "--outputs-file", "each instance has its own outputs"],
  ];
  for (const [given, flag, why] of refused) {
    if (given) throw configError({ field: flag, message: `${flag} cannot be combined with --stack-set: ${why}.`, fix: `Drop ${flag}, or deploy the single stack without --stack-set.` });
  }
}

/** Without a terminal a question is refused with an error that says what would not happen. */
function stackSetIo(reporter: Reporter, yes: boolean | undefined, refusal: string): StackSetIo {
  const prompt = terminalPrompt();
  return {
    reporter,
    printer: (title) => createOperationPrinter(reporter, title),
    confirm: async (question) => {
      if (yes) return true;
      if (prompt.interactive) return prompt.ask(question);
      throw new CodyError(`${refusal}: there is no terminal to confirm it.`, { hint: "Pass --yes to confirm without a prompt (as in CI)." });
    },
  };
}

/** The instances as a table; widths from the plain text, colour added after padding. */
function instanceTable(rows: InstanceRow[], reporter: Pick<Reporter, "color">): string[] {
  const cells = rows.map((r) => [r.account, r.region, r.status, r.detailedStatus ?? "", r.reason ?? ""]);
  const headers = ["ACCOUNT", "REGION", "STATUS", "DETAIL", "REASON"];
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[], painted: boolean) =>
    c
      .map((cell, i) => {
        const padded = i === c.length - 1 ? cell : cell.padEnd(widths[i]!);
        return painted && (i === 2 || i === 3) && cell ? paint(reporter, cell, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [line(headers, false), ...cells.map((c) => line(c, true))];
}

export async function deployStackSetCommand(projectName: string | undefined, options: DeployCommandOptions, reporter: Reporter): Promise<void> {
  const c = colors(reporter);
  checkDeployFlags(options);
  const timeoutMs = parseDuration(options.timeout);
  const synth = await synthProject(projectName, options);
  const settings = synth.project.settings.stackSet;
  if (!settings) throw noStackSet(synth.project.files.settings);
  const { project } = synth;
  const envWarning = unknownEnvWarning({ env: project.env, from: envSource(options.env), root: project.root, type: project.type, settings: project.settings });
  if (envWarning) reporter.warn(envWarning);
  for (const text of synth.warnings) reporter.warn(text);
  printProjectWarnings(project, reporter);

  const api = await createStackSets(synth.aws);
  const region = await api.region();
  const { stackSetPlan } = await import("../../stacksets/plan");
  const { stackSetRequirements, stackSetRemarks, stackSetScope } = await import("../../iam/stack-set-requirements");
  const resourceTypes = Object.values(synth.template.Resources).flatMap((r) => (typeof r.Type === "string" ? [r.Type] : []));
  const scope = stackSetScope(settings, synth.stackName, resourceTypes);
  // SELF_MANAGED without accounts deploys to the caller's own account, which only STS knows.
  const identity = await createIdentity({ ...synth.aws, region });
  const caller = settings.accounts || settings.permissionModel === "SERVICE_MANAGED" ? undefined : await identity.getCallerIdentity();
  const plan = stackSetPlan({ settings, stackName: synth.stackName, templateBody: synth.templateBody, tags: synth.stackTags, callerAccount: caller?.Account });

  const preflight = async () => {
    if (options.skipPreflight) return;
    const { runPreflight } = await import("../../preflight/preflight");
    const { formatCouldNotRun, formatDenied, formatOk } = await import("../../preflight/format");
    const result = await runPreflight({
      identity,
      region,
      requirements: ({ account, partition }) => stackSetRequirements(scope, { partition, account, commands: ["deploy"] }),
    });
    if (result.type === "ok") {
      if (result.engine !== "none") reporter.info(formatOk(result));
      return;
    }
    if (result.type === "denied") {
      for (const line of formatDenied(result)) reporter.info(line);
      const actions = [...new Set(result.denied.map((d) => d.action))];
      throw new CodyError(`preflight: ${result.principal.arn} may not deploy stack set ${plan.name}: missing ${actions.join(", ")}.`, {
        exitCode: ExitCode.permissions,
        hint: "Add the statement(s) above to its policy (`cody policy --stack-set` prints the whole policy), or pass --skip-preflight if you know better.",
      });
    }
    if (options.strict) throw new CodyError(formatCouldNotRun(result), { exitCode: ExitCode.permissions, hint: "--strict stops the deploy when its permissions cannot be checked." });
    reporter.warn(`${formatCouldNotRun(result)} Deploying anyway (--strict would stop here).`);
  };

  const targets = plan.permissionModel === "SERVICE_MANAGED" ? "organizational units" : "accounts";
  reporter.info(`Deploying stack set ${c.bold(plan.name)} (${region}): ${targets} ${plan.targets.join(", ")} in ${plan.regions.join(", ")}`);
  const { deployStackSet } = await import("../../stacksets/deploy");
  const result = await withInterrupt(
    (signal) =>
      deployStackSet(plan, {
        api,
        io: stackSetIo(reporter, options.yes, `not deploying stack set ${plan.name}`),
        sleep: abortableSleep(signal),
        signal,
        beforeChanges: preflight,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
    undefined,
    reporter,
  );
  if (result.type === "created" && plan.permissionModel === "SELF_MANAGED") {
    for (const remark of stackSetRemarks(scope, "aws", caller?.Account ?? "<account>")) reporter.info(`note: ${remark}`);
  }
  for (const line of instanceTable(result.instances, reporter)) reporter.info(`  ${line}`);
  for (const row of result.extra) reporter.warn(`instance ${row.account} ${row.region} is not in settings' stackSet: cody deploy leaves it (cody delete --stack-set removes every instance).`);
  const counts = `${result.instances.length} instance${result.instances.length === 1 ? "" : "s"}`;
  const seconds = `${(result.elapsedMs / 1000).toFixed(1)}s`;
  if (options.json) reporter.result(JSON.stringify({ command: "deploy", type: result.failed ? "failed" : result.type, stackSetName: plan.name, region, permissionModel: plan.permissionModel, operations: result.operations, instances: result.instances, elapsedMs: result.elapsedMs }, null, 2));
  if (result.failed) {
    const failed = result.operations.flatMap((op) => op.results.filter((r) => r.status !== "SUCCEEDED").map((r) => `${r.account} ${r.region} ${r.status}${r.reason ? `: ${r.reason}` : ""}`));
    const stopped = result.operations.find((op) => op.status !== "SUCCEEDED");
    throw new CodyError(`stack set ${plan.name}: ${stopped ? `operation ${stopped.operationId} (${stopped.action}) ended ${stopped.status}` : "an instance failed"}${failed.length ? ` (${failed.join("; ")})` : ""}.`, {
      exitCode: ExitCode.failed,
      hint:
        plan.permissionModel === "SELF_MANAGED"
          ? "A failed instance is often a missing or untrusted execution role in that account (docs/scale.md#stacksets). Fix it, then run `cody deploy --stack-set` again."
          : "Fix what the reasons say, then run `cody deploy --stack-set` again; it adds only what is still missing.",
    });
  }
  if (result.type === "no-changes") reporter.success(`No changes: stack set ${plan.name} is up to date (${counts}).`);
  else reporter.success(`Deployed stack set ${plan.name} (${result.type}, ${counts}) in ${seconds}`);
}

/** The stack set of a command that needs only its name (delete, status): settings, not the whole project. */
async function stackSetTarget(projectName: string | undefined, options: ProjectOptions, reporter: Reporter): Promise<{ name: string; api: StackSetApi; region: string }> {
  const cwd = process.cwd();
  const naming = await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd });
  const envWarning = unknownEnvWarning({ env: naming.env, from: envSource(options.env), root: naming.root, type: options.type, settings: naming.settings });
  if (envWarning) reporter.warn(envWarning);
  const api = await createStackSets(resolveAws(options, naming));
  return { name: naming.names.stackName, api, region: await api.region() };
}

export async function deleteStackSetCommand(projectName: string | undefined, options: StackCommandOptions, reporter: Reporter): Promise<void> {
  const timeoutMs = parseDuration(options.timeout);
  if (options.noop || options.wait === false || options.roleArn !== undefined) {
    const flag = options.noop ? "--noop" : options.wait === false ? "--no-wait" : "--role-arn";
    throw configError({ field: flag, message: `${flag} cannot be combined with --stack-set.`, fix: `Drop ${flag}; \`cody status --stack-set\` lists what a delete would remove.` });
  }
  const { name, api, region } = await stackSetTarget(projectName, options, reporter);
  const { deleteStackSetAndInstances } = await import("../../stacksets/delete");
  const result = await withInterrupt(
    (signal) =>
      deleteStackSetAndInstances(name, region, {
        api,
        io: stackSetIo(reporter, options.yes, `not deleting stack set ${name} (${region})`),
        sleep: abortableSleep(signal),
        signal,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      }),
    undefined,
    reporter,
  );
  if (result.type === "missing") reporter.info(`Stack set ${name} does not exist in ${region}: nothing to delete.`);
  if (result.type === "cancelled") reporter.info("Not deleted.");
  if (result.type === "deleted") {
    const n = result.instances.length;
    reporter.success(`Deleted stack set ${name} (${region}) and its ${n} instance${n === 1 ? "" : "s"} in ${(result.elapsedMs / 1000).toFixed(1)}s`);
  }
  if (options.json) {
    reporter.result(JSON.stringify({ command: "delete", type: result.type, stackSetName: name, region, instances: result.instances, elapsedMs: result.type === "deleted" ? result.elapsedMs : null }, null, 2));
  }
}

export async function statusStackSetCommand(projectName: string | undefined, options: ProjectOptions & { json?: boolean; buildId?: string }, reporter: Reporter): Promise<void> {
  if (options.buildId !== undefined) throw configError({ field: "--build-id", message: "--build-id names a build; --stack-set shows the stack set's instances.", fix: "Drop one of them." });
  const { name, api, region } = await stackSetTarget(projectName, options, reporter);
  const { describeStackSet } = await import("../../stacksets/deploy");
  const { listInstances } = await import("../../stacksets/instances");
  const set = await describeStackSet(api, name);
  const instances = set ? await listInstances(api, name) : [];
  if (options.json) {
    reporter.result(
      JSON.stringify(
        { command: "status", type: set ? "stack-set" : "no-stack-set", stackSetName: name, region, permissionModel: set?.PermissionModel ?? null, status: set?.Status ?? null, instances },
        null,
        2,
      ),
    );
    return;
  }
  if (!set) {
    reporter.info(`Stack set ${name} does not exist in ${region}: create it with \`cody deploy --stack-set\`.`);
    return;
  }
  const c = colors({ color: reporter.outColor });
  reporter.result(`${c.bold("Stack set".padEnd(11))}${name} (${region}, ${set.PermissionModel ?? "SELF_MANAGED"}, ${set.Status ?? "ACTIVE"})`);
  if (instances.length === 0) reporter.result("No instances.");
  else for (const line of instanceTable(instances, { color: reporter.outColor })) reporter.result(line);
}
