// `cody policy`: the least-privilege IAM policy to deploy and run a project (inside a `.cody/` project,
// derived from its synthesized template) or any cody project (elsewhere). `--check FILE` evaluates a
// policy offline against the same requirement. No AWS call and no AWS SDK: everything here is local.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { resolveAws } from "../../config/naming";
import { findProjectRoot } from "../../config/project-root";
import { serviceRoleArn } from "../../config/role-arn";
import { CodyError, configError, ExitCode } from "../../errors";
import { asArray, parsePolicyDocument, unsupportedFeatures, type PolicyDocument } from "../../policy/evaluate";
import {
  BROAD_WARNING,
  broadPolicy,
  callerRequirements,
  checkPolicies,
  MANAGED_POLICY_MAX,
  policyDocument,
  policySize,
  setupNames,
  setupScript,
  type CheckResult,
  type IamPolicy,
} from "../../iam/policy";
import { COMMAND_NAMES, isCommandName, requirementsFor, type CommandName, type RequirementInput } from "../../iam/requirements";
import { boundaryPolicy } from "../../iam/boundary";
import { boundaryNote, escalationMessage, findEscalation } from "../../iam/escalation";
import type { Reporter } from "../../io/reporter";
import { toCloudFormationYaml } from "../../synth/serialize";
import { synthesize, type SynthResult } from "../../synth/template";
import { loadTarget } from "../../config/pipeline";
import { commandTarget } from "../command-target";
import { didYouMean } from "../../util/did-you-mean";
import { textTable } from "../../util/table";
import { displayPath } from "../format-error";
import type { ProjectOptions } from "../options";
import { partitionOf } from "../../aws/partition";

export { partitionOf };

export interface PolicyOptions extends ProjectOptions {
  format?: "json" | "yaml" | "cli";
  broad?: boolean;
  check?: string;
  commands?: string;
  permissionsBoundary?: string;
  /** --role-arn: the CloudFormation service role deploys pass (default: settings' roleArn). */
  roleArn?: string;
  /** Print the recommended permissions boundary instead of the policy. */
  boundary?: boolean;
  /** --stack-set: include the StackSets calls (automatic when settings have stackSet). */
  stackSet?: boolean;
}

const BOUNDARY_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

/** `--permissions-boundary`: a managed policy's ARN, without wildcards (IAM compares it exactly). */
export function parseBoundaryArn(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const arn = value.trim();
  if (!BOUNDARY_ARN.test(arn)) {
    throw configError({
      field: "--permissions-boundary",
      message: `"${value}" is not the ARN of a managed policy.`,
      fix: "Pass the boundary policy's ARN, e.g. arn:aws:iam::123456789012:policy/cody-boundary (no wildcards).",
    });
  }
  return arn;
}

/** The boundary ARNs every role of the template carries (none when a role has none). */
export function templateBoundaries(synth: SynthResult | undefined): string[] | undefined {
  if (!synth) return undefined;
  const roles = Object.values(synth.template.Resources).filter((r) => r.Type === "AWS::IAM::Role");
  const found = roles.map((r) => (r.Properties as Record<string, unknown> | undefined)?.PermissionsBoundary);
  if (roles.length === 0 || found.some((b) => typeof b !== "string")) return undefined;
  return [...new Set(found as string[])];
}

/** `--commands deploy,start` → the command names, in the model's order. */
export function parseCommands(list: string | undefined): CommandName[] | undefined {
  if (list === undefined) return undefined;
  const names = list
    .split(/[\s,]+/)
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 0) {
    throw configError({ field: "--commands", message: "no command names given.", fix: `List some of: ${COMMAND_NAMES.join(", ")}.` });
  }
  for (const name of names) {
    if (!isCommandName(name)) {
      throw configError({
        field: "--commands",
        message: `"${name}" is not a cody command that needs AWS permissions.${didYouMean(name, COMMAND_NAMES)}`,
        fix: `Use a comma-separated list of: ${COMMAND_NAMES.join(", ")}.`,
      });
    }
  }
  return COMMAND_NAMES.filter((c) => names.includes(c));
}


interface Target {
  synth?: SynthResult;
  region?: string;
  account?: string;
  /** settings' roleArn, inside a project. */
  roleArn?: string;
  /** settings' stackSet, inside a project. */
  stackSet?: import("../../config/stack-set-settings").StackSetSettings;
}

async function target(projectName: string | undefined, options: PolicyOptions, cwd: string): Promise<Target> {
  if (!findProjectRoot(cwd).root) {
    return { region: resolveAws(options).region, account: process.env.AWS_ACCOUNT_ID };
  }
  const project = await loadTarget(await commandTarget(projectName, options, { cwd, requireProject: true }));
  return { synth: synthesize(project), region: project.region, account: project.account, roleArn: project.settings.roleArn, stackSet: project.settings.stackSet };
}

export async function policyCommand(projectName: string | undefined, options: PolicyOptions, reporter: Reporter): Promise<void> {
  const commands = parseCommands(options.commands);
  const permissionsBoundary = parseBoundaryArn(options.permissionsBoundary);
  serviceRoleArn(options.roleArn, undefined);
  if (options.check !== undefined && options.broad) {
    throw configError({ field: "--broad", message: "--broad prints a policy; it cannot be combined with --check.", fix: "Drop --broad to check a policy file." });
  }
  if (options.boundary && (options.check !== undefined || options.broad)) {
    throw configError({
      field: "--boundary",
      message: `--boundary prints a permissions boundary; it cannot be combined with ${options.check !== undefined ? "--check" : "--broad"}.`,
      fix: "Run cody policy --boundary on its own.",
    });
  }
  const cwd = process.cwd();
  const t = await target(projectName, options, cwd);
  const serviceRole = serviceRoleArn(options.roleArn, t.roleArn);
  const subject = t.synth ? `stack ${t.synth.stackName}` : "any cody project";
  if (options.boundary) return printBoundary(t, options.format ?? "json", reporter);
  const stackSet = await stackSetPolicyScope(t, options);
  if (options.check !== undefined) {
    return check(resolve(cwd, options.check), t, commands, subject, options, { permissionsBoundary, serviceRoleArn: serviceRole, ...(stackSet ? { stackSet: stackSet.scope } : {}) }, reporter);
  }
  const requirements = callerRequirements(
    requirementsFor({
      synth: t.synth,
      commands,
      region: t.region,
      account: t.account,
      partition: partitionOf(t.region),
      permissionsBoundary,
      serviceRoleArn: serviceRole,
      ...(stackSet ? { stackSet: stackSet.scope } : {}),
    }),
  );
  const policy = options.broad ? broadPolicy(requirements) : policyDocument(requirements);
  if (options.broad) reporter.warn(BROAD_WARNING);
  if (!t.synth) {
    reporter.info(
      "No .cody/ folder here: this is the generic policy for any cody project (stacks named *-cody, roles under /cody/). " +
        "Run cody policy inside a project for one scoped to its stack, project and roles.",
    );
  }
  printPolicy(policy, { format: options.format, setupName: t.synth?.stackName, subject, split: "--commands (e.g. one policy for deploy,diff,delete and one for the build commands)" }, reporter);
  if (!options.broad) reportDelegation(policy, requirements, t, permissionsBoundary, reporter);
  for (const remark of stackSet?.remarks ?? []) reporter.info(`note: ${remark}`);
}

/** The stack set the policy covers (settings' stackSet, or --stack-set with AWS's defaults), and what it cannot grant. */
async function stackSetPolicyScope(t: Target, options: PolicyOptions) {
  if (!t.stackSet && !options.stackSet) return undefined;
  const { stackSetRemarks, stackSetScope } = await import("../../iam/stack-set-requirements");
  const types = t.synth ? Object.values(t.synth.template.Resources).flatMap((r) => (typeof r.Type === "string" ? [r.Type] : [])) : undefined;
  const scope = stackSetScope(t.stackSet, t.synth?.stackName ?? "*-cody", types);
  const partition = partitionOf(t.region);
  return { scope, remarks: stackSetRemarks(scope, partition, t.account ?? "<account>") };
}

/** Says whether the printed policy lets its holder escalate through the stack's roles, and how to close it. */
function reportDelegation(policy: PolicyDocument, requirements: ReturnType<typeof callerRequirements>, t: Target, flag: string | undefined, reporter: Reporter): void {
  const inTemplate = templateBoundaries(t.synth);
  if (flag && t.synth && !(inTemplate?.length === 1 && inTemplate[0] === flag)) {
    reporter.warn(
      `--permissions-boundary ${flag} is not the boundary every role of the template carries (${inTemplate ? inTemplate.join(", ") : "some roles have none"}): ` +
        "CloudFormation could not create or update those roles with this policy. Set permissionsBoundary to the same ARN in .cody/settings.ts.",
    );
  }
  const escalation = findEscalation([policy], requirements);
  if (escalation) {
    reporter.warn(escalationMessage(escalation, Boolean(t.synth)));
    return;
  }
  const bounded = requirements.find((r) => r.sid === "IamRolesWithinBoundary")?.condition?.StringEquals?.["iam:PermissionsBoundary"];
  if (bounded) reporter.info(boundaryNote(Array.isArray(bounded) ? bounded : [bounded]));
}

/** `--boundary`: the recommended permissions boundary, and how to put it in place. */
function printBoundary(t: Target, format: "json" | "yaml" | "cli", reporter: Reporter): void {
  const { policy, skipped } = boundaryPolicy({ synth: t.synth, region: t.region, account: t.account, partition: partitionOf(t.region) });
  if (format === "yaml") reporter.result(toCloudFormationYaml(policy));
  else if (format === "cli") {
    reporter.result(
      [
        "#!/bin/sh",
        "# A permissions boundary for the roles cody generates. Run once, with credentials that may manage IAM.",
        "set -eu",
        "",
        "cat > cody-boundary.json <<'EOF'",
        JSON.stringify(policy, null, 2),
        "EOF",
        "",
        "aws iam create-policy --policy-name cody-boundary --policy-document file://cody-boundary.json --query Policy.Arn --output text",
        "",
      ].join("\n"),
    );
  } else reporter.result(JSON.stringify(policy, null, 2));
  for (const s of skipped) reporter.warn(`left out of the boundary: ${s}. Add it by hand if the build needs it.`);
  reporter.info(
    `${t.synth ? "This boundary allows what cody's features need plus this project's role statements as they are now" : "This boundary allows what cody's features need"}, ` +
      "and denies IAM writes, Organizations and account changes. An administrator creates it once (aws iam create-policy --policy-name cody-boundary ...); " +
      "then set permissionsBoundary to its ARN in .cody/settings.ts (or pass --permissions-boundary ARN) and print the deploy policy again.",
  );
  const size = policySize(policy);
  if (size > MANAGED_POLICY_MAX) reporter.warn(`the boundary is ${size} characters; a managed policy holds at most ${MANAGED_POLICY_MAX}. Merge the project statements by hand.`);
}

/** A policy file: a policy document, or `aws iam get-policy-version` output (which wraps one). */
function readPolicyFile(file: string): PolicyDocument {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CodyError(`cannot read the policy file ${displayPath(file)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`, {
      hint: "Pass the path of a JSON policy document, e.g. `cody policy --check deploy-policy.json`.",
    });
  }
  const wrapped = /^\s*\{\s*"PolicyVersion"\s*:/.test(text) ? unwrapPolicyVersion(text, file) : undefined;
  return wrapped ?? parsePolicyDocument(text, file);
}

function unwrapPolicyVersion(text: string, file: string): PolicyDocument | undefined {
  try {
    const parsed = JSON.parse(text) as { PolicyVersion?: { Document?: unknown } };
    const document = parsed.PolicyVersion?.Document;
    if (typeof document === "string") return parsePolicyDocument(decodeURIComponent(document), file);
    if (document && typeof document === "object") return parsePolicyDocument(JSON.stringify(document, null, 2), file);
  } catch {
    // Not the wrapper after all: report the file's own JSON problems below.
  }
  return undefined;
}

/** Region and account named by the policy's ARNs, when it names exactly one of each. */
function namedInPolicy(policy: PolicyDocument): { region?: string; account?: string } {
  const regions = new Set<string>();
  const accounts = new Set<string>();
  for (const s of asArray(policy.Statement)) {
    for (const r of [...asArray(s.Resource), ...asArray(s.NotResource)]) {
      const parts = r.split(":");
      if (parts[0] !== "arn" || parts.length < 6) continue;
      if (/^[a-z]{2}(-[a-z]+)+-\d+$/.test(parts[3])) regions.add(parts[3]);
      if (/^\d{12}$/.test(parts[4]) && parts[4] !== "aws") accounts.add(parts[4]);
    }
  }
  return {
    ...(regions.size === 1 ? { region: [...regions][0] } : {}),
    ...(accounts.size === 1 ? { account: [...accounts][0] } : {}),
  };
}

/** Where the check's region came from, for the line that says so. */
function regionNote(t: Target, named: { region?: string }, options: PolicyOptions): string {
  if (t.region) {
    const source = t.synth ? "the project's region" : options.region ? "--region" : "AWS_REGION or AWS_DEFAULT_REGION";
    return `Checked for region ${t.region} (${source}; IAM requests for its partition's global region).`;
  }
  if (named.region) return `Checked for region ${named.region} (the only region the policy names; pass --region to check another).`;
  return "No region given (--region) and none named by the policy: requests are checked for every region, so an aws:RequestedRegion condition or a region in an ARN cannot be proven.";
}

/** Values used only to probe for privilege escalation when the region or account is unknown. */
const SAMPLE_REGION = "us-east-1";
const SAMPLE_ACCOUNT = "123456789012";

function check(
  file: string,
  t: Target,
  commands: CommandName[] | undefined,
  subject: string,
  options: PolicyOptions,
  scope: Pick<RequirementInput, "permissionsBoundary" | "serviceRoleArn" | "stackSet">,
  reporter: Reporter,
): void {
  const policy = readPolicyFile(file);
  const named = namedInPolicy(policy);
  const region = t.region ?? named.region;
  const account = t.account ?? named.account;
  const partition = partitionOf(region);
  const base: RequirementInput = { synth: t.synth, commands, partition, ...scope };
  // An unknown region or account stays `*`: the requirement then stands for every one of them.
  const requirements = callerRequirements(requirementsFor({ ...base, region, account }));
  reporter.info(regionNote(t, named, options));
  if (!t.account && named.account) reporter.info(`Checked for account ${named.account} (the only account the policy names).`);
  for (const feature of unsupportedFeatures([policy])) reporter.warn(feature);
  const result = checkPolicies([policy], requirements, requirements, { region, partition });
  // Escalation is probed with concrete requests (sample values where the region or account is unknown).
  const probe = callerRequirements(requirementsFor({ ...base, region: region ?? SAMPLE_REGION, account: account ?? SAMPLE_ACCOUNT }));
  const escalation = findEscalation([policy], probe);
  // Name the roles as the user reads them.
  if (escalation) escalation.roles = requirements.find((r) => r.sid === "IamRoles")?.resources[0] ?? escalation.roles;
  report(result, displayPath(file), subject, commands, reporter, escalation ? escalationMessage(escalation, Boolean(t.synth)) : undefined);
}

function report(result: CheckResult, file: string, subject: string, commands: CommandName[] | undefined, reporter: Reporter, escalation?: string): void {
  const scope = `${subject}, ${commands ? `commands ${commands.join(", ")}` : "every command"}`;
  const required = result.missing.filter((m) => !m.optional);
  const optional = result.missing.filter((m) => m.optional);

  if (required.length > 0) {
    const rows = required.map((m) => [
      m.action,
      m.resource,
      m.context ? Object.entries(m.context).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("|") : v}`).join(" ") : "",
      m.decision === "explicitDeny" ? `denied by ${m.deniedBy.join(", ")}` : "not allowed",
      m.commands.join(","),
    ]);
    reporter.result(textTable(["ACTION", "RESOURCE", "CONTEXT", "WHY", "NEEDED BY"], rows).join("\n"));
    if (result.statementsToAdd.length > 0) {
      reporter.result("");
      reporter.result("Statements to add:");
      reporter.result(JSON.stringify(result.statementsToAdd, null, 2));
    }
    if (result.renamed.length > 0) {
      const pairs = result.renamed.map((r) => `${r.sid} (next to ${r.existing})`).join(", ");
      reporter.info(`Sids suffixed because ${file} already uses them: ${pairs}. Add them as new statements (or, where the resources match, add their actions to those statements).`);
    }
    // A pattern is covered only as a whole: show one ARN of it that is denied or left out.
    const examples = new Set(
      required
        .filter((m) => m.example !== undefined)
        .map((m) => `e.g. ${m.action} on ${m.example}: ${m.decision === "explicitDeny" ? `denied by ${m.deniedBy.join(", ")}` : "no Allow covers it"} (${m.resource} stands for every ARN it matches).`),
    );
    for (const line of [...examples].slice(0, 5)) reporter.info(line);
    if (required.some((m) => m.decision === "explicitDeny")) {
      reporter.warn("some requests are denied explicitly by a Deny statement: adding an Allow will not help; narrow or remove that Deny.");
    }
  }
  if (optional.length > 0) {
    const actions = [...new Set(optional.map((m) => m.action))].join(", ");
    reporter.warn(`the policy lacks what preflight uses (${actions}): deploys work, but preflight will say it could not run.`);
  }
  for (const finding of result.overBroad) reporter.warn(finding);
  if (escalation) reporter.warn(escalation);

  if (required.length > 0) {
    const actions = new Set(required.map((m) => m.action));
    throw new CodyError(`${file} is missing ${actions.size} action(s) cody needs (${required.length} of ${result.checked} requests denied) for ${scope}.`, {
      exitCode: ExitCode.permissions,
      hint:
        result.statementsToAdd.length > 0
          ? "Add the statements above, or use `cody policy` to print the whole policy."
          : "Narrow or remove the Deny statements named above: an Allow cannot override them.",
    });
  }
  if (result.overBroad.length > 0) {
    reporter.warn(`${file} is sufficient but over-broad for ${scope}: \`cody policy\` prints a least-privilege policy.`);
  } else if (escalation) {
    reporter.warn(`${file} grants everything cody needs for ${scope} (${result.checked} requests checked), but allows privilege escalation (above).`);
  } else {
    reporter.success(`${file} grants everything cody needs for ${scope} (${result.checked} requests checked), and no more than that in kind.`);
  }
}

/** Prints a policy in the chosen format, and warns when it is too big for one managed policy. */
export function printPolicy(
  policy: IamPolicy,
  how: { format?: string; setupName: string | undefined; subject: string; split: string },
  reporter: Reporter,
): void {
  const format = how.format ?? "json";
  if (format === "cli") reporter.result(setupScript(policy, setupNames(how.setupName), how.subject));
  else if (format === "yaml") reporter.result(toCloudFormationYaml(policy));
  else reporter.result(JSON.stringify(policy, null, 2));
  const size = policySize(policy);
  if (size > MANAGED_POLICY_MAX) {
    reporter.warn(`the policy is ${size} characters; a managed policy holds at most ${MANAGED_POLICY_MAX}. Split it with ${how.split}.`);
  }
}
