// synthesize(): a resolved project → a CloudFormation template. Pure and deterministic: no clients,
// no clock, no environment; the same project gives the same bytes.
import type { ResolvedProject } from "../config/resolve";
import type { PlainObject } from "../util/merge";
import { getAtt, ref } from "./intrinsics";
import { projectResource } from "./project-resource";
import { roleResource } from "./role-resource";
import { scheduleResources } from "./schedule-resource";

export interface Template {
  AWSTemplateFormatVersion: "2010-09-09";
  Description: string;
  Resources: Record<string, PlainObject>;
  Outputs: Record<string, PlainObject>;
}

export interface SynthResult {
  template: Template;
  /** Tags deploy puts on the stack (and CloudFormation on every resource that takes tags). */
  stackTags: Record<string, string>;
  stackName: string;
}

export function synthesize(p: ResolvedProject): SynthResult {
  const { generatedRole, logGroup } = p.resolved;
  const resources: Record<string, PlainObject> = {};
  if (logGroup.retentionDays) {
    resources.LogGroup = {
      Type: "AWS::Logs::LogGroup",
      // Logs outlive the stack unless the project says otherwise; Retain (with the static name) also
      // lets a deploy adopt a group earlier builds created (CreateChangeSet's ImportExistingResources).
      ...(logGroup.retain ? { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" } : {}),
      Properties: { LogGroupName: logGroup.name, RetentionInDays: logGroup.retentionDays },
    };
  }
  resources.CodeBuild = projectResource(p, generatedRole ? "IamRole" : undefined);
  if (generatedRole) resources.IamRole = roleResource(p);
  Object.assign(resources, scheduleResources(p));

  const outputs: Record<string, PlainObject> = {
    ProjectName: { Description: "CodeBuild project name", Value: ref("CodeBuild") },
    ProjectArn: { Description: "CodeBuild project ARN", Value: getAtt("CodeBuild", "Arn") },
  };
  if (generatedRole) outputs.RoleArn = { Description: "CodeBuild service role ARN", Value: getAtt("IamRole", "Arn") };
  if (resources.EventsRule) outputs.ScheduleName = { Description: "EventBridge rule that starts builds", Value: ref("EventsRule") };
  if (resources.Schedule) outputs.ScheduleName = { Description: "EventBridge Scheduler schedule that starts builds", Value: ref("Schedule") };
  if (resources.LogGroup) outputs.LogGroupName = { Description: "Build log group", Value: ref("LogGroup") };

  return {
    template: {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: `CodeBuild project ${p.names.fullProjectName}${p.type ? ` (type ${p.type})` : ""}, env ${p.env}: managed by cody`,
      Resources: resources,
      Outputs: outputs,
    },
    stackTags: { ...p.resolved.stackTags },
    stackName: p.names.stackName,
  };
}
