// What a deploy would change: a change set that is created, read and deleted, never executed, joined
// with the deployed template (GetTemplate) so each change shows its old and new values.
import type { CfnApi } from "../aws/clients";
import { adoptable } from "../review/adopt";
import { parseTemplateBody } from "../review/parse-template";
import { review, type Review } from "../review/review";
import type { TemplateLike } from "../review/template-diff";
import { changeSetInput, waitForChangeSet } from "./change-set";
import { removeChangeSet, removeReviewStack, type Cleanup } from "./change-sets";
import type { ResourceChangeSummary } from "./options";
import { isCreationFailure, lookupStack, sameTags } from "./stack";
import type { Sleep } from "./wait";

export interface DiffResult extends Review {
  stackName: string;
  isNew: boolean;
  /** Set when deploy would first delete the stack (a failed create, ROLLBACK_COMPLETE). */
  recreate?: string;
  /** What diff made and could not remove, each with the command that removes it. */
  leftBehind?: string[];
}

export interface DiffOptions {
  cfn: CfnApi;
  stackName: string;
  templateBody: string;
  /** The synthesized template as a value (what templateBody says). */
  template: TemplateLike;
  tags: Record<string, string>;
  /** A CloudFormation service role (`--role-arn`): the change set's RoleARN, as deploy would pass it. */
  roleArn?: string;
  sleep: Sleep;
  signal?: AbortSignal;
}

/** The template a stack was deployed with, as a value; undefined for a stack with none (REVIEW_IN_PROGRESS). */
export async function deployedTemplate(cfn: CfnApi, stackName: string): Promise<{ body: string; template: TemplateLike } | undefined> {
  const res = await cfn.getTemplate({ StackName: stackName, TemplateStage: "Original" });
  if (!res.TemplateBody) return undefined;
  return { body: res.TemplateBody, template: parseTemplateBody(res.TemplateBody) };
}

export async function diffStack(options: DiffOptions): Promise<DiffResult> {
  const { cfn, stackName } = options;
  const stack = await lookupStack(cfn, stackName);
  if (stack.exists && isCreationFailure(stack.status)) {
    // No change set can be made against it: deploy deletes it and creates everything afresh.
    const changes: ResourceChangeSummary[] = Object.entries(options.template.Resources ?? {}).map(([logicalId, r]) => ({
      action: "Add",
      logicalId,
      resourceType: String((r as { Type?: unknown }).Type ?? ""),
      replacement: null,
      properties: [],
    }));
    return { stackName, isNew: true, ...review(changes, undefined, options.template), recreate: stack.status };
  }
  const isNew = !stack.exists || stack.status === "REVIEW_IN_PROGRESS";
  const deployed = isNew ? undefined : await deployedTemplate(cfn, stackName);
  if (deployed && deployed.body === options.templateBody && sameTags(stack, options.tags)) {
    return { stackName, isNew, ...review([], deployed.template, options.template) };
  }
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
    const input = changeSetInput(options, name, isNew ? "CREATE" : "UPDATE", "created by cody diff (deleted after reading)");
    // As deploy does: a retained log group that already exists is shown as imported, not as a failure to come.
    await cfn.createChangeSet({ ...input, ...(adoptable(options.template).length > 0 ? { ImportExistingResources: true } : {}), ClientToken: name });
    outcome = await waitForChangeSet(options, name);
  } catch (error) {
    await clean();
    throw error;
  }
  await clean();
  const leftBehind = cleanup.left.map((l) => `${l.what} is left (${l.why}); remove it with: ${l.command}`);
  const changes = outcome.type === "empty" ? [] : outcome.changes;
  return { stackName, isNew, ...review(changes, deployed?.template, options.template), ...(leftBehind.length ? { leftBehind } : {}) };
}
