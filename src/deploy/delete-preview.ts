// `cody delete --noop`: what a delete would remove, from read-only calls (DescribeStacks and
// DescribeStackResources). Nothing here changes anything; the command layer calls it instead of the
// delete engine, so --noop never reaches DeleteStack.
import type { CfnApi } from "../aws/clients";
import { leftBehind } from "./delete-stack";
import { lookupStack } from "./stack";

export interface DeletePreview {
  exists: boolean;
  /** The stack's status, or NOT_FOUND. */
  status: string;
  /** The stack's resources, which a delete removes. */
  resources: Array<{ logicalId: string; type: string; physicalId: string | null }>;
  /** What would outlive the stack (the log group CodeBuild creates itself). */
  leftBehind: string[];
}

export async function previewDelete(cfn: CfnApi, stackName: string): Promise<DeletePreview> {
  const stack = await lookupStack(cfn, stackName);
  if (!stack.exists) return { exists: false, status: stack.status, resources: [], leftBehind: [] };
  const res = await cfn.describeStackResources({ StackName: stack.stackId ?? stackName });
  const resources = (res.StackResources ?? []).map((r) => ({
    logicalId: r.LogicalResourceId ?? "?",
    type: r.ResourceType ?? "?",
    physicalId: r.PhysicalResourceId ?? null,
  }));
  return { exists: true, status: stack.status, resources, leftBehind: leftBehind(stack) };
}
