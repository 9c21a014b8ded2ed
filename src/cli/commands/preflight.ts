// `cody preflight`: every command's permissions. Denied → the table and the statement to add, exit 3.
// Could not run → a warning that does not block, unless --strict. Every result names the engine that
// answered. The check itself, and the one `cody deploy` runs, are in preflight/deploy-check.ts.
import { createCloudFormation, type AwsOptions } from "../../aws/clients";
import { partitionOf } from "../../aws/partition";
import { resolveAws } from "../../config/naming";
import { serviceRoleArn } from "../../config/role-arn";
import { findProjectRoot } from "../../config/project-root";
import { CodyError, ExitCode } from "../../errors";
import type { CommandName } from "../../iam/requirements";
import type { StackSetScope } from "../../iam/stack-set-requirements";
import type { Reporter } from "../../io/reporter";
import { formatCouldNotRun, formatDenied, formatOk } from "../../preflight/format";
import type { PreflightResult } from "../../preflight/preflight";
import type { ProjectOptions } from "../options";
import { synthProject, type ProjectSynth } from "../project-synth";
import { check, deniedError, printWarnings } from "../../preflight/deploy-check";

export { deployPreflight } from "../../preflight/deploy-check";
import { printResult } from "../print-result";

export interface PreflightOptions extends ProjectOptions {
  strict?: boolean;
  json?: boolean;
  /** --role-arn: CloudFormation's resource calls are checked against this service role (default: settings' roleArn). */
  roleArn?: string;
  /** --stack-set: check the StackSets calls too (automatic when settings have stackSet). */
  stackSet?: boolean;
}

/** What `cody preflight` checks: everything cody can do with a project. */
export const ALL_COMMANDS: CommandName[] = ["deploy", "diff", "delete", "start", "status", "logs", "stop", "list", "badge"];

async function projectSynth(projectName: string | undefined, options: PreflightOptions): Promise<{ synth?: ProjectSynth; aws: AwsOptions }> {
  // Outside a project the generic requirements of any cody project are checked.
  if (!findProjectRoot(process.cwd()).root) return { aws: resolveAws(options) };
  const synth = await synthProject(projectName, options);
  return { synth, aws: synth.aws };
}

/** The stack set the check covers, as `cody policy` scopes it: settings' stackSet, or --stack-set with AWS's defaults. */
async function stackSetOf(synth: ProjectSynth | undefined, options: PreflightOptions): Promise<StackSetScope | undefined> {
  const settings = synth?.project.settings.stackSet;
  if (!settings && !options.stackSet) return undefined;
  const { stackSetScope } = await import("../../iam/stack-set-requirements");
  const types = synth ? Object.values(synth.template.Resources).flatMap((r) => (typeof r.Type === "string" ? [r.Type] : [])) : undefined;
  return stackSetScope(settings, synth?.stackName ?? "*-cody", types);
}

export async function preflightCommand(projectName: string | undefined, options: PreflightOptions, reporter: Reporter): Promise<void> {
  // A malformed --role-arn is bad input: refused before anything is read.
  serviceRoleArn(options.roleArn, undefined);
  const { synth, aws } = await projectSynth(projectName, options);
  if (synth) {
    if (synth.target.envWarning) reporter.warn(synth.target.envWarning);
  }
  // As the deploy does: with a service role, what CloudFormation does is checked against that role.
  const roleArn = serviceRoleArn(options.roleArn, synth?.project.settings.roleArn);
  const stackSet = await stackSetOf(synth, options);
  // The region the other commands would use; a region left to the SDK is read from its config.
  const region = aws.region ?? (await (await createCloudFormation(aws)).region());
  if (!synth) reporter.info("No .cody/ folder here: checking what any cody project needs.");
  const result = await check({
    synth,
    commands: ALL_COMMANDS,
    region,
    profile: aws.profile,
    ...(roleArn ? { serviceRoleArn: roleArn } : {}),
    ...(stackSet ? { stackSet } : {}),
  });
  try {
    await report(result, { region, roleArn, stackSet }, options, reporter, synth);
  } finally {
    // After the result (and before an error's message): what the check cannot see of the stack set.
    if (stackSet) await printStackSetRemarks(stackSet, result, region, reporter);
  }
}

/** What the check was scoped to, for --json: the region, and the service role and stack set when there are. */
interface CheckScope {
  region: string;
  roleArn?: string;
  stackSet?: StackSetScope;
}

async function report(result: PreflightResult, scope: CheckScope, options: PreflightOptions, reporter: Reporter, synth: ProjectSynth | undefined): Promise<void> {
  if (options.json) {
    // command and type first, as in every --json result.
    const { type, ...rest } = result;
    const { region, roleArn, stackSet } = scope;
    printResult(reporter, "preflight", type, {
      region,
      commands: ALL_COMMANDS,
      ...(roleArn ? { serviceRoleArn: roleArn } : {}),
      ...(stackSet ? { stackSet: jsonStackSet(stackSet) } : {}),
      ...rest,
    });
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

/** The stack set as --json names it: what was checked, not the template's resource types. */
function jsonStackSet({ name, permissionModel, administrationRoleArn, executionRoleName }: StackSetScope) {
  return { name, permissionModel, ...(administrationRoleArn ? { administrationRoleArn } : {}), ...(executionRoleName ? { executionRoleName } : {}) };
}

/** What the check cannot see of a stack set (the administration and execution roles), as `cody policy` says it. */
async function printStackSetRemarks(scope: StackSetScope, result: PreflightResult, region: string, reporter: Reporter): Promise<void> {
  const { stackSetRemarks } = await import("../../iam/stack-set-requirements");
  const principal = result.principal;
  for (const remark of stackSetRemarks(scope, principal?.partition ?? partitionOf(region), principal?.account ?? "<account>")) reporter.info(`note: ${remark}`);
}
