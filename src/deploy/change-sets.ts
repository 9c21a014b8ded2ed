// cody's change sets as things that can be left behind: how to tell them from others', which belong
// to a run still going on, and how to remove one so that "removed" is only said once it is true.
import type { ChangeSetSummary } from "@aws-sdk/client-cloudformation";
import type { CfnApi } from "../aws/clients";
import { errorChain } from "../aws/errors";
import { uninterruptible } from "../aws/interrupt-signal";
import { isCodyError } from "../errors";
import { lookupStack } from "./stack";

/** cody deploy names its change sets `cody-<ms>` and cody diff `cody-diff-<ms>`; nobody else should. */
const CODY_NAME = /^cody-(?:diff-)?(\d{10,})$/;

/**
 * A change set younger than this, not executed, may be another cody run's that is still working on
 * it (between CreateChangeSet and ExecuteChangeSet, a deploy spends seconds; diff too). Older ones
 * were left by a run that was killed or whose cleanup failed.
 */
export const RECENT_MS = 3 * 60_000;

export interface CodyChangeSet {
  name: string;
  createdAt: Date;
  status: string;
  executionStatus: string;
}

/** Not executed (executed ones are removed by CloudFormation, or kept by moto as EXECUTE_COMPLETE). */
const UNEXECUTED = new Set(["AVAILABLE", "UNAVAILABLE", "OBSOLETE", "EXECUTE_FAILED"]);

export function codyChangeSets(summaries: ChangeSetSummary[], now: number): { busy: CodyChangeSet[]; stale: CodyChangeSet[] } {
  const busy: CodyChangeSet[] = [];
  const stale: CodyChangeSet[] = [];
  for (const s of summaries) {
    const name = s.ChangeSetName ?? "";
    const match = CODY_NAME.exec(name);
    if (!match || !UNEXECUTED.has(s.ExecutionStatus ?? "")) continue;
    const createdAt = s.CreationTime ?? new Date(Number(match[1]));
    const entry = { name, createdAt, status: s.Status ?? "UNKNOWN", executionStatus: s.ExecutionStatus ?? "UNKNOWN" };
    const deleting = /^DELETE_/.test(entry.status);
    if (deleting) continue;
    (now - createdAt.getTime() < RECENT_MS ? busy : stale).push(entry);
  }
  return { busy, stale };
}

/** Every change set of the stack (all pages); [] for a stack that does not exist. */
export async function listChangeSets(cfn: CfnApi, stackName: string): Promise<ChangeSetSummary[]> {
  const out: ChangeSetSummary[] = [];
  let token: string | undefined;
  do {
    const page = await cfn.listChangeSets({ StackName: stackName, ...(token ? { NextToken: token } : {}) });
    out.push(...(page?.Summaries ?? []));
    token = page?.NextToken;
  } while (token);
  return out;
}

export function isChangeSetNotFound(error: unknown): boolean {
  return errorChain(error).some((e) => e.name === "ChangeSetNotFoundException" || e.name === "ChangeSetNotFound" || (typeof e.message === "string" && /ChangeSet .* does not exist|ChangeSetNotFound/i.test(e.message)));
}

/** What a cleanup did: what it removed (verified) and what it could not, with the command that does it. */
export interface Cleanup {
  removed: string[];
  left: Array<{ what: string; why: string; command: string }>;
}

/** The reason of an error, in one line, as the user reads it. */
function reason(error: unknown): string {
  return (isCodyError(error) || error instanceof Error ? error.message : String(error)).split("\n")[0]!;
}

/**
 * Deletes a change set and checks that it is gone (DescribeChangeSet answers ChangeSetNotFound, or a
 * DELETE_* status). Runs even after Ctrl-C. A change set that never got made counts as removed.
 */
export async function removeChangeSet(cfn: CfnApi, stackName: string, name: string, cleanup: Cleanup): Promise<boolean> {
  const command = `aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${name}`;
  return uninterruptible(async () => {
    let existed = true;
    try {
      await cfn.deleteChangeSet({ StackName: stackName, ChangeSetName: name });
    } catch (error) {
      if (!isChangeSetNotFound(error) && !/does not exist/i.test(reason(error))) {
        cleanup.left.push({ what: `change set ${name}`, why: reason(error), command });
        return false;
      }
      existed = false;
    }
    try {
      const after = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: name });
      if (after && !/^DELETE_(PENDING|IN_PROGRESS|COMPLETE)$/.test(after.Status ?? "")) {
        cleanup.left.push({ what: `change set ${name}`, why: `it is still there (${after.Status ?? "no status"}) after DeleteChangeSet`, command });
        return false;
      }
    } catch (error) {
      if (!isChangeSetNotFound(error) && !/does not exist/i.test(reason(error))) {
        cleanup.left.push({ what: `change set ${name}`, why: `could not check that it is gone: ${reason(error)}`, command });
        return false;
      }
    }
    if (existed) cleanup.removed.push(`change set ${name}`);
    return true;
  });
}

/**
 * Removes the empty stack a first deploy's CREATE change set made (REVIEW_IN_PROGRESS), as diff does.
 * Only while it is still REVIEW_IN_PROGRESS: a stack another run has started to create is not touched.
 */
export async function removeReviewStack(cfn: CfnApi, stackName: string, cleanup: Cleanup): Promise<void> {
  const command = `aws cloudformation delete-stack --stack-name ${stackName}`;
  await uninterruptible(async () => {
    try {
      const stack = await lookupStack(cfn, stackName);
      if (!stack.exists) return;
      if (stack.status !== "REVIEW_IN_PROGRESS") return;
      await cfn.deleteStack({ StackName: stack.stackId ?? stackName });
      const after = await lookupStack(cfn, stack.stackId ?? stackName);
      if (after.exists && !after.status.startsWith("DELETE_")) {
        cleanup.left.push({ what: `empty stack ${stackName} (REVIEW_IN_PROGRESS)`, why: `it is still ${after.status}`, command });
        return;
      }
      cleanup.removed.push(`the empty stack ${stackName} (REVIEW_IN_PROGRESS) this deploy had made`);
    } catch (error) {
      cleanup.left.push({ what: `empty stack ${stackName} (REVIEW_IN_PROGRESS)`, why: reason(error), command });
    }
  });
}

/** "deleted change set X" / "change set X is left (why): remove it with: ..." as sentences. */
export function describeCleanup(cleanup: Cleanup): { done: string; left: string } {
  const done = cleanup.removed.length ? `deleted ${cleanup.removed.join(" and ")}` : "";
  const left = cleanup.left.map((l) => `${l.what} is left (${l.why}); remove it with: ${l.command}`).join("\n");
  return { done, left };
}
