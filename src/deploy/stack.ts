// A stack as a value: lookup never throws for a missing stack, and every status rule is a named
// predicate, so the deploy flow reads as guard clauses.
import type { Output, Stack } from "@aws-sdk/client-cloudformation";
import type { CfnApi } from "../aws/clients";
import { isMissingStackError } from "../aws/stack-errors";

export { isMissingStackError };

export interface StackSnapshot {
  exists: boolean;
  name: string;
  status: string;
  stackId?: string;
  reason?: string;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  /** EnableTerminationProtection (set only when on): DeleteStack fails while it is on. */
  terminationProtection?: boolean;
}

export async function lookupStack(cfn: CfnApi, name: string): Promise<StackSnapshot> {
  try {
    const res = await cfn.describeStacks({ StackName: name });
    const stack = res.Stacks?.[0];
    if (!stack || stack.StackStatus === "DELETE_COMPLETE") return missing(name);
    return snapshot(name, stack);
  } catch (error) {
    if (isMissingStackError(error)) return missing(name);
    throw error;
  }
}

function missing(name: string): StackSnapshot {
  return { exists: false, name, status: "NOT_FOUND", outputs: {}, tags: {} };
}

export function snapshot(name: string, stack: Stack): StackSnapshot {
  return {
    exists: true,
    name,
    status: stack.StackStatus ?? "UNKNOWN",
    stackId: stack.StackId,
    reason: stack.StackStatusReason,
    outputs: outputsOf(stack.Outputs),
    tags: Object.fromEntries((stack.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    ...(stack.EnableTerminationProtection ? { terminationProtection: true } : {}),
  };
}

function outputsOf(outputs: Output[] | undefined): Record<string, string> {
  return Object.fromEntries((outputs ?? []).map((o) => [o.OutputKey ?? "", o.OutputValue ?? ""]));
}

export const isInProgress = (status: string) => status.endsWith("_IN_PROGRESS") && status !== "REVIEW_IN_PROGRESS";
/** A create that failed and rolled back: the stack is empty and can only be deleted. */
export const isCreationFailure = (status: string) => status === "ROLLBACK_COMPLETE" || status === "ROLLBACK_FAILED";
export const isDeploySuccess = (status: string) => status === "CREATE_COMPLETE" || status === "UPDATE_COMPLETE" || status === "IMPORT_COMPLETE";

/** The stack carries exactly these tags, both ways: a tag removed from the config must reach the stack too. */
export function sameTags(stack: Pick<StackSnapshot, "tags">, tags: Record<string, string>): boolean {
  return Object.keys(stack.tags).length === Object.keys(tags).length && Object.entries(tags).every(([k, v]) => stack.tags[k] === v);
}
