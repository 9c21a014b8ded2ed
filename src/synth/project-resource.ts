// The AWS::CodeBuild::Project resource (logical ID `CodeBuild`, as in cody).
import type { LoadedProject } from "../config/load-project";
import { defaultBuildspecPath } from "../config/rules/project-rules";
import { buildComputeType, buildEnvironmentType, buildImage, isLambdaCompute } from "../config/build-environment";
import { BADGE_SOURCES, GIT_SOURCES, resolveSource, WEBHOOK_SOURCES } from "../config/source";
import { CacheModeValues } from "../generated/codebuild-enums";
import { deepMerge, type PlainObject } from "../util/merge";
import { toEnvironmentVariables } from "./environment-variables";
import { toCloudFormationYaml } from "./serialize";
import { getAtt } from "./intrinsics";

export const DEFAULT_TIMEOUT_MINUTES = 20;

export function projectResource(p: LoadedProject, roleLogicalId: string | undefined): PlainObject {
  const project = p.project;
  const source = resolveSource(project);
  if (!source.ok) throw new Error(`unreachable: unresolved source (${source.problem})`);

  const Source: PlainObject = { Type: source.type };
  if (source.location) Source.Location = source.location;
  if (typeof project.buildspec === "object") Source.BuildSpec = toCloudFormationYaml(project.buildspec);
  else if (typeof project.buildspec === "string") Source.BuildSpec = project.buildspec;
  else if (source.type !== "NO_SOURCE" && source.type !== "CODEPIPELINE") Source.BuildSpec = defaultBuildspecPath(p.type);
  if (GIT_SOURCES.includes(source.type)) Source.GitSubmodulesConfig = { FetchSubmodules: true };
  if (webhookEnabled(project.triggers) && WEBHOOK_SOURCES.includes(source.type)) Source.ReportBuildStatus = true;

  const env = project.linuxEnvironment ?? {};
  const image = buildImage(project);
  const computeType = buildComputeType(project);
  const Environment: PlainObject = {
    Type: buildEnvironmentType(project),
    Image: image,
    ComputeType: computeType,
    ImagePullCredentialsType: imagePullCredentials(image, env.imagePullCredentialsType),
  };
  if (project.privileged || env.privileged) Environment.PrivilegedMode = true;
  if (env.certificate) Environment.Certificate = env.certificate;
  const variables = toEnvironmentVariables(project.environmentVariables);
  if (variables.length > 0) Environment.EnvironmentVariables = variables;

  const properties: PlainObject = {
    Name: p.names.fullProjectName,
    ...(project.description ? { Description: project.description } : {}),
    Source,
    ...(project.gitBranch || project.sourceVersion ? { SourceVersion: project.gitBranch ?? project.sourceVersion } : {}),
    Artifacts: { Type: source.type === "CODEPIPELINE" ? "CODEPIPELINE" : "NO_ARTIFACTS" },
    Environment,
    ServiceRole: project.serviceRole ?? getAtt(roleLogicalId ?? "IamRole", "Arn"),
    // Lambda compute takes no build timeout (CodeBuild rejects one), so cody's default is left out there.
    ...(project.timeoutInMinutes !== undefined || !isLambdaCompute(computeType)
      ? { TimeoutInMinutes: project.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES }
      : {}),
    ...(project.queuedTimeoutInMinutes ? { QueuedTimeoutInMinutes: project.queuedTimeoutInMinutes } : {}),
    BadgeEnabled: badgeEnabled(p),
    LogsConfig: { CloudWatchLogs: { Status: "ENABLED" } },
  };
  if (project.localCache !== undefined) properties.Cache = cache(project.localCache);
  if (project.triggers) properties.Triggers = triggers(project.triggers);
  if (project.vpcConfig) {
    properties.VpcConfig = {
      VpcId: project.vpcConfig.vpcId,
      Subnets: project.vpcConfig.subnets,
      SecurityGroupIds: project.vpcConfig.securityGroupIds,
    };
  }
  if (project.tags) properties.Tags = Object.entries(project.tags).map(([Key, Value]) => ({ Key, Value }));

  const resource: PlainObject = { Type: "AWS::CodeBuild::Project", Properties: deepMerge(properties, project.properties) };
  if (p.project.logRetentionDays) resource.DependsOn = ["LogGroup"];
  return resource;
}

/** On by default wherever CodeBuild offers badges: a badge source, and not on Lambda compute. */
export function badgeEnabled(p: LoadedProject): boolean {
  const source = resolveSource(p.project);
  const supported = source.ok && BADGE_SOURCES.includes(source.type) && !isLambdaCompute(buildComputeType(p.project));
  return p.project.badge ?? supported;
}

function cache(localCache: boolean | string[]): PlainObject {
  if (localCache === false) return { Type: "NO_CACHE" };
  const modes = localCache === true ? [...CacheModeValues] : localCache;
  return { Type: "LOCAL", Modes: modes };
}

function triggers(t: NonNullable<LoadedProject["project"]["triggers"]>): PlainObject {
  const out: PlainObject = { Webhook: webhookEnabled(t) };
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

/** Filter groups imply a webhook unless it is switched off explicitly. */
export function webhookEnabled(t: LoadedProject["project"]["triggers"]): boolean {
  return t ? (t.webhook ?? Boolean(t.filterGroups?.length)) : false;
}

/** An ECR image URI: `<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`. */
export const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/;

/** Curated images are pulled by CodeBuild; anything else (ECR, Docker Hub) with the service role. */
export function imagePullCredentials(image: string, explicit?: string): string {
  return explicit ?? (image.startsWith("aws/codebuild/") ? "CODEBUILD" : "SERVICE_ROLE");
}
