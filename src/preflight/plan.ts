// What to check: the requirements as single questions (whose policies, one resource, the request's
// context, the actions on it). Both engines answer the same questions, so the simulator and the local
// evaluation check exactly the same requests with the same context.
import { requestedRegion as requestedRegionOf } from "../iam/regions";
import type { ContextEntry } from "@aws-sdk/client-iam";
import type { Requirement } from "../iam/requirements";
import { compareText } from "../util/compare-text";

/** One question: whose policies, a resource, the request's context, the actions on it. */
export interface Batch {
  source: string;
  resource: string;
  context: ContextEntry[];
  actions: string[];
}

export interface Check {
  action: string;
  resource: string;
  requirement: Requirement;
}

export interface Plan {
  batches: Batch[];
  /** Per `batchKeyOf(batch)\naction`: the requirements that need it. */
  needs: Map<string, Check[]>;
  skipped: string[];
}

/** An engine's answer for one action of one batch. */
export interface Verdict {
  decision: "allowed" | "implicitDeny" | "explicitDeny";
  /** Condition keys the caller's policies test that the request context did not supply. */
  missingContext?: string[];
  /** Denied although identity policies may allow it: an SCP or the permissions boundary said no. */
  blockedBy?: "organizations" | "permissions-boundary";
}

/** Per batch (same order as the plan), per action. */
export type Verdicts = Array<Map<string, Verdict>>;

/** A context key's values as one request carries them: set operators take the list, others one value each. */
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

/** The request's `aws:RequestedRegion` (the same rule as `cody policy --check`). */
function requestedRegion(action: string, region: string, partition: string): string {
  return requestedRegionOf(action, region, partition) ?? region;
}

/** A key that is the same for the same (principal, resource, context) whatever order it was built in. */
export function batchKeyOf(batch: Pick<Batch, "source" | "resource" | "context">): string {
  const context = [...batch.context].sort((a, b) => compareText(String(a.ContextKeyName), String(b.ContextKeyName)));
  return JSON.stringify([batch.source, batch.resource, context]);
}

/**
 * Batches per resource and context; each (action, resource, context) is checked once even when
 * several requirements need it. Returns the batches and, per batch and action, who needed it.
 */
export function planSimulation(requirements: Requirement[], region: string, principal: { arn: string; partition: string }, serviceRoleArn?: string): Plan {
  const { partition } = principal;
  const batches = new Map<string, Batch>();
  const needs = new Map<string, Check[]>();
  const skipped = new Set<string>();
  for (const requirement of requirements) {
    // Preflight's own permissions (GetRole, the simulator, the policy reads): if it got this far it had what it needed.
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
