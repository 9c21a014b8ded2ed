// synthesize(): a loaded project → a CloudFormation template. Pure and deterministic: no clients,
// no clock, no environment; the same project gives the same bytes.
import type { LoadedProject } from "../config/load-project";
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

export function synthesize(p: LoadedProject): SynthResult {
  const generatedRole = !p.project.serviceRole;
  const resources: Record<string, PlainObject> = {};
  if (p.project.logRetentionDays) {
    resources.LogGroup = {
      Type: "AWS::Logs::LogGroup",
      // Logs outlive the stack unless the project says otherwise; Retain (with the static name) also
      // lets a deploy adopt a group earlier builds created (CreateChangeSet's ImportExistingResources).
      ...(p.project.retainLogGroup === false ? {} : { DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" }),
      Properties: { LogGroupName: `/aws/codebuild/${p.names.fullProjectName}`, RetentionInDays: p.project.logRetentionDays },
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

  // The settings' tags first, then cody's (the cody: prefix is reserved there, so they never collide).
  const stackTags: Record<string, string> = { ...p.settings.stackTags, "cody:tool": "codybuild", "cody:project": p.names.projectName };
  if (p.type) stackTags["cody:type"] = p.type;
  stackTags["cody:env"] = p.env;

  return {
    template: {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: `CodeBuild project ${p.names.fullProjectName}${p.type ? ` (type ${p.type})` : ""}, env ${p.env}: managed by cody`,
      Resources: resources,
      Outputs: outputs,
    },
    stackTags,
    stackName: p.names.stackName,
  };
}
