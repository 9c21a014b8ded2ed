// Compile-only tests of the DSL's public types (`npm run typecheck`; vitest never runs this file).
// Each `@ts-expect-error` line proves the editor rejects a mistake a user could make; if the types
// ever accepted it, the directive would be unused and tsc would fail.
import { expectTypeOf } from "vitest";
import {
  defineProject,
  defineRole,
  defineSchedule,
  defineSettings,
  secret,
  ssm,
  type Buildspec,
  type CacheMode,
  type CodyContext,
  type ComputeType,
  type Definable,
  type EnvironmentType,
  type EnvironmentValue,
  type EnvSettings,
  type ImagePullCredentialsType,
  type LinuxEnvironment,
  type LogRetentionDays,
  type IamPolicyEntry,
  type IamPolicyStatement,
  type PolicyDocument,
  type PolicyStatement,
  type ProjectConfig,
  type RawProperties,
  type RoleConfig,
  type ScheduleConfig,
  type ScheduleInput,
  type SecretRef,
  type Settings,
  type SourceType,
  type Triggers,
  type Vars,
  type VpcConfig,
  type WebhookBuildType,
  type WebhookFilter,
  type WebhookFilterType,
} from "codybuild";

// ---------------------------------------------------------------------------------------------------
// define*: objects and functions of the context, returned unchanged.

expectTypeOf(defineProject({})).toEqualTypeOf<Definable<ProjectConfig>>();
expectTypeOf(defineRole({})).toEqualTypeOf<Definable<RoleConfig>>();
expectTypeOf(defineSchedule({ rate: "1 day" })).toEqualTypeOf<Definable<ScheduleConfig>>();
expectTypeOf(defineSettings({})).toEqualTypeOf<Settings | (() => Settings)>();
expectTypeOf<Definable<ProjectConfig>>().toEqualTypeOf<ProjectConfig | ((ctx: CodyContext) => ProjectConfig)>();

defineProject((ctx) => {
  expectTypeOf(ctx).toEqualTypeOf<CodyContext>();
  expectTypeOf(ctx.projectName).toEqualTypeOf<string>();
  expectTypeOf(ctx.fullProjectName).toEqualTypeOf<string>();
  expectTypeOf(ctx.env).toEqualTypeOf<string>();
  expectTypeOf(ctx.type).toEqualTypeOf<string | undefined>();
  expectTypeOf(ctx.region).toEqualTypeOf<string | undefined>();
  expectTypeOf(ctx.account).toEqualTypeOf<string | undefined>();
  expectTypeOf(ctx.vars).toEqualTypeOf<Vars>();
  return { githubUrl: "https://github.com/acme/api" };
});
// Variables are user data of any shape: reading nested values needs no casts.
defineProject(({ env, vars }) => ({ githubUrl: vars.repo.url, environmentVariables: { APP_ENV: env, SHARDS: vars.shards } }));
defineRole(({ fullProjectName }) => ({ iamPolicy: [{ action: "s3:GetObject", resource: `arn:aws:s3:::${fullProjectName}/*` }] }));
defineSchedule(({ env }) => ({ cron: "0 10 * * ? *", enabled: env === "production" }));
defineSettings(() => ({ stackNaming: { appendEnv: true } }));
// Async functions are not part of the contract.
// @ts-expect-error -- a DSL function returns the config, not a promise
defineProject(async () => ({ githubUrl: "https://github.com/acme/api" }));
// @ts-expect-error -- settings decide the env, so their function gets no context
defineSettings((ctx: CodyContext) => ({ stackNaming: { appendEnv: ctx.env === "x" } }));

// ---------------------------------------------------------------------------------------------------
// Secrets: ssm() and secret() make SecretRefs; env values are plain scalars or SecretRefs.

expectTypeOf(ssm("/api/key")).toEqualTypeOf<SecretRef>();
expectTypeOf(secret("prod/db:password")).toEqualTypeOf<SecretRef>();
expectTypeOf<SecretRef["type"]>().toEqualTypeOf<"PARAMETER_STORE" | "SECRETS_MANAGER">();
expectTypeOf(ssm).parameter(0).toEqualTypeOf<string>();
expectTypeOf<EnvironmentValue>().toEqualTypeOf<string | number | boolean | SecretRef>();
const ref = ssm("/api/key");
// @ts-expect-error -- a SecretRef is read-only
ref.value = "/other";
// @ts-expect-error -- ssm() takes a parameter name
ssm(42);
defineProject({ environmentVariables: { A: "text", B: 1, C: true, D: ssm("/p"), E: secret("s"), F: "ssm:/p" } });
// @ts-expect-error -- null is not an environment value
defineProject({ environmentVariables: { A: null } });
// @ts-expect-error -- a hand-made reference must use a reference type
defineProject({ environmentVariables: { A: { type: "PLAINTEXT", value: "x" } } });
// @ts-expect-error -- lists are not environment values
defineProject({ environmentVariables: { A: ["x"] } });

// ---------------------------------------------------------------------------------------------------
// ProjectConfig: every convenience key is accepted with its documented type.

const everyProjectKey = {
  githubUrl: "https://github.com/acme/api",
  gitProvider: "GITHUB",
  gitBranch: "main",
  sourceVersion: "main",
  buildspec: ".cody/buildspec.yml",
  linuxImage: "aws/codebuild/standard:7.0",
  linuxEnvironment: {
    image: "aws/codebuild/standard:7.0",
    computeType: "BUILD_GENERAL1_SMALL",
    type: "LINUX_CONTAINER",
    privileged: false,
    imagePullCredentialsType: "CODEBUILD",
    certificate: "arn:aws:s3:::certs/ca.pem",
  },
  computeType: "BUILD_GENERAL1_SMALL",
  privileged: true,
  environmentVariables: { A: "a" },
  localCache: ["LOCAL_SOURCE_CACHE"],
  triggers: { webhook: true, buildType: "BUILD", filterGroups: [[{ type: "EVENT", pattern: "PUSH", excludeMatchedPattern: false }]] },
  vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-1"], securityGroupIds: ["sg-1"] },
  timeoutInMinutes: 20,
  queuedTimeoutInMinutes: 60,
  badge: true,
  description: "API",
  tags: { team: "api" },
  serviceRole: "arn:aws:iam::123456789012:role/build",
  logRetentionDays: 30,
  retainLogGroup: true,
  role: { iamPolicy: ["s3"] },
  schedule: { rate: "1 day" },
  properties: { ConcurrentBuildLimit: 1, Source: { GitCloneDepth: 1 } },
} satisfies ProjectConfig;
expectTypeOf(everyProjectKey).toMatchTypeOf<ProjectConfig>();
expectTypeOf<keyof ProjectConfig>().toEqualTypeOf<keyof typeof everyProjectKey>();

defineProject({ buildspec: { version: 0.2, phases: { build: { commands: ["make"] } } } });
defineProject({ buildspec: { version: "0.2", env: { variables: { A: "1" } } } });
defineProject({ localCache: true });
defineProject({ localCache: false });
defineProject({ gitProvider: "NO_SOURCE", buildspec: { version: 0.2 } });
expectTypeOf<LogRetentionDays>().toMatchTypeOf<number>();
expectTypeOf<ProjectConfig["properties"]>().toEqualTypeOf<RawProperties | undefined>();

// Wrong keys.
// @ts-expect-error -- unknown key (a typo of githubUrl)
defineProject({ githubURL: "https://github.com/acme/api" });
// @ts-expect-error -- cody's Ruby name is not a key here
defineProject({ environment_variables: {} });
// @ts-expect-error -- unknown key inside linuxEnvironment
defineProject({ linuxEnvironment: { privilegedMode: true } });
// @ts-expect-error -- unknown key inside triggers
defineProject({ triggers: { webhooks: true } });
// @ts-expect-error -- unknown key in a webhook filter
defineProject({ triggers: { filterGroups: [[{ type: "EVENT", pattern: "PUSH", exclude: true }]] } });
// @ts-expect-error -- a filter needs a pattern
defineProject({ triggers: { filterGroups: [[{ type: "EVENT" }]] } });
// @ts-expect-error -- vpcConfig needs securityGroupIds
defineProject({ vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-1"] } });

// Wrong enum values.
// @ts-expect-error -- not a compute type
defineProject({ computeType: "BUILD_GENERAL1_HUGE" });
// @ts-expect-error -- not an environment type
defineProject({ linuxEnvironment: { type: "LINUX" } });
// @ts-expect-error -- not an image pull credentials type
defineProject({ linuxEnvironment: { imagePullCredentialsType: "ECR" } });
// @ts-expect-error -- not a source type
defineProject({ gitProvider: "GITEA" });
// @ts-expect-error -- not a cache mode
defineProject({ localCache: ["LOCAL_NPM_CACHE"] });
// @ts-expect-error -- not a webhook filter type
defineProject({ triggers: { filterGroups: [[{ type: "BRANCH", pattern: "main" }]] } });
// @ts-expect-error -- not a webhook build type
defineProject({ triggers: { buildType: "BATCH_BUILD" } });
// @ts-expect-error -- CloudWatch Logs has no 2-day retention
defineProject({ logRetentionDays: 2 });
// @ts-expect-error -- not a buildspec version
defineProject({ buildspec: { version: 0.3 } });
// The same mistakes are caught in the function form.
// @ts-expect-error -- not a compute type
defineProject(() => ({ computeType: "BUILD_GENERAL1_HUGE" }));
// @ts-expect-error -- not a source type
defineProject(({ env }) => ({ gitProvider: env === "x" ? "GITHUB" : "GITEA" }));

// Wrong types.
// @ts-expect-error -- minutes are a number
defineProject({ timeoutInMinutes: "20" });
// @ts-expect-error -- privileged is a boolean
defineProject({ privileged: "yes" });
// @ts-expect-error -- tags are strings
defineProject({ tags: { replicas: 3 } });
// @ts-expect-error -- subnets are a list
defineProject({ vpcConfig: { vpcId: "vpc-1", subnets: "subnet-1", securityGroupIds: ["sg-1"] } });
// @ts-expect-error -- an inline buildspec needs a version
defineProject({ buildspec: { phases: { build: { commands: ["make"] } } } });
// @ts-expect-error -- filter groups are a list of lists
defineProject({ triggers: { filterGroups: [{ type: "EVENT", pattern: "PUSH" }] } });
// @ts-expect-error -- the DSL takes an object or a function, not a string
defineProject("https://github.com/acme/api");

// ---------------------------------------------------------------------------------------------------
// RoleConfig and PolicyStatement.

defineRole({
  iamPolicy: [
    "s3",
    "s3:GetObject",
    { action: "s3:GetObject", resource: "arn:aws:s3:::bucket/*" },
    { sid: "Deny", effect: "Deny", notAction: ["iam:*"], notResource: "*", condition: { Bool: { "aws:SecureTransport": "false" } } },
    { action: ["ssm:GetParameters"], resource: { "Fn::Sub": "arn:${AWS::Partition}:ssm:::parameter/x" } },
  ],
  replaceDefaults: true,
  managedIamPolicy: ["AmazonS3ReadOnlyAccess", "arn:aws:iam::123456789012:policy/custom"],
  permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
  properties: { MaxSessionDuration: 7200 },
});
expectTypeOf<PolicyStatement["effect"]>().toEqualTypeOf<"Allow" | "Deny" | undefined>();
// IAM's own keys, and whole policy documents (pasted, or imported from JSON with Effect typed string).
defineRole({
  iamPolicy: [
    { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::bucket/*", Condition: { Bool: { "aws:SecureTransport": "true" } } },
    { Effect: "Deny", NotAction: "iam:*", NotResource: ["*"] },
    { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }] },
    { Statement: { Effect: "Allow", Action: "sqs:SendMessage", Resource: { "Fn::Sub": "arn:${AWS::Partition}:sqs:::q" } } },
  ],
});
declare const imported: { Version: string; Statement: { Sid: string; Effect: string; Action: string[]; Resource: string }[] };
defineRole({ iamPolicy: [imported] });
expectTypeOf<IamPolicyStatement["Effect"]>().toEqualTypeOf<"Allow" | "Deny" | undefined>();
expectTypeOf<PolicyDocument>().toMatchTypeOf<IamPolicyEntry>();
expectTypeOf<"s3:GetObject">().toMatchTypeOf<IamPolicyEntry>();
// @ts-expect-error -- unknown role key
defineRole({ policies: [] });
// @ts-expect-error -- one spelling per statement: Action (IAM's) with resource (camelCase)
defineRole({ iamPolicy: [{ Action: "s3:*", resource: "*" }] });
// @ts-expect-error -- the same key twice in two spellings
defineRole({ iamPolicy: [{ effect: "Allow", Effect: "Allow", action: "s3:*", resource: "*" }] });
// @ts-expect-error -- Effect in IAM's keys is Allow or Deny too
defineRole({ iamPolicy: [{ Effect: "allow", Action: "s3:*", Resource: "*" }] });
// @ts-expect-error -- a resource is an ARN string (or an intrinsic), not a number
defineRole({ iamPolicy: [{ Action: "s3:GetObject", Resource: 42 }] });
// @ts-expect-error -- a document needs Statement
defineRole({ iamPolicy: [{ Version: "2012-10-17" }] });
// @ts-expect-error -- effect is Allow or Deny
defineRole({ iamPolicy: [{ effect: "allow", action: "s3:*", resource: "*" }] });
// @ts-expect-error -- managedIamPolicy is a list
defineRole({ managedIamPolicy: "AmazonS3ReadOnlyAccess" });
// @ts-expect-error -- replaceDefaults is a boolean
defineRole({ replaceDefaults: "yes" });
// @ts-expect-error -- a statement is not a number
defineRole({ iamPolicy: [42] });

// ---------------------------------------------------------------------------------------------------
// ScheduleConfig.

defineSchedule({ cron: "0 10 * * ? *", description: "daily", enabled: false, engine: "rule", properties: { EventBusName: "default" } });
defineSchedule({ engine: "scheduler", at: "2030-01-01T10:00:00", timezone: "Europe/Paris" });
defineSchedule({ rate: "5 minutes", input: { sourceVersion: "main", environmentVariables: { A: "1", B: secret("s") } } });
expectTypeOf<ScheduleConfig["input"]>().toEqualTypeOf<ScheduleInput | undefined>();
// @ts-expect-error -- not an engine
defineSchedule({ engine: "cron" });
// @ts-expect-error -- enabled is a boolean
defineSchedule({ rate: "1 day", enabled: "true" });
// @ts-expect-error -- unknown key (timezone is spelled in lower case)
defineSchedule({ rate: "1 day", timeZone: "UTC" });
// @ts-expect-error -- unknown key inside input
defineSchedule({ rate: "1 day", input: { branch: "main" } });
// @ts-expect-error -- a rate is a string such as "1 day"
defineSchedule({ rate: 1 });

// ---------------------------------------------------------------------------------------------------
// Settings.

defineSettings({
  stackNaming: { appendEnv: true, suffix: false },
  envs: { production: { awsProfile: "prod", region: "eu-west-1" } },
});
defineSettings({ stackNaming: { suffix: "ci" } });
defineSettings({ permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary" });
expectTypeOf<Settings["permissionsBoundary"]>().toEqualTypeOf<string | undefined>();
// @ts-expect-error -- the boundary is one ARN, not a list
defineSettings({ permissionsBoundary: ["arn:aws:iam::123456789012:policy/boundary"] });
expectTypeOf<Settings["envs"]>().toEqualTypeOf<Record<string, EnvSettings> | undefined>();
// @ts-expect-error -- the suffix is a string or false
defineSettings({ stackNaming: { suffix: true } });
// @ts-expect-error -- unknown key in stackNaming
defineSettings({ stackNaming: { prefix: "x" } });
// @ts-expect-error -- unknown key in an env
defineSettings({ envs: { production: { profile: "prod" } } });
// @ts-expect-error -- an env's settings are an object
defineSettings({ envs: { production: "prod" } });

// ---------------------------------------------------------------------------------------------------
// The exported names are the DSL's own types.

expectTypeOf<LinuxEnvironment["computeType"]>().toEqualTypeOf<ComputeType | undefined>();
expectTypeOf<LinuxEnvironment["type"]>().toEqualTypeOf<EnvironmentType | undefined>();
expectTypeOf<LinuxEnvironment["imagePullCredentialsType"]>().toEqualTypeOf<ImagePullCredentialsType | undefined>();
expectTypeOf<ProjectConfig["gitProvider"]>().toEqualTypeOf<SourceType | undefined>();
expectTypeOf<ProjectConfig["localCache"]>().toEqualTypeOf<boolean | CacheMode[] | undefined>();
expectTypeOf<ProjectConfig["triggers"]>().toEqualTypeOf<Triggers | undefined>();
expectTypeOf<ProjectConfig["vpcConfig"]>().toEqualTypeOf<VpcConfig | undefined>();
expectTypeOf<ProjectConfig["buildspec"]>().toEqualTypeOf<string | Buildspec | undefined>();
expectTypeOf<Triggers["buildType"]>().toEqualTypeOf<WebhookBuildType | undefined>();
expectTypeOf<WebhookFilter["type"]>().toEqualTypeOf<WebhookFilterType>();
expectTypeOf<"BUILD_GENERAL1_SMALL">().toMatchTypeOf<ComputeType>();
expectTypeOf<"LINUX_LAMBDA_CONTAINER">().toMatchTypeOf<EnvironmentType>();
expectTypeOf<"LOCAL_DOCKER_LAYER_CACHE">().toMatchTypeOf<CacheMode>();
expectTypeOf<"NO_SOURCE">().toMatchTypeOf<SourceType>();
