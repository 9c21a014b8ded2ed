// The AWS::CodeBuild::Project resource (logical ID `CodeBuild`, as in cody), from the resolved project.
import type { ResolvedProject } from "../config/resolve";
import { CacheModeValues } from "../generated/codebuild-enums";
import { deepMerge, type PlainObject } from "../util/merge";
import { toCloudFormationYaml } from "./serialize";
import { getAtt } from "./intrinsics";

export { DEFAULT_TIMEOUT_MINUTES, ECR_IMAGE, imagePullCredentials } from "../config/build-environment";
export { webhookEnabled } from "../config/resolve";

export function projectResource(p: ResolvedProject, roleLogicalId: string | undefined): PlainObject {
  const project = p.project;
  const { source, environment: env } = p.resolved;

  const Source: PlainObject = { Type: source.type };
  if (source.location) Source.Location = source.location;
  const spec = source.buildspec;
  if (spec) Source.BuildSpec = spec.kind === "inline" ? toCloudFormationYaml(spec.spec) : spec.kind === "text" ? spec.text : spec.path;
  if (source.fetchSubmodules) Source.GitSubmodulesConfig = { FetchSubmodules: true };
  if (source.reportBuildStatus) Source.ReportBuildStatus = true;

  const Environment: PlainObject = {
    Type: env.type,
    Image: env.image,
    ComputeType: env.computeType,
    ImagePullCredentialsType: env.imagePullCredentials,
  };
  if (env.privileged) Environment.PrivilegedMode = true;
  if (env.certificate) Environment.Certificate = env.certificate;
  if (env.variables.length > 0) Environment.EnvironmentVariables = env.variables;

  const properties: PlainObject = {
    Name: p.names.fullProjectName,
    ...(project.description ? { Description: project.description } : {}),
    Source,
    ...(source.version ? { SourceVersion: source.version } : {}),
    Artifacts: { Type: source.type === "CODEPIPELINE" ? "CODEPIPELINE" : "NO_ARTIFACTS" },
    Environment,
    ServiceRole: project.serviceRole ?? getAtt(roleLogicalId ?? "IamRole", "Arn"),
    ...(p.resolved.timeoutInMinutes !== undefined ? { TimeoutInMinutes: p.resolved.timeoutInMinutes } : {}),
    ...(project.queuedTimeoutInMinutes ? { QueuedTimeoutInMinutes: project.queuedTimeoutInMinutes } : {}),
    BadgeEnabled: p.resolved.badge,
    LogsConfig: { CloudWatchLogs: { Status: "ENABLED" } },
  };
  if (project.localCache !== undefined) properties.Cache = cache(project.localCache);
  if (project.triggers) properties.Triggers = triggers(project.triggers, p.resolved.webhook);
  if (project.vpcConfig) {
    properties.VpcConfig = {
      VpcId: project.vpcConfig.vpcId,
      Subnets: project.vpcConfig.subnets,
      SecurityGroupIds: project.vpcConfig.securityGroupIds,
    };
  }
  if (project.tags) properties.Tags = Object.entries(project.tags).map(([Key, Value]) => ({ Key, Value }));

  const resource: PlainObject = { Type: "AWS::CodeBuild::Project", Properties: deepMerge(properties, project.properties) };
  if (p.resolved.logGroup.retentionDays) resource.DependsOn = ["LogGroup"];
  return resource;
}

function cache(localCache: boolean | string[]): PlainObject {
  if (localCache === false) return { Type: "NO_CACHE" };
  const modes = localCache === true ? [...CacheModeValues] : localCache;
  return { Type: "LOCAL", Modes: modes };
}

function triggers(t: NonNullable<ResolvedProject["project"]["triggers"]>, webhook: boolean): PlainObject {
  const out: PlainObject = { Webhook: webhook };
  if (t.buildType) out.BuildType = t.buildType;
  if (t.filterGroups) {
    out.FilterGroups = t.filterGroups.map((group) =>
      group.map((f) => ({
        Type: f.type,
        Pattern: f.pattern,
        ...(f.excludeMatchedPattern !== undefined ? { ExcludeMatchedPattern: f.excludeMatchedPattern } : {}),
      })),
    );
  }
  return out;
}
