// Types of the codybuild DSL for your editor, written by `cody init`.
// `cody init` refreshes this file after an upgrade (it is cody's own: edits are lost), or install codybuild as a dev dependency and delete it.
declare module "codybuild" {
  const ComputeTypeValues: readonly [
  	"ATTRIBUTE_BASED_COMPUTE",
  	"BUILD_GENERAL1_2XLARGE",
  	"BUILD_GENERAL1_LARGE",
  	"BUILD_GENERAL1_MEDIUM",
  	"BUILD_GENERAL1_SMALL",
  	"BUILD_GENERAL1_XLARGE",
  	"BUILD_LAMBDA_10GB",
  	"BUILD_LAMBDA_1GB",
  	"BUILD_LAMBDA_2GB",
  	"BUILD_LAMBDA_4GB",
  	"BUILD_LAMBDA_8GB",
  	"CUSTOM_INSTANCE_TYPE"
  ];
  export type ComputeType = (typeof ComputeTypeValues)[number];
  const EnvironmentTypeValues: readonly [
  	"ARM_CONTAINER",
  	"ARM_EC2",
  	"ARM_LAMBDA_CONTAINER",
  	"LINUX_CONTAINER",
  	"LINUX_EC2",
  	"LINUX_GPU_CONTAINER",
  	"LINUX_LAMBDA_CONTAINER",
  	"MAC_ARM",
  	"WINDOWS_CONTAINER",
  	"WINDOWS_EC2",
  	"WINDOWS_SERVER_2019_CONTAINER",
  	"WINDOWS_SERVER_2022_CONTAINER"
  ];
  export type EnvironmentType = (typeof EnvironmentTypeValues)[number];
  const SourceTypeValues: readonly [
  	"BITBUCKET",
  	"CODECOMMIT",
  	"CODEPIPELINE",
  	"GITHUB",
  	"GITHUB_ENTERPRISE",
  	"GITLAB",
  	"GITLAB_SELF_MANAGED",
  	"NO_SOURCE",
  	"S3"
  ];
  export type SourceType = (typeof SourceTypeValues)[number];
  const ImagePullCredentialsTypeValues: readonly [
  	"CODEBUILD",
  	"SERVICE_ROLE"
  ];
  export type ImagePullCredentialsType = (typeof ImagePullCredentialsTypeValues)[number];
  const CacheModeValues: readonly [
  	"LOCAL_CUSTOM_CACHE",
  	"LOCAL_DOCKER_LAYER_CACHE",
  	"LOCAL_SOURCE_CACHE"
  ];
  export type CacheMode = (typeof CacheModeValues)[number];
  const WebhookFilterTypeValues: readonly [
  	"ACTOR_ACCOUNT_ID",
  	"BASE_REF",
  	"COMMIT_MESSAGE",
  	"EVENT",
  	"FILE_PATH",
  	"HEAD_REF",
  	"ORGANIZATION_NAME",
  	"RELEASE_NAME",
  	"REPOSITORY_NAME",
  	"TAG_NAME",
  	"WORKFLOW_NAME"
  ];
  export type WebhookFilterType = (typeof WebhookFilterTypeValues)[number];
  const WebhookBuildTypeValues: readonly [
  	"BUILD",
  	"BUILD_BATCH",
  	"RUNNER_BUILDKITE_BUILD"
  ];
  export type WebhookBuildType = (typeof WebhookBuildTypeValues)[number];
  /** Plain data handed to `vars`: whatever the variables files export, deep-merged. */
  export type Vars = Record<string, any>;
  /** What a DSL function receives. */
  export interface CodyContext {
  	/** The project name: the positional argument, else the folder name. */
  	projectName: string;
  	/** `[project, type, env (with stackNaming.appendEnv), CODY_EXTRA]` joined by `-`: the CodeBuild project name. */
  	fullProjectName: string;
  	/** `--env`, `CODY_ENV`, the settings env bound to `AWS_PROFILE`, or `development`. */
  	env: string;
  	/** `--type`, when given. */
  	type?: string;
  	/** The merged variables files. */
  	vars: Vars;
  	/** The region, when known without calling AWS (`--region`, settings, `AWS_REGION`, `AWS_DEFAULT_REGION`). */
  	region?: string;
  	/** The account, when known without calling AWS (`AWS_ACCOUNT_ID`). */
  	account?: string;
  }
  /** A DSL file exports a value or a function of the context returning one. */
  export type Definable<T> = T | ((ctx: CodyContext) => T);
  /** A secret reference: resolved by CodeBuild at build time, never by cody. Made by `ssm()` and `secret()`. */
  export interface SecretRef {
  	readonly type: "PARAMETER_STORE" | "SECRETS_MANAGER";
  	/** Parameter name (`/api/key`) or secret id with optional JSON key (`prod/db:password`). */
  	readonly value: string;
  }
  /** A value of `environmentVariables`: plain text, `"ssm:/path"`, or `ssm()` / `secret()`. */
  export type EnvironmentValue = string | number | boolean | SecretRef;
  /** Raw CloudFormation properties (PascalCase), deep-merged over what cody generated. */
  export type RawProperties = Record<string, unknown>;
  export interface LinuxEnvironment {
  	/** @default "aws/codebuild/standard:7.0" */
  	image?: string;
  	/** @default "BUILD_GENERAL1_SMALL" */
  	computeType?: ComputeType;
  	/** @default "LINUX_CONTAINER" */
  	type?: EnvironmentType;
  	/** Docker-in-Docker. @default false */
  	privileged?: boolean;
  	/** @default "CODEBUILD" for `aws/codebuild/*` images, else "SERVICE_ROLE" */
  	imagePullCredentialsType?: ImagePullCredentialsType;
  	/** S3 location of a PEM certificate to install in the build image: `arn:aws:s3:::bucket/key` or `bucket/key`, not a local path. */
  	certificate?: string;
  }
  export interface WebhookFilter {
  	type: WebhookFilterType;
  	pattern: string;
  	excludeMatchedPattern?: boolean;
  }
  export interface Triggers {
  	/** Create a source webhook (the token needs `admin:repo_hook` on GitHub). */
  	webhook?: boolean;
  	buildType?: WebhookBuildType;
  	/** Groups are OR-ed; the filters of one group are AND-ed. */
  	filterGroups?: WebhookFilter[][];
  }
  export interface VpcConfig {
  	vpcId: string;
  	subnets: string[];
  	securityGroupIds: string[];
  }
  /** A CloudFormation intrinsic, resolved by CloudFormation: `{ "Fn::Sub": "arn:${AWS::Partition}:..." }`, `{ Ref: "..." }`. */
  export type CfnIntrinsic = {
  	Ref: string;
  } | {
  	[fn: `Fn::${string}`]: unknown;
  };
  /** A resource of a statement: an ARN (wildcards allowed), `"*"`, or an intrinsic that makes one. */
  export type ResourceArn = string | CfnIntrinsic;
  /** A statement's condition: `{ StringEquals: { "aws:RequestedRegion": "us-east-1" } }`. */
  export type PolicyCondition = Record<string, Record<string, unknown>>;
  export interface CamelStatementKeys {
  	sid?: string;
  	/** @default "Allow" */
  	effect?: "Allow" | "Deny";
  	action?: string | string[];
  	notAction?: string | string[];
  	resource?: ResourceArn | ResourceArn[];
  	notResource?: ResourceArn | ResourceArn[];
  	condition?: PolicyCondition;
  }
  export interface PascalStatementKeys {
  	Sid?: string;
  	/** @default "Allow" */
  	Effect?: "Allow" | "Deny";
  	Action?: string | string[];
  	NotAction?: string | string[];
  	Resource?: ResourceArn | ResourceArn[];
  	NotResource?: ResourceArn | ResourceArn[];
  	Condition?: PolicyCondition;
  }
  export type Never<T> = {
  	[K in keyof T]?: never;
  };
  /** An IAM statement written camelCase (cody's DSL); it is emitted in IAM's own PascalCase. One spelling per statement. */
  export type PolicyStatement = CamelStatementKeys & Never<PascalStatementKeys>;
  /** An IAM statement written with IAM's own keys, as in AWS's documents, Ruby cody and CDK's `PolicyStatement.fromJson`. */
  export type IamPolicyStatement = PascalStatementKeys & Never<CamelStatementKeys>;
  /**
   * A whole policy document (e.g. `import policy from "./policy.json"`): its statements are appended. `Effect`
   * is typed `string` here because a JSON import is; cody checks it is exactly "Allow" or "Deny".
   */
  export interface PolicyDocument {
  	Version?: string;
  	Id?: string;
  	Statement: PolicyDocumentStatement | readonly PolicyDocumentStatement[];
  }
  export interface PolicyDocumentStatement {
  	Sid?: string;
  	Effect?: string;
  	Action?: string | readonly string[];
  	NotAction?: string | readonly string[];
  	Resource?: ResourceArn | readonly ResourceArn[];
  	NotResource?: ResourceArn | readonly ResourceArn[];
  	Condition?: PolicyCondition;
  }
  /** An entry of `iamPolicy`. */
  export type IamPolicyEntry = string | PolicyStatement | IamPolicyStatement | PolicyDocument;
  export interface RoleConfig {
  	/**
  	 * Statements (camelCase or IAM's PascalCase), whole policy documents, or service shorthands: `"s3"`
  	 * (→ `s3:*` on `*`) or an action `"s3:GetObject"` (on `*`). Appended to the defaults.
  	 */
  	iamPolicy?: IamPolicyEntry[];
  	/** With `true`, `iamPolicy` replaces the default statements (logs, referenced parameters and secrets). @default false */
  	replaceDefaults?: boolean;
  	/** AWS managed policy names (`"AmazonS3ReadOnlyAccess"`) or full policy ARNs. */
  	managedIamPolicy?: string[];
  	/** ARN of a permissions boundary for the generated role (settings' `permissionsBoundary`, when set, must agree). */
  	permissionsBoundary?: string;
  	/** Raw `AWS::IAM::Role` properties, deep-merged last; `Policies` are added next to cody's own policy. */
  	properties?: RawProperties;
  }
  export interface ScheduleInput {
  	/** Environment variable overrides for scheduled builds. */
  	environmentVariables?: Record<string, EnvironmentValue>;
  	/** Branch, tag or commit the scheduled build uses. */
  	sourceVersion?: string;
  }
  /** A value to match in an event pattern: a list of values or matchers, or (under `detail`) nested fields. */
  export type EventPatternValue = readonly unknown[] | {
  	readonly [field: string]: EventPatternValue;
  };
  /** An EventBridge event pattern; the event's own fields go under `detail`. */
  export interface EventPattern {
  	source?: readonly unknown[];
  	"detail-type"?: readonly unknown[];
  	detail?: {
  		readonly [field: string]: EventPatternValue;
  	};
  	account?: readonly unknown[];
  	region?: readonly unknown[];
  	resources?: readonly unknown[];
  	time?: readonly unknown[];
  	id?: readonly unknown[];
  	version?: readonly unknown[];
  	$or?: readonly EventPattern[];
  }
  export interface ScheduleConfig {
  	/** `"1 day"`, `"5 minutes"`: EventBridge `rate()`. Exactly one of `rate`, `cron`, `eventPattern` (or `at` with the scheduler engine). */
  	rate?: string;
  	/** Six EventBridge fields: `"0 10 * * ? *"`. */
  	cron?: string;
  	/** One-time schedule `"2026-12-01T10:00:00"` (scheduler engine only). */
  	at?: string;
  	/** Start a build on matching events instead of a time (`engine: "rule"` only), e.g. an ECR image push. */
  	eventPattern?: EventPattern;
  	description?: string;
  	/** @default true */
  	enabled?: boolean;
  	input?: ScheduleInput;
  	/** `"rule"`: AWS::Events::Rule (cody's). `"scheduler"`: AWS::Scheduler::Schedule, with time zones. @default "rule" */
  	engine?: "rule" | "scheduler";
  	/** IANA time zone, scheduler engine only. @default "UTC" */
  	timezone?: string;
  	/** Raw properties of the rule or schedule, deep-merged last. */
  	properties?: RawProperties;
  }
  /** A buildspec written inline (emitted as YAML), see the CodeBuild buildspec reference. */
  export interface Buildspec {
  	version: 0.2 | "0.2" | 0.1 | "0.1";
  	[key: string]: unknown;
  }
  export type LogRetentionDays = 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731 | 1096 | 1827 | 2192 | 2557 | 2922 | 3288 | 3653;
  export interface ProjectConfig {
  	/** Repository URL; the source type is inferred from it (GitHub, Bitbucket, CodeCommit, GitLab, S3). */
  	githubUrl?: string;
  	/** Source type when it cannot be inferred (GitHub Enterprise, self-managed GitLab) or `"NO_SOURCE"`. */
  	gitProvider?: SourceType;
  	/** Default branch, tag or commit. Same as `sourceVersion`. */
  	gitBranch?: string;
  	sourceVersion?: string;
  	/** A path in the repository, or an inline buildspec. @default ".cody/[type/]buildspec.yml" */
  	buildspec?: string | Buildspec;
  	/** @default "aws/codebuild/standard:7.0" */
  	linuxImage?: string;
  	linuxEnvironment?: LinuxEnvironment;
  	/** @default "BUILD_GENERAL1_SMALL" */
  	computeType?: ComputeType;
  	/** @default false */
  	privileged?: boolean;
  	environmentVariables?: Record<string, EnvironmentValue>;
  	/** `true`: all local cache modes; or the modes to use; `false`: no cache. */
  	localCache?: boolean | CacheMode[];
  	triggers?: Triggers;
  	/** Run builds in a VPC; the generated role gets the network-interface permissions this needs. */
  	vpcConfig?: VpcConfig;
  	/** 5–2160. @default 20 */
  	timeoutInMinutes?: number;
  	/** 5–480. */
  	queuedTimeoutInMinutes?: number;
  	/** Build badge; on by default for sources that support it. */
  	badge?: boolean;
  	/** Up to 255 characters. */
  	description?: string;
  	tags?: Record<string, string>;
  	/** ARN of an existing role to use instead of the generated one. */
  	serviceRole?: string;
  	/** Manage the `/aws/codebuild/<project>` log group in the stack, with this retention. */
  	logRetentionDays?: LogRetentionDays;
  	/**
  	 * Keep that log group (and its logs) when the stack is deleted or the group replaced
  	 * (`DeletionPolicy`/`UpdateReplacePolicy: Retain`); `false` deletes them with the stack. @default true
  	 */
  	retainLogGroup?: boolean;
  	/** The role, inline (or in `.cody/role.ts`). */
  	role?: RoleConfig;
  	/** A schedule, inline (or in `.cody/schedule.ts`). */
  	schedule?: ScheduleConfig;
  	/** Raw `AWS::CodeBuild::Project` properties, deep-merged last. */
  	properties?: RawProperties;
  }
  export interface EnvSettings {
  	/** Use this env when `AWS_PROFILE` equals it, and use this profile for the env. */
  	awsProfile?: string;
  	region?: string;
  }
  export interface Settings {
  	/** When `cody deploy` asks before executing: `never`, `any-change`, or `broadening` (IAM widened). @default "broadening" */
  	requireApproval?: "never" | "any-change" | "broadening";
  	stackNaming?: {
  		/** Add the env to project and stack names. @default false */
  		appendEnv?: boolean;
  		/** Stack name suffix; `false` for none. @default "cody" */
  		suffix?: string | false;
  	};
  	/** Per-env bindings, e.g. `{ production: { awsProfile: "prod", region: "eu-west-1" } }`. */
  	envs?: Record<string, EnvSettings>;
  	/**
  	 * ARN of a managed policy put as the permissions boundary on every role cody generates (the build role
  	 * and the schedule's role); `cody policy` then lets the deployer create roles only with it. May use
  	 * `${AWS::Partition}` and `${AWS::AccountId}` (resolved by CloudFormation).
  	 */
  	permissionsBoundary?: string;
  	/**
  	 * ARN of a CloudFormation service role (`--role-arn`'s default): CloudFormation makes the stack's resource
  	 * calls with it, so the deployer needs only the stack calls and `iam:PassRole` on it. A literal ARN.
  	 */
  	roleArn?: string;
  	/** Tags on the stack beside cody's `cody:*` ones; CloudFormation copies them to the project and roles. */
  	stackTags?: Record<string, string>;
  	/**
  	 * The stack's termination protection, set after each successful `cody deploy`: `true` on, `false` off.
  	 * Unset leaves it as it is. `cody delete` refuses a protected stack. @default undefined
  	 */
  	terminationProtection?: boolean;
  	/** Where `cody deploy --stack-set` rolls the stack out with CloudFormation StackSets (docs/scale.md). */
  	stackSet?: StackSetSettings;
  	/**
  	 * Deploy the same stack to each of these regions at once (optionally each with its own AWS profile):
  	 * `cody deploy`, diff, delete, policy and preflight then work on every target (docs/scale.md).
  	 */
  	targets?: Array<{
  		region: string;
  		profile?: string;
  	}>;
  }
  export interface StackSetSettings {
  	/** Regions of the stack instances, e.g. `["us-east-1", "eu-west-1"]`. */
  	regions: string[];
  	/** SELF_MANAGED: target account ids. @default the deploying account */
  	accounts?: string[];
  	/** SERVICE_MANAGED: organizational unit (or root) ids; every account in them gets an instance. */
  	organizationalUnits?: string[];
  	/** Your own administration and execution roles, or AWS Organizations' (SERVICE_MANAGED). @default "SELF_MANAGED" */
  	permissionModel?: "SELF_MANAGED" | "SERVICE_MANAGED";
  	/** Percentage of targets deployed at once (0–100). @default StackSets' (one at a time) */
  	maxConcurrentPercentage?: number;
  	/** Percentage of targets that may fail before StackSets stops the operation (0–100). @default 0 */
  	failureTolerancePercentage?: number;
  	/** SELF_MANAGED: the administration role. @default arn:aws:iam::<account>:role/AWSCloudFormationStackSetAdministrationRole */
  	administrationRoleArn?: string;
  	/** SELF_MANAGED: the role each target account has for StackSets. @default "AWSCloudFormationStackSetExecutionRole" */
  	executionRoleName?: string;
  }
  export function defineProject(config: Definable<ProjectConfig>): Definable<ProjectConfig>;
  export function defineRole(config: Definable<RoleConfig>): Definable<RoleConfig>;
  export function defineSchedule(config: Definable<ScheduleConfig>): Definable<ScheduleConfig>;
  export function defineSettings(settings: Settings | (() => Settings)): Settings | (() => Settings);
  /** A Parameter Store parameter, read by CodeBuild when a build starts (never by cody). */
  export function ssm(name: string): SecretRef;
  /** A Secrets Manager secret (`id`, `id:json-key`, or a full reference), read by CodeBuild when a build starts. */
  export function secret(id: string): SecretRef;
}
