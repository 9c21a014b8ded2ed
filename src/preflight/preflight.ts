// Preflight: whether the caller may do what a command needs, before any CloudFormation write. Two
// engines answer the same questions (plan.ts): IAM's policy simulator first (simulate.ts); when it is
// unavailable (an emulator) or denied (many CI identities), the caller's own policies evaluated
// locally (local.ts). A preflight that cannot run has not failed: that is a distinct result, and the
// caller decides whether it blocks.
import type { IdentityApi } from "../aws/clients";
import { statementFor, type AllowStatement } from "../iam/policy";
import type { CommandName, Requirement } from "../iam/requirements";
import { resolveCaller, type Caller, type Principal } from "./caller";
import { localVerdicts, PolicyReadError, readPolicies } from "./local";
import { batchKeyOf, planSimulation, type Plan, type Verdicts } from "./plan";
import { failureOf, isFatal } from "./reasons";
import { SimulationError, simulatorVerdicts } from "./simulate";
import { compareText } from "../util/compare-text";

export { classifyCaller, type Principal, type PrincipalKind } from "./caller";

/** Why IAM refuses an action: no Allow matches it, or a Deny does. */
export type DenyDecision = "implicitDeny" | "explicitDeny";

/** Who answered: IAM's policy simulator, or cody's evaluator on the caller's policies. */
export type Engine = "simulator" | "local";

/** How the output names each engine. */
export const ENGINE_NAMES: Record<Engine, string> = {
  simulator: "AWS policy simulator",
  local: "your IAM policies, evaluated locally",
};

export interface DeniedAction {
  action: string;
  resource: string;
  decision: DenyDecision;
  /** The Allow statement that grants it (for an explicit deny, adding it is not enough). */
  statementToAdd: AllowStatement;
  /** Commands that need it. */
  commands: CommandName[];
  /** Denied although identity policies may allow it: an SCP or the permissions boundary said no. */
  blockedBy?: "organizations" | "permissions-boundary";
  /** Condition keys the caller's policies use that preflight did not supply. */
  missingContext?: string[];
  /** The request context that was denied, when it matters (e.g. `iam:PassedToService`); the region is left out. */
  context?: Record<string, string[]>;
}

/** Fields of a result one of the engines produced. */
interface Checked {
  principal: Principal;
  /** `none` for the root user, whom nothing needs checking. */
  engine: Engine | "none";
  /** Why the simulator was not used, when the local engine answered. */
  simulatorUnavailable?: string;
  checked: number;
  warnings: string[];
  /** Limits of the check worth knowing, not worth a warning on every deploy. */
  notes: string[];
}

export type PreflightResult =
  | ({ type: "ok" } & Checked)
  | ({
      type: "denied";
      denied: DeniedAction[];
      /** One statement per requirement with something missing, in requirement order. */
      statements: AllowStatement[];
    } & Checked & { engine: Engine })
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
  /** A CloudFormation service role: requirements it must hold are checked against it, not the caller. */
  serviceRoleArn?: string;
  /** Simulator calls in flight at once (IAM throttles the simulator; keep it small). */
  concurrency?: number;
}

const ROOT_WARNING =
  "you are using the account's root user: it may do everything, so there is nothing to check. " +
  "Do not use root credentials for deploys; create an IAM user or role with `cody policy`'s policy.";

const SESSION_NOTE = "session policies are not checked: if you assumed the role with a session policy, it may still narrow what is allowed.";

/** What the local engine cannot see; none of it can grant more, only narrow. */
export const LOCAL_LIMITS =
  "evaluated locally, without what only AWS sees: service control policies, resource policies and session policies, which can only narrow what your policies allow.";

/** A hint for a preflight stopped by a denied read: the reads are in `cody policy`. */
const DENIED_TAIL = ". Grant it (`cody policy` includes preflight's calls) or pass --skip-preflight";

function sourceOfFailure(error: unknown): string | undefined {
  return error instanceof SimulationError ? error.source : undefined;
}

export async function runPreflight(input: PreflightInput): Promise<PreflightResult> {
  const { identity, region } = input;
  const resolved = await resolveCaller(identity);
  if (resolved.type === "could-not-run") return resolved;
  const { caller } = resolved;
  const { principal } = caller;
  const warnings: string[] = [];
  const notes: string[] = [];

  const requirements =
    typeof input.requirements === "function" ? input.requirements({ account: principal.account, partition: principal.partition }) : input.requirements;
  const plan = planSimulation(requirements, region, principal, input.serviceRoleArn);
  const checked = plan.needs.size;
  if (plan.skipped.length > 0) warnings.push(`not checked: ${plan.skipped.join(", ")}`);

  if (principal.kind === "root") return { type: "ok", engine: "none", principal, checked: 0, warnings: [ROOT_WARNING, ...warnings], notes };
  if (principal.kind === "role") notes.push(SESSION_NOTE);

  // Engine 1: the simulator.
  let simulatorUnavailable: string;
  try {
    const verdicts = await simulatorVerdicts(identity, plan, input.concurrency ?? 4);
    return assemble({ plan, verdicts, requirements, principal, checked, warnings, notes, engine: "simulator" });
  } catch (error) {
    const cause = error instanceof SimulationError ? error.cause : error;
    if (isFatal(cause)) throw cause;
    const failure = failureOf(cause, "iam:SimulatePrincipalPolicy", sourceOfFailure(error) ?? principal.arn);
    simulatorUnavailable = failure.text;
  }

  // Engine 2: the caller's own policies, evaluated locally.
  const local = await localEngine(identity, plan, caller);
  if (local.type === "failed") {
    const why = local.reason + (local.denied ? DENIED_TAIL : "");
    return {
      type: "could-not-run",
      principal,
      reason: `the ${ENGINE_NAMES.simulator} is not usable (${simulatorUnavailable}), and your IAM policies could not be read (${why}).`,
    };
  }
  if (local.unresolved.length > 0) {
    warnings.push(
      `your policies use ${local.unresolved.join(", ")}, which cody cannot resolve locally: statements using ${local.unresolved.length === 1 ? "it" : "them"} were treated as not applying.`,
    );
  }
  notes.push(LOCAL_LIMITS);
  return assemble({ plan, verdicts: local.verdicts, requirements, principal, checked, warnings, notes, engine: "local", simulatorUnavailable });
}

type LocalOutcome = { type: "verdicts"; verdicts: Verdicts; unresolved: string[] } | { type: "failed"; reason: string; denied: boolean };

async function localEngine(identity: IdentityApi, plan: Plan, caller: Caller): Promise<LocalOutcome> {
  try {
    const policies = await readPolicies(identity, plan, caller);
    return { type: "verdicts", ...localVerdicts(plan, policies, caller) };
  } catch (error) {
    if (!(error instanceof PolicyReadError)) throw error;
    if (isFatal(error.cause)) throw error.cause;
    const failure = failureOf(error.cause, error.action, error.target);
    return { type: "failed", reason: failure.text, denied: failure.kind === "denied" };
  }
}

interface AssembleInput {
  plan: Plan;
  verdicts: Verdicts;
  requirements: Requirement[];
  principal: Principal;
  checked: number;
  warnings: string[];
  notes: string[];
  engine: Engine;
  simulatorUnavailable?: string;
}

/** Turns the engines' verdicts into the result: ok, or each denied entry with the statement that grants it. */
function assemble(input: AssembleInput): PreflightResult {
  const { plan, verdicts, requirements, principal, checked, warnings, notes, engine } = input;
  const common = { principal, engine, checked, warnings, notes, ...(input.simulatorUnavailable ? { simulatorUnavailable: input.simulatorUnavailable } : {}) };
  const denied: DeniedAction[] = [];
  /** The requirement whose statement grants each denied entry. */
  const owners = new Map<DeniedAction, Requirement>();
  // Per requirement: what is missing, to build one statement each.
  const missing = new Map<Requirement, { actions: Set<string>; resources: Set<string> }>();
  plan.batches.forEach((batch, index) => {
    const batchKey = batchKeyOf(batch);
    for (const action of batch.actions) {
      const verdict = verdicts[index]?.get(action) ?? { decision: "implicitDeny" as const };
      if (verdict.decision === "allowed") continue;
      const checks = plan.needs.get(`${batchKey}\n${action}`) ?? [];
      for (const check of checks) {
        const entry = missing.get(check.requirement) ?? { actions: new Set<string>(), resources: new Set<string>() };
        entry.actions.add(action);
        entry.resources.add(batch.resource);
        missing.set(check.requirement, entry);
      }
      const commands = [...new Set(checks.flatMap((c) => c.requirement.commands))];
      const context = Object.fromEntries(
        batch.context.filter((e) => e.ContextKeyName !== "aws:RequestedRegion").map((e) => [e.ContextKeyName ?? "", e.ContextKeyValues ?? []]),
      );
      const entry: DeniedAction = {
        action,
        resource: batch.resource,
        decision: verdict.decision,
        // Filled in below, once every miss of the requirement is known.
        statementToAdd: { Effect: "Allow", Action: [], Resource: [] },
        commands,
        ...(verdict.blockedBy ? { blockedBy: verdict.blockedBy } : {}),
        ...(verdict.missingContext?.length ? { missingContext: verdict.missingContext } : {}),
        ...(Object.keys(context).length > 0 ? { context } : {}),
      };
      denied.push(entry);
      if (checks[0]) owners.set(entry, checks[0].requirement);
    }
  });

  if (denied.length === 0) return { type: "ok", ...common };

  const statements = new Map<Requirement, AllowStatement>();
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
  denied.sort((a, b) => compareText(a.action, b.action) || compareText(a.resource, b.resource) || compareText(contextText(a), contextText(b)));
  return { type: "denied", ...common, engine, denied, statements: [...statements.values()] };
}
