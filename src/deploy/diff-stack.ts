// What a deploy would change: a change set that is created, read and deleted, never executed.
import type { CfnApi } from "../aws/clients";
import { changeSetInput, templateUnchanged, waitForChangeSet, type ResourceChangeSummary } from "./deploy-stack";
import { removeChangeSet, removeReviewStack, type Cleanup } from "./change-sets";
import { isCreationFailure, lookupStack } from "./stack";
import type { Sleep } from "./wait";

export interface DiffResult {
  stackName: string;
  isNew: boolean;
  changes: ResourceChangeSummary[];
  /** Set when deploy would first delete the stack (a failed create, ROLLBACK_COMPLETE). */
  recreate?: string;
  /** What diff made and could not remove, each with the command that removes it. */
  leftBehind?: string[];
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
  const cleanup: Cleanup = { removed: [], left: [] };
  // Whatever happens from CreateChangeSet on (its answer lost, Ctrl-C, an error), remove what diff made:
  // its change set and, for a new stack, the empty REVIEW_IN_PROGRESS stack. Runs even after Ctrl-C.
  const clean = async () => {
    await removeChangeSet(cfn, stackName, name, cleanup);
    if (isNew && !stack.exists && cleanup.left.length === 0) await removeReviewStack(cfn, stackName, cleanup);
  };
  let outcome;
  try {
    await cfn.createChangeSet({ ...changeSetInput(options, name, isNew ? "CREATE" : "UPDATE", "created by cody diff (deleted after reading)"), ClientToken: name });
    outcome = await waitForChangeSet(options, name);
  } catch (error) {
    await clean();
    throw error;
  }
  await clean();
  const leftBehind = cleanup.left.map((l) => `${l.what} is left (${l.why}); remove it with: ${l.command}`);
  return { stackName, isNew, changes: outcome.type === "empty" ? [] : outcome.changes, ...(leftBehind.length ? { leftBehind } : {}) };
}
