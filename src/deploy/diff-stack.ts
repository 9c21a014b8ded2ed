// What a deploy would change: a change set that is created, read and deleted, never executed.
import type { CfnApi } from "../aws/clients";
import { changeSetInput, templateUnchanged, waitForChangeSet, type ResourceChangeSummary } from "./deploy-stack";
import { isCreationFailure, lookupStack } from "./stack";
import type { Sleep } from "./wait";

export interface DiffResult {
  stackName: string;
  isNew: boolean;
  changes: ResourceChangeSummary[];
  /** Set when deploy would first delete the stack (a failed create, ROLLBACK_COMPLETE). */
  recreate?: string;
}

export async function diffStack(options: {
  cfn: CfnApi;
  stackName: string;
  templateBody: string;
  tags: Record<string, string>;
  /** The template's resources, for a stack deploy would delete and create again. */
  resources: Array<{ logicalId: string; resourceType: string }>;
  sleep: Sleep;
  signal?: AbortSignal;
}): Promise<DiffResult> {
  const { cfn, stackName } = options;
  const stack = await lookupStack(cfn, stackName);
  if (stack.exists && isCreationFailure(stack.status)) {
    // No change set can be made against it: deploy deletes it and creates everything afresh.
    const changes = options.resources.map((r) => ({ action: "Add", ...r, replacement: null, properties: [] }));
    return { stackName, isNew: true, changes, recreate: stack.status };
  }
  const isNew = !stack.exists || stack.status === "REVIEW_IN_PROGRESS";
  if (!isNew && (await templateUnchanged(options, stack))) return { stackName, isNew, changes: [] };
  const name = `cody-diff-${Date.now()}`;
  await cfn.createChangeSet(changeSetInput(options, name, isNew ? "CREATE" : "UPDATE", "created by cody diff (deleted after reading)"));
  try {
    const outcome = await waitForChangeSet(options, name);
    return { stackName, isNew, changes: outcome.type === "empty" ? [] : outcome.changes };
  } finally {
    await cfn.deleteChangeSet({ StackName: stackName, ChangeSetName: name }).catch(() => undefined);
    // A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS: remove what diff made.
    if (isNew && !stack.exists) await cfn.deleteStack({ StackName: stackName }).catch(() => undefined);
  }
}
