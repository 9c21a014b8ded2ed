// `cody delete --stack-set`: list the instances and ask (--yes skips), delete them (RetainStacks false:
// their stacks and resources go), follow that operation, then delete the empty stack set.
import { randomUUID } from "node:crypto";
import { CodyError, ExitCode } from "../errors";
import { describeStackSet, operationFailed, type StackSetIo, type StackSetRunOptions } from "./deploy";
import { listInstances, type InstanceRow } from "./instances";
import { followOperation, OPERATION_MAX_MS, type OperationOutcome } from "./operation";

export type StackSetDeleteResult =
  | { type: "missing" | "cancelled"; instances: InstanceRow[] }
  | { type: "deleted"; instances: InstanceRow[]; operations: OperationOutcome[]; elapsedMs: number };

/** Instances grouped for DeleteStackInstances: accounts (or OUs) that share the same regions. */
function batches(instances: InstanceRow[], serviceManaged: boolean): Array<{ targets: string[]; regions: string[] }> {
  const regionsOf = new Map<string, Set<string>>();
  for (const row of instances) {
    const target = serviceManaged ? (row.organizationalUnit ?? row.account) : row.account;
    regionsOf.set(target, (regionsOf.get(target) ?? new Set()).add(row.region));
  }
  const grouped = new Map<string, { targets: string[]; regions: string[] }>();
  for (const [target, set] of regionsOf) {
    const regions = [...set].sort();
    const key = regions.join(",");
    const batch = grouped.get(key) ?? { targets: [], regions };
    batch.targets.push(target);
    grouped.set(key, batch);
  }
  return [...grouped.values()];
}

export function confirmQuestion(name: string, region: string, instances: InstanceRow[]): string {
  const list = instances.map((i) => `  ${i.account}  ${i.region}`).join("\n");
  return instances.length === 0
    ? `Delete stack set ${name} (${region})? It has no instances.`
    : `Delete the ${instances.length} instance${instances.length === 1 ? "" : "s"} of stack set ${name} (${region}), with their stacks and resources, then the set?\n${list}\n`;
}

export async function deleteStackSetAndInstances(name: string, region: string, o: StackSetRunOptions & { io: StackSetIo }): Promise<StackSetDeleteResult> {
  const now = o.now ?? Date.now;
  const newId = o.newId ?? randomUUID;
  const started = now();
  const limitMs = o.timeoutMs ?? OPERATION_MAX_MS;
  const set = await describeStackSet(o.api, name);
  if (!set) return { type: "missing", instances: [] };
  const instances = await listInstances(o.api, name);
  if (!(await o.io.confirm(confirmQuestion(name, region, instances)))) return { type: "cancelled", instances };
  const serviceManaged = set.PermissionModel === "SERVICE_MANAGED";
  const operations: OperationOutcome[] = [];
  for (const batch of batches(instances, serviceManaged)) {
    const operationId = newId();
    const begun = await o.api.deleteStackInstances({
      StackSetName: name,
      ...(serviceManaged ? { DeploymentTargets: { OrganizationalUnitIds: batch.targets } } : { Accounts: batch.targets }),
      Regions: batch.regions,
      RetainStacks: false,
      OperationId: operationId,
    });
    const outcome = await followOperation({
      api: o.api,
      name,
      operationId: begun.OperationId ?? operationId,
      action: "delete instances",
      printer: o.io.printer(`${name} delete instances`),
      sleep: o.sleep,
      signal: o.signal,
      now,
      deadline: started + limitMs,
      limitMs,
      resume: "`cody status --stack-set` shows what is left; `cody delete --stack-set` again deletes it, then the set.",
    });
    operations.push(outcome);
    if (operationFailed(outcome)) {
      const failed = outcome.results.filter((r) => r.status !== "SUCCEEDED").map((r) => `${r.account} ${r.region}${r.reason ? ` (${r.reason})` : ""}`);
      throw new CodyError(`deleting the instances of stack set ${name} ended ${outcome.status}${failed.length ? `: ${failed.join("; ")}` : ""}. The stack set was not deleted.`, {
        exitCode: ExitCode.failed,
        hint: "Fix what the reasons say (often the execution role in that account), then run `cody delete --stack-set` again; `cody status --stack-set` lists what is left.",
      });
    }
  }
  await o.api.deleteStackSet({ StackSetName: name });
  return { type: "deleted", instances, operations, elapsedMs: now() - started };
}
