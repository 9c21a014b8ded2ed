// The IAM check `cody deploy` runs after synth and before any CloudFormation write, and the check both
// it and `cody preflight` run: the caller's identity, the requirement model, the simulator or the local
// engine. Denied → the table and the statement to add, exit 3; could not run → a warning, unless strict.
import { createIdentity } from "../aws/clients";
import { interruptSignal } from "../aws/interrupt-signal";
import { CodyError, ExitCode, Interrupted } from "../errors";
import type { CommandName } from "../iam/requirements";
import type { StackSetScope } from "../iam/stack-set-requirements";
import type { Reporter } from "../io/reporter";
import type { SynthResult } from "../synth/template";
import { formatCouldNotRun, formatDenied, formatFallback, formatOk } from "./format";
import { runPreflight, type PreflightResult } from "./preflight";

export interface CheckInput {
  synth?: SynthResult;
  commands: CommandName[];
  region: string;
  profile?: string;
  serviceRoleArn?: string;
  /** The project's stack set (settings' stackSet, or --stack-set): its StackSets calls are checked too. */
  stackSet?: StackSetScope;
}

export async function check(input: CheckInput): Promise<PreflightResult> {
  const identity = await createIdentity({ profile: input.profile, region: input.region });
  const { requirementsFor } = await import("../iam/requirements");
  return runPreflight({
    identity,
    region: input.region,
    serviceRoleArn: input.serviceRoleArn,
    requirements: ({ account, partition }) =>
      requirementsFor({
        synth: input.synth,
        commands: input.commands,
        region: input.region,
        account,
        partition,
        serviceRoleArn: input.serviceRoleArn,
        ...(input.stackSet ? { stackSet: input.stackSet } : {}),
      }),
  });
}

export function deniedError(result: Extract<PreflightResult, { type: "denied" }>, what: string): CodyError {
  const actions = [...new Set(result.denied.map((d) => d.action))];
  return new CodyError(`preflight: ${result.principal.arn} may not ${what}: missing ${actions.join(", ")}.`, {
    exitCode: ExitCode.permissions,
    hint: "Add the statement(s) above to its policy (`cody policy` prints the whole policy), or pass --skip-preflight if you know better.",
  });
}

/** Warnings always; notes (limits of the check, why the simulator was not used) only where asked for, so deploys stay quiet. */
export function printWarnings(reporter: Reporter, result: PreflightResult, notes: "info" | "debug"): void {
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
