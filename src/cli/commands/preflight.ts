// `cody preflight` (every command's permissions) and the check `cody deploy` runs before any
// CloudFormation write. Denied → the table and the statement to add, exit 3. Could not run → a
// warning that does not block, unless --strict. Every result names the engine that answered.
import { createCloudFormation, createIdentity, type AwsOptions } from "../../aws/clients";
import { resolveAws } from "../../config/naming";
import { findProjectRoot } from "../../config/project-root";
import { interruptSignal } from "../../aws/interrupt-signal";
import { CodyError, ExitCode, Interrupted } from "../../errors";
import type { CommandName } from "../../iam/requirements";
import type { Reporter } from "../../io/reporter";
import { formatCouldNotRun, formatDenied, formatFallback, formatOk } from "../../preflight/format";
import { runPreflight, type PreflightResult } from "../../preflight/preflight";
import type { SynthResult } from "../../synth/template";
import type { ProjectOptions } from "../options";
import { synthProject, type ProjectSynth } from "../project-synth";
import { printResult } from "../print-result";

export interface PreflightOptions extends ProjectOptions {
  strict?: boolean;
  json?: boolean;
}

/** What `cody preflight` checks: everything cody can do with a project. */
export const ALL_COMMANDS: CommandName[] = ["deploy", "diff", "delete", "start", "status", "logs", "stop", "list", "badge"];

interface CheckInput {
  synth?: SynthResult;
  commands: CommandName[];
  region: string;
  profile?: string;
  serviceRoleArn?: string;
}

async function check(input: CheckInput): Promise<PreflightResult> {
  const identity = await createIdentity({ profile: input.profile, region: input.region });
  const { requirementsFor } = await import("../../iam/requirements");
  return runPreflight({
    identity,
    region: input.region,
    serviceRoleArn: input.serviceRoleArn,
    requirements: ({ account, partition }) =>
      requirementsFor({ synth: input.synth, commands: input.commands, region: input.region, account, partition, serviceRoleArn: input.serviceRoleArn }),
  });
}

function deniedError(result: Extract<PreflightResult, { type: "denied" }>, what: string): CodyError {
  const actions = [...new Set(result.denied.map((d) => d.action))];
  return new CodyError(`preflight: ${result.principal.arn} may not ${what}: missing ${actions.join(", ")}.`, {
    exitCode: ExitCode.permissions,
    hint: "Add the statement(s) above to its policy (`cody policy` prints the whole policy), or pass --skip-preflight if you know better.",
  });
}

/** Warnings always; notes (limits of the check, why the simulator was not used) only where asked for, so deploys stay quiet. */
function printWarnings(reporter: Reporter, result: PreflightResult, notes: "info" | "debug"): void {
  if (result.type === "could-not-run") return;
  for (const warning of result.warnings) reporter.warn(`preflight: ${warning}`);
  const fallback = formatFallback(result);
  if (fallback) reporter[notes](`note: ${fallback}`);
  for (const note of result.notes) reporter[notes](`note: ${note}`);
}

/**
 * The check `cody deploy` runs after synth and before any CloudFormation write. Throws (exit 3) when
 * permissions are missing, or when it could not run and `strict` is set.
 */
export async function deployPreflight(input: {
  synth: SynthResult;
  region: string;
  profile?: string;
  strict?: boolean;
  reporter: Reporter;
  /** --role-arn: what CloudFormation does is then checked against that role, not the caller. */
  serviceRoleArn?: string;
}): Promise<PreflightResult> {
  const { reporter } = input;
  const result = await check({ synth: input.synth, commands: ["deploy"], region: input.region, profile: input.profile, serviceRoleArn: input.serviceRoleArn });
  // Ctrl-C during the check: not a check that "could not run", an interrupted deploy.
  if (interruptSignal()?.aborted) throw new Interrupted();
  printWarnings(reporter, result, "debug");
  if (result.type === "ok") {
    // One line naming the engine (and, for the local one, what it cannot see); root is warned about above.
    if (result.engine !== "none") reporter.info(formatOk(result));
    return result;
  }
  if (result.type === "denied") {
    for (const line of formatDenied(result)) reporter.info(line);
    throw deniedError(result, `deploy stack ${input.synth.stackName}`);
  }
  if (input.strict) {
    throw new CodyError(formatCouldNotRun(result), {
      exitCode: ExitCode.permissions,
      hint: "--strict stops the deploy when its permissions cannot be checked; drop --strict (or pass --skip-preflight) to deploy anyway.",
    });
  }
  reporter.warn(`${formatCouldNotRun(result)} Deploying anyway (--strict would stop here).`);
  return result;
}

async function projectSynth(projectName: string | undefined, options: PreflightOptions): Promise<{ synth?: ProjectSynth; aws: AwsOptions }> {
  // Outside a project the generic requirements of any cody project are checked.
  if (!findProjectRoot(process.cwd()).root) return { aws: resolveAws(options) };
  const synth = await synthProject(projectName, options);
  return { synth, aws: synth.aws };
}

export async function preflightCommand(projectName: string | undefined, options: PreflightOptions, reporter: Reporter): Promise<void> {
  const { synth, aws } = await projectSynth(projectName, options);
  if (synth) {
    if (synth.target.envWarning) reporter.warn(synth.target.envWarning);
  }
  // The region the other commands would use; a region left to the SDK is read from its config.
  const region = aws.region ?? (await (await createCloudFormation(aws)).region());
  if (!synth) reporter.info("No .cody/ folder here: checking what any cody project needs.");
  const result = await check({ synth, commands: ALL_COMMANDS, region, profile: aws.profile });
  if (options.json) {
    // command and type first, as in every --json result.
    const { type, ...rest } = result;
    printResult(reporter, "preflight", type, { region, commands: ALL_COMMANDS, ...rest });
  }
  if (result.type === "ok") {
    if (!options.json) reporter.success(formatOk(result));
    printWarnings(reporter, result, "info");
    return;
  }
  if (result.type === "denied") {
    if (!options.json) for (const line of formatDenied(result, { showCommands: true })) reporter.info(line);
    // After the table: what a reader needs first is what is missing.
    printWarnings(reporter, result, "info");
    throw deniedError(result, `run every cody command${synth ? ` on stack ${synth.stackName}` : ""}`);
  }
  if (options.strict) {
    throw new CodyError(formatCouldNotRun(result), { exitCode: ExitCode.permissions, hint: "Without --strict this is a warning, not a failure." });
  }
  reporter.warn(formatCouldNotRun(result));
}
