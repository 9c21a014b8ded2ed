// Preflight: asks IAM's policy simulator whether the caller may do what a command needs, before any
// CloudFormation write. Who is calling comes from STS; an assumed role is resolved to its real role
// ARN (with its path) because the simulator rejects session ARNs. A preflight that cannot run has
// not failed: that is a distinct result, and the caller decides whether it blocks.
import type {
  ContextEntry,
  EvaluationResult,
  SimulatePrincipalPolicyCommandInput,
} from "@aws-sdk/client-iam";
import type { IdentityApi } from "../aws/clients";
import { splitArn } from "../iam/evaluate";
import { statementFor, type AllowStatement } from "../iam/policy";
import type { CommandName, Requirement } from "../iam/requirements";

export type PrincipalKind = "user" | "role" | "root" | "federated-user";

export interface Principal {
  kind: PrincipalKind;
  /** The ARN STS returned (a session ARN for an assumed role). */
  callerArn: string;
  /** The ARN that was (or would be) simulated: the user, or the role with its path. */
  arn: string;
  account: string;
  partition: string;
}

/** A statement to add, as `cody policy` writes it. */
export type PolicyStatement = AllowStatement;

export type Decision = "implicitDeny" | "explicitDeny";

export interface DeniedAction {
  action: string;
  resource: string;
  decision: Decision;
  /** The Allow statement that grants it (for an explicit deny, adding it is not enough). */
  statementToAdd: PolicyStatement;
  /** Commands that need it. */
  commands: CommandName[];
  /** Denied although identity policies may allow it: an SCP or the permissions boundary said no. */
  blockedBy?: "organizations" | "permissions-boundary";
  /** Condition keys the caller's policies use that preflight did not supply. */
  missingContext?: string[];
  /** The request context that was denied, when it matters (e.g. `iam:PassedToService`); the region is left out. */
  context?: Record<string, string[]>;
}

export type PreflightResult =
  | { type: "ok"; principal: Principal; checked: number; warnings: string[]; notes: string[] }
  | {
      type: "denied";
      principal: Principal;
      checked: number;
      denied: DeniedAction[];
      /** One statement per requirement with something missing, in requirement order. */
      statements: PolicyStatement[];
      warnings: string[];
      /** Limits of the simulation worth knowing, not worth a warning on every deploy. */
      notes: string[];
    }
  | { type: "could-not-run"; reason: string; principal?: Principal };

/** The account and partition of the caller, for requirements whose ARNs need them. */
export interface CallerContext {
  account: string;
  partition: string;
}

export interface PreflightInput {
  identity: IdentityApi;
  /** What to check; a function when the ARNs need the caller's account (known only after STS). */
  requirements: Requirement[] | ((caller: CallerContext) => Requirement[]);
  /** The region the command works in: `aws:RequestedRegion` for regional actions. */
  region: string;
  /** A CloudFormation service role: requirements it must hold are simulated against it, not the caller. */
  serviceRoleArn?: string;
  /** Simulator calls in flight at once (IAM throttles the simulator; keep it small). */
  concurrency?: number;
}

/** Where `aws:RequestedRegion` is for global services (IAM answers from one region per partition). */
const GLOBAL_REGION: Record<string, string> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };
const GLOBAL_SERVICES = new Set(["iam", "organizations", "cloudfront", "route53"]);

// ---------------------------------------------------------------- who is calling

type Classified = { type: "principal"; principal: Principal } | { type: "role"; roleName: string; base: Omit<Principal, "arn"> } | { type: "unsupported"; reason: string; principal?: Principal };

export function classifyCaller(callerArn: string): Classified {
  const arn = splitArn(callerArn);
  if (!arn) return { type: "unsupported", reason: `STS returned a caller ARN cody does not understand (${callerArn}).` };
  const base = { callerArn, account: arn.account, partition: arn.partition };
  if (arn.service === "iam" && arn.resource === "root") {
    return { type: "principal", principal: { ...base, kind: "root", arn: callerArn } };
  }
  if (arn.service === "iam" && arn.resource.startsWith("user/")) {
    return { type: "principal", principal: { ...base, kind: "user", arn: callerArn } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("user/")) {
    // Emulators (moto with dummy keys) answer `arn:aws:sts::A:user/N`; AWS itself uses the iam form.
    return { type: "principal", principal: { ...base, kind: "user", arn: `arn:${arn.partition}:iam::${arn.account}:${arn.resource}` } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("assumed-role/")) {
    // assumed-role/<RoleName>/<session>: the path is not in a session ARN, hence GetRole.
    const roleName = arn.resource.split("/")[1];
    if (roleName) return { type: "role", roleName, base: { ...base, kind: "role" } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("federated-user/")) {
    return {
      type: "unsupported",
      principal: { ...base, kind: "federated-user", arn: callerArn },
      reason:
        `the caller is a federated user (${callerArn}, from GetFederationToken): IAM cannot simulate its permissions, ` +
        "which are the intersection of the issuing user's policies and the session policy.",
    };
  }
  return { type: "unsupported", reason: `the caller ${callerArn} is neither an IAM user nor an assumed role, so IAM cannot simulate it.` };
}

// ---------------------------------------------------------------- what to simulate

/** One SimulatePrincipalPolicy call: whose policies, a resource, the request's context, the actions on it. */
interface Batch {
  source: string;
  resource: string;
  context: ContextEntry[];
  actions: string[];
}

/** A context key's values as one simulation sees them: set operators take the list, others one value each. */
function contextVariants(condition: Requirement["condition"]): ContextEntry[][] {
  let variants: ContextEntry[][] = [[]];
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    if (!/^(ForAnyValue:|ForAllValues:)?(StringEquals|StringEqualsIgnoreCase|StringLike|ArnEquals|ArnLike)$/.test(operator)) continue;
    const isSet = operator.startsWith("For");
    for (const [key, raw] of Object.entries(keys)) {
      // A concrete value is what a real request carries; a pattern (policy/*) is not a request value.
      const values = (Array.isArray(raw) ? raw : [raw]).filter((v) => !/[*?]/.test(v));
      if (values.length === 0) continue;
      // A single-valued key such as iam:PassedToService carries one service per request: check each.
      const options: ContextEntry[] = isSet
        ? [{ ContextKeyName: key, ContextKeyValues: values, ContextKeyType: "stringList" }]
        : values.map((v) => ({ ContextKeyName: key, ContextKeyValues: [v], ContextKeyType: "string" }));
      variants = variants.flatMap((entries) => options.map((o) => [...entries, o]));
    }
  }
  return variants;
}

function requestedRegion(action: string, region: string, partition: string): string {
  const service = action.split(":")[0];
  return GLOBAL_SERVICES.has(service) ? (GLOBAL_REGION[partition] ?? region) : region;
}

interface Check {
  action: string;
  resource: string;
  requirement: Requirement;
}

/** A key that is the same for the same (principal, resource, context) whatever order it was built in. */
function batchKeyOf(batch: Pick<Batch, "source" | "resource" | "context">): string {
  const context = [...batch.context].sort((a, b) => String(a.ContextKeyName).localeCompare(String(b.ContextKeyName)));
  return JSON.stringify([batch.source, batch.resource, context]);
}

/**
 * Batches per resource and context; each (action, resource, context) is simulated once even when
 * several requirements need it. Returns the batches and, per batch and action, who needed it.
 */
export function planSimulation(
  requirements: Requirement[],
  region: string,
  principal: { arn: string; partition: string },
  serviceRoleArn?: string,
): { batches: Batch[]; needs: Map<string, Check[]>; skipped: string[] } {
  const { partition } = principal;
  const batches = new Map<string, Batch>();
  const needs = new Map<string, Check[]>();
  const skipped = new Set<string>();
  for (const requirement of requirements) {
    // Preflight's own permissions (GetRole, the simulator): if it got this far it had what it needed.
    if (requirement.optional) continue;
    const source = requirement.principal === "serviceRole" ? serviceRoleArn : principal.arn;
    if (!source) {
      skipped.add(`${requirement.sid} (held by the CloudFormation service role, which was not given)`);
      continue;
    }
    for (const action of requirement.actions) {
      // The simulator takes no wildcards in action names; a requirement should not have them.
      if (action.includes("*") || action.includes("?")) {
        skipped.add(`${action} (wildcard action names cannot be simulated)`);
        continue;
      }
      for (const resource of requirement.resources) {
        for (const variant of contextVariants(requirement.condition)) {
          const context = variant.some((e) => e.ContextKeyName === "aws:RequestedRegion")
            ? variant
            : [...variant, { ContextKeyName: "aws:RequestedRegion", ContextKeyValues: [requestedRegion(action, region, partition)], ContextKeyType: "string" as const }];
          const batchKey = batchKeyOf({ source, resource, context });
          let batch = batches.get(batchKey);
          if (!batch) {
            batch = { source, resource, context, actions: [] };
            batches.set(batchKey, batch);
          }
          if (!batch.actions.includes(action)) batch.actions.push(action);
          const needKey = `${batchKey}\n${action}`;
          const list = needs.get(needKey) ?? [];
          list.push({ action, resource, requirement });
          needs.set(needKey, list);
        }
      }
    }
  }
  return { batches: [...batches.values()], needs, skipped: [...skipped] };
}

// ---------------------------------------------------------------- running it

/** Why a preflight step failed, in words a user can act on. The guard wraps SDK errors in CodyErrors. */
function whyFailed(error: unknown, action: string, arn: string): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  const name = (cause as { name?: string } | undefined)?.name ?? "";
  const message = cause instanceof Error ? cause.message : String(cause);
  const status = (cause as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  if (/AccessDenied|not authorized/i.test(`${name} ${message}`) || status === 403) {
    return `the caller may not call ${action} on ${arn}. Grant it (cody policy includes it) or run with --skip-preflight.`;
  }
  if (/NotImplemented|not (been )?implemented|parse error|Unexpected token|Deserialization/i.test(`${name} ${message}`) || (status !== undefined && status >= 500)) {
    return (
      `${action} is not available at this endpoint (${message.split("\n")[0]}${status ? `, HTTP ${status}` : ""}); ` +
      "local emulators such as moto do not implement the policy simulator."
    );
  }
  return `${action} failed: ${message.split("\n")[0]}`;
}

function resourceDecision(result: EvaluationResult, resource: string): { decision: EvaluationResult["EvalDecision"]; missing: string[] } {
  const specific = result.ResourceSpecificResults?.find((r) => r.EvalResourceName === resource);
  if (specific) return { decision: specific.EvalResourceDecision, missing: specific.MissingContextValues ?? result.MissingContextValues ?? [] };
  return { decision: result.EvalDecision, missing: result.MissingContextValues ?? [] };
}

/** A failed simulator call, with whose policies it was asked about (the caller's or the service role's). */
class SimulationError extends Error {
  constructor(
    readonly source: string,
    override readonly cause: unknown,
  ) {
    super(`simulating ${source} failed`);
  }
}

async function simulate(identity: IdentityApi, batch: Batch): Promise<EvaluationResult[]> {
  const results: EvaluationResult[] = [];
  let marker: string | undefined;
  do {
    const input: SimulatePrincipalPolicyCommandInput = {
      PolicySourceArn: batch.source,
      ActionNames: batch.actions,
      ResourceArns: [batch.resource],
      ContextEntries: batch.context,
      ...(marker ? { Marker: marker } : {}),
    };
    const page = await identity.simulatePrincipalPolicy(input).catch((error: unknown) => {
      throw new SimulationError(batch.source, error);
    });
    results.push(...(page.EvaluationResults ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return results;
}

/** Runs `work` over `items`, at most `limit` at a time; stops starting new ones after the first failure. */
async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        out[index] = await work(items[index]);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  });
  await Promise.all(runners);
  return out;
}

const ROOT_WARNING =
  "you are using the account's root user: it may do everything, so there is nothing to check. " +
  "Do not use root credentials for deploys; create an IAM user or role with `cody policy`'s policy.";

const SESSION_NOTE = "session policies are not simulated: if you assumed the role with a session policy, it may still narrow what is allowed.";

export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { identity, region } = input;
  // No permission is needed for GetCallerIdentity; if it fails, credentials are broken and the
  // command would fail the same way, so the CodyError (expired session, no credentials...) propagates.
  const caller = await identity.getCallerIdentity();
  if (!caller.Arn) return { type: "could-not-run", reason: "sts:GetCallerIdentity returned no ARN." };

  const classified = classifyCaller(caller.Arn);
  if (classified.type === "unsupported") {
    return { type: "could-not-run", reason: classified.reason, ...(classified.principal ? { principal: classified.principal } : {}) };
  }
  let principal: Principal;
  const warnings: string[] = [];
  const notes: string[] = [];
  if (classified.type === "role") {
    try {
      const role = await identity.getRole({ RoleName: classified.roleName });
      if (!role.Role?.Arn) return { type: "could-not-run", reason: `iam:GetRole returned no ARN for role ${classified.roleName}.` };
      principal = { ...classified.base, arn: role.Role.Arn };
    } catch (error) {
      const roleArn = `arn:${classified.base.partition}:iam::${classified.base.account}:role/${classified.roleName}`;
      return {
        type: "could-not-run",
        reason: `cannot find the path of role ${classified.roleName} (needed to simulate it): ${whyFailed(error, "iam:GetRole", roleArn)}`,
      };
    }
    notes.push(SESSION_NOTE);
  } else {
    principal = classified.principal;
  }

  const requirements =
    typeof input.requirements === "function"
      ? input.requirements({ account: principal.account, partition: principal.partition })
      : input.requirements;
  const plan = planSimulation(requirements, region, principal, input.serviceRoleArn);
  const checked = plan.needs.size;
  if (plan.skipped.length > 0) warnings.push(`not checked: ${plan.skipped.join(", ")}`);

  if (principal.kind === "root") return { type: "ok", principal, checked: 0, warnings: [ROOT_WARNING, ...warnings], notes };

  let results: EvaluationResult[][];
  try {
    // One call first: if the simulator is missing or forbidden, that is known without a burst of failing calls.
    const [first, ...rest] = plan.batches;
    const head = first ? [await simulate(identity, first)] : [];
    results = [...head, ...(await pool(rest, input.concurrency ?? 4, (b) => simulate(identity, b)))];
  } catch (error) {
    const source = error instanceof SimulationError ? error.source : principal.arn;
    return { type: "could-not-run", principal, reason: whyFailed(error instanceof SimulationError ? error.cause : error, "iam:SimulatePrincipalPolicy", source) };
  }

  const denied: DeniedAction[] = [];
  /** The requirement whose statement grants each denied entry. */
  const owners = new Map<DeniedAction, Requirement>();
  // Per requirement: what is missing, to build one statement each.
  const missing = new Map<Requirement, { actions: Set<string>; resources: Set<string> }>();
  plan.batches.forEach((batch, index) => {
    const byAction = new Map(results[index].map((r) => [r.EvalActionName, r]));
    const batchKey = batchKeyOf(batch);
    for (const action of batch.actions) {
      const result = byAction.get(action);
      // An action the simulator did not answer for is treated as not allowed: better a false alarm than a false pass.
      const { decision, missing: missingContext } = result ? resourceDecision(result, batch.resource) : { decision: "implicitDeny" as const, missing: [] };
      if (decision === "allowed") continue;
      const checks = plan.needs.get(`${batchKey}\n${action}`) ?? [];
      for (const check of checks) {
        const entry = missing.get(check.requirement) ?? { actions: new Set<string>(), resources: new Set<string>() };
        entry.actions.add(action);
        entry.resources.add(batch.resource);
        missing.set(check.requirement, entry);
      }
      const blockedBy =
        result?.OrganizationsDecisionDetail?.AllowedByOrganizations === false
          ? ("organizations" as const)
          : result?.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false
            ? ("permissions-boundary" as const)
            : undefined;
      const commands = [...new Set(checks.flatMap((c) => c.requirement.commands))];
      const context = Object.fromEntries(
        batch.context.filter((e) => e.ContextKeyName !== "aws:RequestedRegion").map((e) => [e.ContextKeyName ?? "", e.ContextKeyValues ?? []]),
      );
      const entry: DeniedAction = {
        action,
        resource: batch.resource,
        decision: decision === "explicitDeny" ? "explicitDeny" : "implicitDeny",
        // Filled in below, once every miss of the requirement is known.
        statementToAdd: { Effect: "Allow", Action: [], Resource: [] },
        commands,
        ...(blockedBy ? { blockedBy } : {}),
        ...(missingContext.length > 0 ? { missingContext } : {}),
        ...(Object.keys(context).length > 0 ? { context } : {}),
      };
      denied.push(entry);
      if (checks[0]) owners.set(entry, checks[0].requirement);
    }
  });

  if (denied.length === 0) return { type: "ok", principal, checked, warnings, notes };

  const statements = new Map<Requirement, PolicyStatement>();
  for (const requirement of requirements) {
    const miss = missing.get(requirement);
    if (!miss) continue;
    const actions = requirement.actions.filter((a) => miss.actions.has(a));
    const resources = requirement.resources.filter((r) => miss.resources.has(r));
    statements.set(requirement, statementFor(requirement, actions, resources));
  }
  for (const entry of denied) {
    const owner = owners.get(entry);
    const statement = owner && statements.get(owner);
    if (statement) entry.statementToAdd = statement;
  }
  const contextText = (d: DeniedAction) => JSON.stringify(d.context ?? {});
  denied.sort((a, b) => a.action.localeCompare(b.action) || a.resource.localeCompare(b.resource) || contextText(a).localeCompare(contextText(b)));
  return { type: "denied", principal, checked, denied, statements: [...statements.values()], warnings, notes };
}
