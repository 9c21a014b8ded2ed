// The first engine: IAM's policy simulator (SimulatePrincipalPolicy), one call per batch. It sees what
// the local engine cannot (SCPs, the permissions boundary as IAM applies it), but emulators lack it and
// CI identities are often denied it; then runPreflight falls back to the local engine.
import type { EvaluationResult, SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import type { IdentityApi } from "../aws/clients";
import type { Batch, Plan, Verdict, Verdicts } from "./plan";

/** A failed simulator call, with whose policies it was asked about (the caller's or the service role's). */
export class SimulationError extends Error {
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
    results.push(...(page?.EvaluationResults ?? []));
    marker = page?.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return results;
}

/** Runs `work` over `items`, at most `limit` at a time; stops starting new ones after the first failure. */
export async function pool<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
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

function verdictOf(result: EvaluationResult | undefined, resource: string): Verdict {
  // An action the simulator did not answer for is treated as not allowed: better a false alarm than a false pass.
  if (!result) return { decision: "implicitDeny" };
  const specific = result.ResourceSpecificResults?.find((r) => r.EvalResourceName === resource);
  const decision = specific ? specific.EvalResourceDecision : result.EvalDecision;
  const missing = (specific ? (specific.MissingContextValues ?? result.MissingContextValues) : result.MissingContextValues) ?? [];
  const blockedBy =
    result.OrganizationsDecisionDetail?.AllowedByOrganizations === false
      ? ("organizations" as const)
      : result.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary === false
        ? ("permissions-boundary" as const)
        : undefined;
  return {
    decision: decision === "allowed" ? "allowed" : decision === "explicitDeny" ? "explicitDeny" : "implicitDeny",
    ...(missing.length > 0 ? { missingContext: missing } : {}),
    ...(blockedBy ? { blockedBy } : {}),
  };
}

/** Every batch through the simulator. Throws a SimulationError when a call fails. */
export async function simulatorVerdicts(identity: IdentityApi, plan: Plan, concurrency = 4): Promise<Verdicts> {
  // One call first: if the simulator is missing or forbidden, that is known without a burst of failing calls.
  const [first, ...rest] = plan.batches;
  const head = first ? [await simulate(identity, first)] : [];
  const results = [...head, ...(await pool(rest, concurrency, (b) => simulate(identity, b)))];
  return plan.batches.map((batch, index) => {
    const byAction = new Map(results[index].map((r) => [r.EvalActionName, r]));
    return new Map(batch.actions.map((action) => [action, verdictOf(byAction.get(action), batch.resource)]));
  });
}
