// A stack set's instances: listed (every page), shown as rows, and compared with the plan's targets to
// find the (target, region) pairs still missing, grouped into as few CreateStackInstances calls as fit.
import type { StackInstanceSummary } from "@aws-sdk/client-cloudformation";
import type { StackSetApi } from "../aws/clients";
import type { PermissionModel } from "../config/stack-set-defaults";
import { compareText } from "../util/compare-text";

/** One stack instance as cody shows it (status and --json). */
export interface InstanceRow {
  account: string;
  region: string;
  /** The organizational unit it was deployed through (SERVICE_MANAGED), else null. */
  organizationalUnit: string | null;
  /** CURRENT, OUTDATED or INOPERABLE (StackSets' view of the instance against the set). */
  status: string;
  /** PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, INOPERABLE... (its last operation), when known. */
  detailedStatus: string | null;
  reason: string | null;
  stackId: string | null;
}

export function instanceRow(summary: StackInstanceSummary): InstanceRow {
  return {
    account: summary.Account ?? "",
    region: summary.Region ?? "",
    organizationalUnit: summary.OrganizationalUnitId ?? null,
    status: summary.Status ?? "UNKNOWN",
    detailedStatus: summary.StackInstanceStatus?.DetailedStatus ?? null,
    reason: summary.StatusReason ?? null,
    stackId: summary.StackId ?? null,
  };
}

export async function listInstances(api: StackSetApi, name: string): Promise<InstanceRow[]> {
  const rows: InstanceRow[] = [];
  let token: string | undefined;
  do {
    const page = await api.listStackInstances({ StackSetName: name, ...(token ? { NextToken: token } : {}) });
    rows.push(...(page.Summaries ?? []).map(instanceRow));
    token = page.NextToken;
  } while (token);
  return rows.sort((a, b) => compareText(a.account, b.account) || compareText(a.region, b.region));
}

/** One CreateStackInstances call: these targets (accounts or OUs), each in these regions. */
export interface InstanceBatch {
  targets: string[];
  regions: string[];
}

/**
 * The pairs of `targets × regions` with no instance, as batches: CreateStackInstances makes the cross
 * product of its lists, so targets missing the same regions share one call (usually there is one).
 */
export function missingBatches(model: PermissionModel, targets: readonly string[], regions: readonly string[], existing: readonly InstanceRow[]): InstanceBatch[] {
  const keyOf = (row: InstanceRow) => (model === "SERVICE_MANAGED" ? (row.organizationalUnit ?? "") : row.account);
  const have = new Set(existing.map((row) => `${keyOf(row)} ${row.region}`));
  const byRegions = new Map<string, InstanceBatch>();
  for (const target of targets) {
    const missing = regions.filter((region) => !have.has(`${target} ${region}`));
    if (missing.length === 0) continue;
    const key = missing.join(",");
    const batch = byRegions.get(key) ?? { targets: [], regions: missing };
    batch.targets.push(target);
    byRegions.set(key, batch);
  }
  return [...byRegions.values()];
}

/** Instances outside the plan (a region or account removed from settings): deploy leaves them, and says so. */
export function extraInstances(model: PermissionModel, targets: readonly string[], regions: readonly string[], existing: readonly InstanceRow[]): InstanceRow[] {
  return existing.filter((row) => {
    const target = model === "SERVICE_MANAGED" ? row.organizationalUnit : row.account;
    return !targets.includes(target ?? "") || !regions.includes(row.region);
  });
}
