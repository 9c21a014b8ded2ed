// `cody deploy --stack-set`: create or update the stack set named after the stack, then add the
// instances the settings name and the set lacks, following each operation with per-instance status.
// Nothing is called when the template, tags and capabilities match and every instance exists (no-op).
// Operations run one after another (StackSets queues or refuses concurrent ones); each carries an
// OperationId, so the SDK's retry of a call that reached AWS cannot start a second operation.
import { randomUUID } from "node:crypto";
import type { StackSet } from "@aws-sdk/client-cloudformation";
import type { StackSetApi } from "../aws/clients";
import { errorChain } from "../aws/errors";
import type { Reporter } from "../io/reporter";
import type { Sleep } from "../util/wait";
import { extraInstances, listInstances, missingBatches, type InstanceBatch, type InstanceRow } from "./instances";
import { followOperation, OPERATION_MAX_MS, type OperationOutcome } from "./operation";
import { CAPABILITIES, type StackSetPlan } from "./plan";
import type { OperationPrinter } from "./printer";

export interface StackSetIo {
  reporter: Reporter;
  printer(title: string): OperationPrinter;
  confirm(question: string): Promise<boolean>;
}

export interface StackSetRunOptions {
  api: StackSetApi;
  io: StackSetIo;
  sleep: Sleep;
  signal?: AbortSignal;
  timeoutMs?: number;
  now?: () => number;
  /** Operation ids (tests make them predictable). */
  newId?: () => string;
  /** Runs once, before the first call that changes anything (the IAM preflight); an unchanged set skips it. */
  beforeChanges?: () => Promise<void>;
}

export interface StackSetDeployResult {
  /** created: a new set; updated: template or tags changed; extended: only instances added; no-changes. */
  type: "created" | "updated" | "extended" | "no-changes";
  operations: OperationOutcome[];
  instances: InstanceRow[];
  /** Instances the settings no longer name: left as they are. */
  extra: InstanceRow[];
  /** An operation ended FAILED or STOPPED, or an instance failed. */
  failed: boolean;
  elapsedMs: number;
}

/** StackSets says StackSetNotFoundException for a set it does not know (the clients keep the SDK error as the cause). */
export function isMissingStackSet(error: unknown): boolean {
  return errorChain(error).some((e) => e.name === "StackSetNotFoundException" || (typeof e.message === "string" && /StackSetNotFoundException|StackSet .* not found/i.test(e.message)));
}

export async function describeStackSet(api: StackSetApi, name: string): Promise<StackSet | undefined> {
  try {
    const described = await api.describeStackSet({ StackSetName: name });
    return described.StackSet?.Status === "DELETED" ? undefined : described.StackSet;
  } catch (error) {
    if (isMissingStackSet(error)) return undefined;
    throw error;
  }
}

/**
 * What UpdateStackSet would change: the template, the tags (both ways), the roles. Capabilities are sent
 * with every call but not compared: a set without them could not have created the template's roles.
 */
export function stackSetChanges(current: StackSet, plan: StackSetPlan): string[] {
  const changes: string[] = [];
  if ((current.TemplateBody ?? "").trim() !== plan.templateBody.trim()) changes.push("template");
  const tags = Object.fromEntries((current.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""]));
  const sameTags = Object.keys(tags).length === Object.keys(plan.tags).length && Object.entries(plan.tags).every(([k, v]) => tags[k] === v);
  if (!sameTags) changes.push("tags");
  if (plan.administrationRoleArn && current.AdministrationRoleARN !== plan.administrationRoleArn) changes.push("administration role");
  if (plan.executionRoleName && current.ExecutionRoleName !== plan.executionRoleName) changes.push("execution role");
  return changes;
}

const RESUME_DEPLOY = "`cody status --stack-set` shows the instances; `cody deploy --stack-set` again adds only what is still missing.";

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

function targetsOf(plan: StackSetPlan, batch: Pick<InstanceBatch, "targets">) {
  return plan.permissionModel === "SERVICE_MANAGED" ? { DeploymentTargets: { OrganizationalUnitIds: batch.targets } } : { Accounts: batch.targets };
}

export function operationFailed(outcome: OperationOutcome): boolean {
  return outcome.status !== "SUCCEEDED" || outcome.results.some((r) => r.status === "FAILED" || r.status === "CANCELLED");
}

export async function deployStackSet(plan: StackSetPlan, o: StackSetRunOptions): Promise<StackSetDeployResult> {
  const now = o.now ?? Date.now;
  const newId = o.newId ?? randomUUID;
  const started = now();
  const limitMs = o.timeoutMs ?? OPERATION_MAX_MS;
  const deadline = started + limitMs;
  const operations: OperationOutcome[] = [];
  const follow = async (operationId: string, action: string) => {
    const outcome = await followOperation({ api: o.api, name: plan.name, operationId, action, printer: o.io.printer(`${plan.name} ${action}`), sleep: o.sleep, signal: o.signal, now, deadline, limitMs, resume: RESUME_DEPLOY });
    operations.push(outcome);
    return outcome;
  };
  const common = {
    StackSetName: plan.name,
    TemplateBody: plan.templateBody,
    Capabilities: [...CAPABILITIES],
    Tags: tagList(plan.tags),
    ...(plan.administrationRoleArn ? { AdministrationRoleARN: plan.administrationRoleArn } : {}),
    ...(plan.executionRoleName ? { ExecutionRoleName: plan.executionRoleName } : {}),
  };

  let checked = false;
  const beforeChanges = async () => {
    if (!checked && o.beforeChanges) await o.beforeChanges();
    checked = true;
  };

  const current = await describeStackSet(o.api, plan.name);
  let type: StackSetDeployResult["type"] = "no-changes";
  if (!current) {
    await beforeChanges();
    await o.api.createStackSet({
      ...common,
      PermissionModel: plan.permissionModel,
      // Accounts that join an organizational unit later get an instance too; one that leaves loses it.
      ...(plan.permissionModel === "SERVICE_MANAGED" ? { AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false } } : {}),
      ClientRequestToken: newId(),
    });
    o.io.reporter.info(`Created stack set ${plan.name} (${plan.permissionModel}).`);
    type = "created";
  } else {
    const changes = stackSetChanges(current, plan);
    if (changes.length > 0) {
      await beforeChanges();
      o.io.reporter.info(`Updating stack set ${plan.name}: ${changes.join(", ")} changed; every instance is updated.`);
      const operationId = newId();
      const started = await o.api.updateStackSet({ ...common, OperationId: operationId, OperationPreferences: plan.preferences });
      type = "updated";
      const outcome = await follow(started.OperationId ?? operationId, "update");
      if (operationFailed(outcome)) return finish();
    }
  }

  const existing = current ? await listInstances(o.api, plan.name) : [];
  for (const batch of missingBatches(plan.permissionModel, plan.targets, plan.regions, existing)) {
    await beforeChanges();
    o.io.reporter.info(`Adding instances of ${plan.name}: ${batch.targets.join(", ")} in ${batch.regions.join(", ")}.`);
    const operationId = newId();
    const started = await o.api.createStackInstances({ StackSetName: plan.name, ...targetsOf(plan, batch), Regions: batch.regions, OperationId: operationId, OperationPreferences: plan.preferences });
    if (type === "no-changes") type = "extended";
    const outcome = await follow(started.OperationId ?? operationId, "create instances");
    if (operationFailed(outcome)) break;
  }
  return finish();

  async function finish(): Promise<StackSetDeployResult> {
    const instances = await listInstances(o.api, plan.name);
    const extra = extraInstances(plan.permissionModel, plan.targets, plan.regions, instances);
    const failed = operations.some(operationFailed);
    return { type, operations, instances, extra, failed, elapsedMs: now() - started };
  }
}
