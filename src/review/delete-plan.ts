// What `cody delete` removes and what stays, from the stack's resources and its deployed template:
// resources with DeletionPolicy Retain (the build log group, by default) outlive the stack, and so
// does a log group CodeBuild made itself (not in the stack). Pure.
import { isPlainObject } from "../util/merge";
import type { TemplateLike } from "./template-diff";

export interface StackResource {
  logicalId: string;
  resourceType: string;
  physicalId: string;
}

export interface DeletePlan {
  deleted: string[];
  kept: string[];
}

const LABEL: Record<string, string> = {
  "AWS::CodeBuild::Project": "CodeBuild project",
  "AWS::IAM::Role": "IAM role",
  "AWS::Events::Rule": "EventBridge rule",
  "AWS::Scheduler::Schedule": "schedule",
  "AWS::Logs::LogGroup": "log group",
};

export function describeResource(r: StackResource): string {
  return `${LABEL[r.resourceType] ?? r.resourceType} ${r.physicalId || r.logicalId}`;
}

function retained(template: TemplateLike | undefined, logicalId: string): boolean {
  const resource = template?.Resources?.[logicalId];
  if (!isPlainObject(resource)) return false;
  return resource.DeletionPolicy === "Retain" || resource.DeletionPolicy === "RetainExceptOnCreate";
}

/** `unmanagedLogGroup`: CodeBuild's own `/aws/codebuild/<project>` when the stack does not manage one. */
export function deletePlan(resources: StackResource[], template: TemplateLike | undefined, unmanagedLogGroup?: string): DeletePlan {
  const plan: DeletePlan = { deleted: [], kept: [] };
  for (const r of resources) {
    if (retained(template, r.logicalId)) plan.kept.push(`${describeResource(r)} (DeletionPolicy: Retain)`);
    else plan.deleted.push(describeResource(r));
  }
  if (unmanagedLogGroup) plan.kept.push(`log group ${unmanagedLogGroup}, if any build ran (CodeBuild made it, not the stack)`);
  return plan;
}

/** The confirmation: the stack, then what goes and what stays, one per line. */
export function deleteQuestion(stackName: string, region: string | undefined, plan: DeletePlan): string {
  return [
    `Stack ${stackName}${region ? ` (${region})` : ""}:`,
    ...plan.deleted.map((d) => `  delete  ${d}`),
    ...plan.kept.map((k) => `  keep    ${k}`),
    "Delete it?",
  ].join("\n");
}
