// Requirements → an IAM policy document (one statement per requirement, in the model's stable order),
// cody's broad variant for comparison, the `aws iam` set-up script, and the offline check of a
// user's policy against the requirement (`cody policy --check`).
import { POLICY_VERSION } from "../synth/intrinsics";
import { ANY_VALUE, coverage, type CoverageResult, type SetContextValue } from "../policy/coverage";
import { actionMatches, asArray, type Decision, type PolicyDocument, type IamStatement } from "../policy/evaluate";
import { requestedRegion } from "./regions";
import { requirementRequests, type CommandName, type ConditionBlock, type Requirement, type RequirementRequest } from "./requirements";

export { POLICY_VERSION };

/** A policy as cody writes it: Statement always an array, every statement with a Sid. */
export interface IamPolicy extends PolicyDocument {
  Version: typeof POLICY_VERSION;
  Statement: IamStatement[];
}

/** IAM's limit for a customer managed policy, counted without whitespace. */
export const MANAGED_POLICY_MAX = 6_144;

/** The requirements the calling identity must hold (not those of a CloudFormation service role). */
export function callerRequirements(requirements: Requirement[]): Requirement[] {
  return requirements.filter((r) => (r.principal ?? "caller") === "caller");
}

/** A statement as cody writes it: an Allow with explicit lists of actions and resources. */
export interface AllowStatement extends IamStatement {
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: ConditionBlock;
}

/** The statement that grants `actions` on `resources` of a requirement (all of them by default). */
export function statementFor(requirement: Requirement, actions = requirement.actions, resources = requirement.resources): AllowStatement {
  const statement: AllowStatement = {
    Sid: requirement.sid.replace(/[^A-Za-z0-9]/g, ""),
    Effect: "Allow",
    Action: [...new Set(actions)].sort(),
    Resource: [...new Set(resources)],
  };
  if (requirement.condition && Object.keys(requirement.condition).length > 0) statement.Condition = requirement.condition;
  return statement;
}

/**
 * One statement per requirement, each with its own Sid and reason. When that is over IAM's managed-policy
 * size limit, statements with the same resources and condition are merged (the first one's Sid), which
 * grants exactly the same and saves the repeated ARNs.
 */
export function policyDocument(requirements: Requirement[]): IamPolicy {
  const statements = requirements.map((r) => statementFor(r));
  const policy: IamPolicy = { Version: POLICY_VERSION, Statement: statements };
  return policySize(policy) <= MANAGED_POLICY_MAX ? policy : { Version: POLICY_VERSION, Statement: mergeSameScope(statements) };
}

function mergeSameScope(statements: AllowStatement[]): AllowStatement[] {
  const byScope = new Map<string, AllowStatement>();
  for (const statement of statements) {
    const key = JSON.stringify([[...asArray(statement.Resource)].sort(), statement.Condition ?? null]);
    const into = byScope.get(key);
    if (into) into.Action = [...new Set([...asArray(into.Action), ...asArray(statement.Action)])].sort();
    else byScope.set(key, { ...statement, Action: [...asArray(statement.Action)] });
  }
  return [...byScope.values()];
}

/** cody's own doc page granted these services whole (its JSON had a trailing comma; this one parses). */
export const CODY_BROAD_SERVICES = ["cloudformation", "codebuild", "events", "iam", "logs", "ssm"] as const;

/**
 * cody's style: every action of each service, on every resource. Services the requirement uses beyond
 * cody's list (EventBridge Scheduler, Secrets Manager) are added, so the comparison is like for like.
 */
export function broadPolicy(requirements: Requirement[]): IamPolicy {
  const services = new Set<string>(CODY_BROAD_SERVICES);
  for (const r of requirements) for (const a of r.actions) services.add(a.split(":")[0]);
  return {
    Version: POLICY_VERSION,
    Statement: [{ Sid: "CodyBroad", Effect: "Allow", Action: [...services].sort().map((s) => `${s}:*`), Resource: "*" }],
  };
}

export const BROAD_WARNING =
  "--broad prints cody's service-wildcard policy for comparison only: iam:* on every resource is " +
  "admin-equivalent (the holder can create users and attach AdministratorAccess to itself). Use the default policy.";

/** Characters IAM counts against the managed-policy size limit (whitespace excluded). */
export function policySize(policy: PolicyDocument): number {
  return JSON.stringify(policy).length;
}

// ---------------------------------------------------------------------------------------------------
// `--format cli`

export interface SetupNames {
  group: string;
  policy: string;
  user: string;
  /** Where the script writes the policy document. */
  file: string;
}

const IAM_USER_MAX = 64;
const IAM_GROUP_MAX = 128;

/** One group, one policy and one user, named after the stack (or `cody-*` for the generic policy). */
export function setupNames(stackName?: string): SetupNames {
  const base = stackName ?? "cody";
  const policy = `${base}-deploy`.slice(0, IAM_GROUP_MAX);
  return {
    group: `${base}-deployers`.slice(0, IAM_GROUP_MAX),
    policy,
    user: `${base}-deployer`.slice(0, IAM_USER_MAX),
    file: `${policy}.json`,
  };
}

/**
 * A runnable sh script: the policy written to a file, then create-group, create-policy (file://),
 * attach-group-policy (with the ARN create-policy returned), create-user, add-user-to-group. Every
 * command names the same group, so the user ends up with the policy (cody's page did not: Cody vs Jets).
 */
export function setupScript(policy: IamPolicy, names: SetupNames, subject: string): string {
  const json = JSON.stringify(policy, null, 2);
  return [
    "#!/bin/sh",
    `# IAM set-up to deploy and run ${subject} with cody: one group, one policy, one user.`,
    "# Run once, with credentials that may manage IAM. The policy holds only what `cody policy` lists.",
    "#",
    "# In CI, prefer an OIDC role to a user with long-lived access keys: create a role that your CI",
    "# provider (e.g. GitHub Actions) may assume, and attach the same policy to it instead:",
    `#   aws iam attach-role-policy --role-name <your-ci-role> --policy-arn "$POLICY_ARN"`,
    "# (see docs/ci-cd.md).",
    "set -eu",
    "",
    `cat > ${names.file} <<'EOF'`,
    json,
    "EOF",
    "",
    `aws iam create-group --group-name ${names.group}`,
    `POLICY_ARN=$(aws iam create-policy --policy-name ${names.policy} --policy-document file://${names.file} --query Policy.Arn --output text)`,
    `aws iam attach-group-policy --group-name ${names.group} --policy-arn "$POLICY_ARN"`,
    `aws iam create-user --user-name ${names.user}`,
    `aws iam add-user-to-group --user-name ${names.user} --group-name ${names.group}`,
    "",
    "# Only if this user must use long-lived keys (store them as CI secrets and rotate them):",
    `# aws iam create-access-key --user-name ${names.user}`,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------------
// `--check`

export interface MissingPermission {
  sid: string;
  action: string;
  /** As the user should read it (from `display`): `*` where the region or account is unknown. */
  resource: string;
  context?: Record<string, string | string[]>;
  decision: Exclude<Decision, "allowed">;
  /** Sids (or `Statement[i]`) of the Deny statements that apply (or may apply) to some of the requests. */
  deniedBy: string[];
  /** When the resource is a pattern: one ARN of it that is denied, or that no Allow covers. */
  example?: string;
  commands: CommandName[];
  optional: boolean;
}

export interface CheckResult {
  /** Single requests checked (action × resource × condition value). */
  checked: number;
  missing: MissingPermission[];
  /**
   * What to add for the missing required permissions that no Deny blocks (an Allow cannot lift a Deny):
   * the requirement's statements, narrowed. Their Sids never repeat one the checked policies already
   * have (IAM rejects duplicate Sids).
   */
  statementsToAdd: IamStatement[];
  /** Statements to add whose Sid was suffixed because a checked policy already has `existing`. */
  renamed: Array<{ sid: string; existing: string }>;
  /** Ways the policy grants more than cody needs. */
  overBroad: string[];
}

/** What the check assumes about the requests it cannot know from the requirement. */
export interface CheckOptions {
  /** The region the commands run in (`aws:RequestedRegion`); undefined: unknown, i.e. any region. */
  region?: string;
  partition?: string;
}

/**
 * Sample values of `aws:username` for `${aws:username}` in the policy and the requirement. Two unrelated
 * names, both of which must pass, so a policy that happens to cover one name does not pass.
 */
export const CHECK_USERNAMES = ["cody-check-user", "qz9+other"] as const;

/**
 * The request context of one requirement request, as sets: a `StringLike`/`ArnLike` requirement value
 * with wildcards stands for every value it matches; the region is the command's (or any region).
 */
function setContext(requirement: Requirement, request: RequirementRequest, options: CheckOptions, username: string): Record<string, SetContextValue> {
  const context: Record<string, SetContextValue> = { "aws:username": username };
  for (const [key, value] of Object.entries(request.context ?? {})) {
    const operator = Object.entries(requirement.condition ?? {}).find(([, keys]) => key in keys)?.[0] ?? "";
    const like = /like$/i.test(operator.replace(/IfExists$/i, ""));
    context[key] = like && typeof value === "string" && /[*?]/.test(value) ? { anyOf: value, kind: /^arn/i.test(operator) ? "arn" : "glob" } : value;
  }
  if (!Object.keys(context).some((k) => k.toLowerCase() === "aws:requestedregion")) {
    context["aws:RequestedRegion"] = requestedRegion(request.action, options.region, options.partition) ?? ANY_VALUE;
  }
  return context;
}

const WORST: Record<Decision, number> = { allowed: 0, implicitDeny: 1, explicitDeny: 2 };

/** One requirement request against the policies: covered for every user name, or the worst answer. */
function checkRequest(policies: PolicyDocument[], requirement: Requirement, request: RequirementRequest, options: CheckOptions, policyVariables: boolean): CoverageResult {
  const variables = policyVariables || request.resource.includes("${");
  let worst: CoverageResult | undefined;
  for (const username of variables ? CHECK_USERNAMES : CHECK_USERNAMES.slice(0, 1)) {
    const result = coverage(policies, { action: request.action, resource: request.resource, context: setContext(requirement, request, options, username) });
    if (!worst || WORST[result.decision] > WORST[worst.decision]) worst = result;
  }
  return worst!;
}

/**
 * Evaluates the policies against every request of the requirements. A requirement's resource pattern
 * is covered only when every ARN it matches is allowed and none is denied (see ./coverage.ts). `display`
 * are the same requirements with the ARNs the user should see in the statements to add; they are
 * matched by sid.
 */
export function checkPolicies(policies: PolicyDocument[], requirements: Requirement[], display: Requirement[] = requirements, options: CheckOptions = {}): CheckResult {
  const missing: MissingPermission[] = [];
  let checked = 0;
  const policyVariables = JSON.stringify(policies).includes("${");
  for (const requirement of requirements) {
    const shown = display.find((d) => d.sid === requirement.sid) ?? requirement;
    for (const request of requirementRequests(requirement)) {
      checked++;
      const result = checkRequest(policies, requirement, request, options, policyVariables);
      if (result.decision === "allowed") continue;
      const index = requirement.resources.indexOf(request.resource);
      missing.push({
        sid: requirement.sid,
        action: request.action,
        resource: shown.resources[index] ?? request.resource,
        ...(request.context ? { context: request.context } : {}),
        decision: result.decision,
        deniedBy: result.matchedDeny,
        ...(result.example !== undefined && result.example !== request.resource ? { example: result.example } : {}),
        commands: requirement.actionCommands?.[request.action] ?? requirement.commands,
        optional: Boolean(requirement.optional),
      });
    }
  }

  const statementsToAdd: IamStatement[] = [];
  for (const requirement of requirements) {
    const gaps = missing.filter((m) => m.sid === requirement.sid && !m.optional && m.decision === "implicitDeny");
    if (gaps.length === 0) continue;
    const shown = display.find((d) => d.sid === requirement.sid) ?? requirement;
    const resources = shown.resources.filter((r) => gaps.some((g) => g.resource === r));
    statementsToAdd.push(statementFor(shown, [...new Set(gaps.map((g) => g.action))], resources));
  }
  const renamed = distinctSids(statementsToAdd, policies);
  return { checked, missing, statementsToAdd, renamed, overBroad: overBroadFindings(policies, requirements) };
}

/**
 * Gives each statement to add a Sid no checked policy uses: the user pastes them next to their own
 * statements, which often carry cody's Sids (an older `cody policy`), and IAM rejects duplicate Sids.
 * `CloudFormationStack` becomes `CloudFormationStackMissing` (then `…Missing2`, …). Compared ignoring
 * case, to be safe. Renames in place and returns what was renamed.
 */
export function distinctSids(statements: IamStatement[], policies: PolicyDocument[]): Array<{ sid: string; existing: string }> {
  const existing = new Map<string, string>();
  for (const policy of policies) {
    for (const statement of asArray(policy.Statement)) {
      if (statement.Sid) existing.set(statement.Sid.toLowerCase(), statement.Sid);
    }
  }
  const taken = new Set(existing.keys());
  const renamed: Array<{ sid: string; existing: string }> = [];
  for (const statement of statements) {
    const base = statement.Sid;
    if (!base) continue;
    const clash = existing.get(base.toLowerCase());
    let sid = base;
    for (let n = 1; taken.has(sid.toLowerCase()); n++) sid = `${base}Missing${n > 1 ? n : ""}`;
    taken.add(sid.toLowerCase());
    statement.Sid = sid;
    if (clash !== undefined) renamed.push({ sid, existing: clash });
  }
  return renamed;
}

/** Actions whose only resource is `*` (no resource-level permissions): granting them on `*` is exact. */
function resourcelessActions(requirements: Requirement[]): Set<string> {
  return new Set(requirements.filter((r) => r.resources.length === 1 && r.resources[0] === "*").flatMap((r) => r.actions.map((a) => a.toLowerCase())));
}

const ESCALATION_ACTIONS = ["iam:CreateUser", "iam:AttachUserPolicy", "iam:PutUserPolicy", "iam:CreateAccessKey", "iam:CreatePolicyVersion", "iam:AttachRolePolicy", "iam:PutRolePolicy"];

/** Allow statements that grant action wildcards, `*` resources or services beyond what cody needs. */
export function overBroadFindings(policies: PolicyDocument[], requirements: Requirement[]): string[] {
  const findings: string[] = [];
  const needed = requirements.flatMap((r) => r.actions);
  const services = new Set(needed.map((a) => a.split(":")[0].toLowerCase()));
  const resourceless = resourcelessActions(requirements);
  policies.forEach((policy, p) => {
    asArray(policy.Statement).forEach((statement, i) => {
      if (statement.Effect !== "Allow") return;
      const name = `${policies.length > 1 ? `policy ${p + 1} ` : ""}${statement.Sid ? `statement ${statement.Sid}` : `Statement[${i}]`}`;
      const actions = asArray(statement.Action);
      const notActions = asArray(statement.NotAction);
      if (notActions.length > 0) findings.push(`${name} allows every action except ${notActions.join(", ")} (NotAction).`);
      const wildcards = actions.filter((a) => /[*?]/.test(a));
      if (wildcards.length > 0) findings.push(`${name} grants action wildcards: ${wildcards.join(", ")}.`);
      const extra = [...new Set(actions.map((a) => (a.includes(":") ? a.split(":")[0].toLowerCase() : "*")))].filter((s) => s !== "*" && !services.has(s));
      if (extra.length > 0) findings.push(`${name} grants services cody does not use here: ${extra.join(", ")}.`);

      const resources = asArray(statement.Resource);
      const everywhere = resources.some((r) => /^\*+$/.test(r)) || asArray(statement.NotResource).length > 0;
      if (everywhere) {
        const scopable = notActions.length > 0 || actions.some((a) => /[*?]/.test(a) || !resourceless.has(a.toLowerCase()));
        if (scopable) findings.push(`${name} applies to every resource ("*"), where cody's needs are scoped to its stack, project, roles and log groups.`);
        const grants = (action: string) =>
          notActions.length > 0 ? !notActions.some((n) => actionMatches(n, action)) : actions.some((a) => actionMatches(a, action));
        const unconditioned = !statement.Condition || Object.keys(statement.Condition).length === 0;
        if (ESCALATION_ACTIONS.some(grants)) {
          findings.push(`${name} lets the holder grant itself more permissions (e.g. iam:AttachUserPolicy or iam:PutRolePolicy on any principal): admin-equivalent.`);
        } else if (unconditioned && grants("iam:PassRole")) {
          findings.push(`${name} allows iam:PassRole on every role, to any service (cody needs it only for its own roles, with iam:PassedToService).`);
        }
      }
    });
  });
  return findings;
}
