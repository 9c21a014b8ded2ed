// The one place that builds AWS SDK clients. The SDK is imported here, lazily, so commands that
// never call AWS (--help, synth, init, policy) never load it. Engine code sees narrow interfaces.
import type {
  CloudFormationClient,
  ContinueUpdateRollbackCommandInput,
  CreateChangeSetCommandInput,
  CreateChangeSetCommandOutput,
  DeleteChangeSetCommandInput,
  DeleteStackCommandInput,
  DescribeChangeSetCommandInput,
  DescribeChangeSetCommandOutput,
  DescribeStackEventsCommandInput,
  DescribeStackEventsCommandOutput,
  DescribeStackResourcesCommandInput,
  DescribeStackResourcesCommandOutput,
  DescribeStacksCommandInput,
  DescribeStacksCommandOutput,
  DescribeStackDriftDetectionStatusCommandInput,
  DescribeStackDriftDetectionStatusCommandOutput,
  DescribeStackResourceDriftsCommandInput,
  DescribeStackResourceDriftsCommandOutput,
  DetectStackDriftCommandInput,
  DetectStackDriftCommandOutput,
  ExecuteChangeSetCommandInput,
  GetTemplateCommandInput,
  GetTemplateCommandOutput,
} from "@aws-sdk/client-cloudformation";
import type {
  BatchGetBuildsCommandInput,
  BatchGetBuildsCommandOutput,
  BatchGetProjectsCommandInput,
  BatchGetProjectsCommandOutput,
  ListBuildsCommandInput,
  ListBuildsCommandOutput,
  ListBuildsForProjectCommandInput,
  ListBuildsForProjectCommandOutput,
  ListProjectsCommandInput,
  ListProjectsCommandOutput,
  StartBuildCommandInput,
  StartBuildCommandOutput,
  StopBuildCommandInput,
  StopBuildCommandOutput,
} from "@aws-sdk/client-codebuild";
import type {
  FilterLogEventsCommandInput,
  FilterLogEventsCommandOutput,
  GetLogEventsCommandInput,
  GetLogEventsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import type { GetCallerIdentityCommandOutput } from "@aws-sdk/client-sts";
import type {
  GetRoleCommandInput,
  GetRoleCommandOutput,
  SimulatePrincipalPolicyCommandInput,
  SimulatePrincipalPolicyCommandOutput,
} from "@aws-sdk/client-iam";
import type { ReferenceApi } from "../review/references";
import { toCodyError } from "./errors";

export interface AwsOptions {
  profile?: string;
  region?: string;
}

/** The CloudFormation calls cody makes; nothing else is reachable from engine code. */
export interface CfnApi {
  describeStacks(input: DescribeStacksCommandInput): Promise<DescribeStacksCommandOutput>;
  describeStackEvents(input: DescribeStackEventsCommandInput): Promise<DescribeStackEventsCommandOutput>;
  getTemplate(input: GetTemplateCommandInput): Promise<GetTemplateCommandOutput>;
  createChangeSet(input: CreateChangeSetCommandInput): Promise<CreateChangeSetCommandOutput>;
  describeChangeSet(input: DescribeChangeSetCommandInput): Promise<DescribeChangeSetCommandOutput>;
  executeChangeSet(input: ExecuteChangeSetCommandInput): Promise<unknown>;
  deleteChangeSet(input: DeleteChangeSetCommandInput): Promise<unknown>;
  deleteStack(input: DeleteStackCommandInput): Promise<unknown>;
  continueUpdateRollback(input: ContinueUpdateRollbackCommandInput): Promise<unknown>;
  /** Finds a project through its stack (the `CodeBuild` resource's physical id). */
  describeStackResources(input: DescribeStackResourcesCommandInput): Promise<DescribeStackResourcesCommandOutput>;
  /** The region the client resolved, for console links and messages. */
  region(): Promise<string>;
}

function clientConfig(options: AwsOptions) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    // Adaptive retries back off on throttling instead of failing a long deploy.
    retryMode: "adaptive" as const,
    maxAttempts: 8,
  };
}

/** Wraps each call so SDK errors become CodyErrors with the action named (and the profile, to check it exists). */
function guard<T extends object>(service: string, target: T, options: AwsOptions): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        try {
          return await value.apply(obj, args);
        } catch (error) {
          const action = `${service}:${String(key).charAt(0).toUpperCase()}${String(key).slice(1)}`;
          throw toCodyError(error, action, options.profile ? { profile: options.profile } : {});
        }
      };
    },
  });
}

/** The SDK warns on Node 20 about its future support window; that is not the user's business. */
function quietSdk(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

export async function createCloudFormation(options: AwsOptions): Promise<CfnApi> {
  quietSdk();
  const sdk = await import("@aws-sdk/client-cloudformation");
  const client: CloudFormationClient = new sdk.CloudFormationClient(clientConfig(options));
  const api: CfnApi = {
    describeStacks: (i) => client.send(new sdk.DescribeStacksCommand(i)),
    describeStackEvents: (i) => client.send(new sdk.DescribeStackEventsCommand(i)),
    getTemplate: (i) => client.send(new sdk.GetTemplateCommand(i)),
    createChangeSet: (i) => client.send(new sdk.CreateChangeSetCommand(i)),
    describeChangeSet: (i) => client.send(new sdk.DescribeChangeSetCommand(i)),
    executeChangeSet: (i) => client.send(new sdk.ExecuteChangeSetCommand(i)),
    deleteChangeSet: (i) => client.send(new sdk.DeleteChangeSetCommand(i)),
    deleteStack: (i) => client.send(new sdk.DeleteStackCommand(i)),
    continueUpdateRollback: (i) => client.send(new sdk.ContinueUpdateRollbackCommand(i)),
    describeStackResources: (i) => client.send(new sdk.DescribeStackResourcesCommand(i)),
    region: () => client.config.region(),
  };
  return guard("cloudformation", api, options);
}

/** The CodeBuild calls of start, status, stop, list and badge. */
export interface CodeBuildApi {
  startBuild(input: StartBuildCommandInput): Promise<StartBuildCommandOutput>;
  stopBuild(input: StopBuildCommandInput): Promise<StopBuildCommandOutput>;
  batchGetBuilds(input: BatchGetBuildsCommandInput): Promise<BatchGetBuildsCommandOutput>;
  batchGetProjects(input: BatchGetProjectsCommandInput): Promise<BatchGetProjectsCommandOutput>;
  listBuildsForProject(input: ListBuildsForProjectCommandInput): Promise<ListBuildsForProjectCommandOutput>;
  listProjects(input: ListProjectsCommandInput): Promise<ListProjectsCommandOutput>;
  region(): Promise<string>;
  /** Account-wide build ids, newest first: `cody list` finds each project's latest build without N+1 calls. */
  listBuilds(input: ListBuildsCommandInput): Promise<ListBuildsCommandOutput>;
}

export async function createCodeBuild(options: AwsOptions): Promise<CodeBuildApi> {
  quietSdk();
  const sdk = await import("@aws-sdk/client-codebuild");
  const client = new sdk.CodeBuildClient(clientConfig(options));
  const api: CodeBuildApi = {
    startBuild: (i) => client.send(new sdk.StartBuildCommand(i)),
    stopBuild: (i) => client.send(new sdk.StopBuildCommand(i)),
    batchGetBuilds: (i) => client.send(new sdk.BatchGetBuildsCommand(i)),
    batchGetProjects: (i) => client.send(new sdk.BatchGetProjectsCommand(i)),
    listBuildsForProject: (i) => client.send(new sdk.ListBuildsForProjectCommand(i)),
    listProjects: (i) => client.send(new sdk.ListProjectsCommand(i)),
    region: () => client.config.region(),
    listBuilds: (i) => client.send(new sdk.ListBuildsCommand(i)),
  };
  return guard("codebuild", api, options);
}

/** The CloudWatch Logs calls of logs and start. */
export interface LogsApi {
  getLogEvents(input: GetLogEventsCommandInput): Promise<GetLogEventsCommandOutput>;
  filterLogEvents(input: FilterLogEventsCommandInput): Promise<FilterLogEventsCommandOutput>;
}

export async function createLogs(options: AwsOptions): Promise<LogsApi> {
  quietSdk();
  const sdk = await import("@aws-sdk/client-cloudwatch-logs");
  const client = new sdk.CloudWatchLogsClient(clientConfig(options));
  const api: LogsApi = {
    getLogEvents: (i) => client.send(new sdk.GetLogEventsCommand(i)),
    filterLogEvents: (i) => client.send(new sdk.FilterLogEventsCommand(i)),
  };
  return guard("logs", api, options);
}

/** What preflight asks: who is calling, the real ARN of an assumed role, and the policy simulator. */
export interface IdentityApi {
  getCallerIdentity(): Promise<GetCallerIdentityCommandOutput>;
  getRole(input: GetRoleCommandInput): Promise<GetRoleCommandOutput>;
  simulatePrincipalPolicy(input: SimulatePrincipalPolicyCommandInput): Promise<SimulatePrincipalPolicyCommandOutput>;
}

export async function createIdentity(options: AwsOptions): Promise<IdentityApi> {
  quietSdk();
  const [sts, iam] = await Promise.all([import("@aws-sdk/client-sts"), import("@aws-sdk/client-iam")]);
  // Preflight is advisory: a failing simulator should say so quickly, not after eight retries.
  const config = { ...clientConfig(options), maxAttempts: 2 };
  const stsClient = new sts.STSClient(config);
  const iamClient = new iam.IAMClient(config);
  const identity: Pick<IdentityApi, "getCallerIdentity"> = {
    getCallerIdentity: () => stsClient.send(new sts.GetCallerIdentityCommand({})),
  };
  const roles: Omit<IdentityApi, "getCallerIdentity"> = {
    getRole: (i) => iamClient.send(new iam.GetRoleCommand(i)),
    simulatePrincipalPolicy: (i) => iamClient.send(new iam.SimulatePrincipalPolicyCommand(i)),
  };
  const guardedIdentity = guard("sts", identity, options);
  const guardedRoles = guard("iam", roles, options);
  return {
    getCallerIdentity: () => guardedIdentity.getCallerIdentity(),
    getRole: (i) => guardedRoles.getRole(i),
    simulatePrincipalPolicy: (i) => guardedRoles.simulatePrincipalPolicy(i),
  };
}

/** The drift calls of `cody drift` (CloudFormation compares each resource with the template). */
export interface DriftApi {
  detectStackDrift(input: DetectStackDriftCommandInput): Promise<DetectStackDriftCommandOutput>;
  describeStackDriftDetectionStatus(input: DescribeStackDriftDetectionStatusCommandInput): Promise<DescribeStackDriftDetectionStatusCommandOutput>;
  describeStackResourceDrifts(input: DescribeStackResourceDriftsCommandInput): Promise<DescribeStackResourceDriftsCommandOutput>;
  region(): Promise<string>;
}

export async function createDrift(options: AwsOptions): Promise<DriftApi> {
  quietSdk();
  const sdk = await import("@aws-sdk/client-cloudformation");
  const client = new sdk.CloudFormationClient(clientConfig(options));
  const api: DriftApi = {
    detectStackDrift: (i) => client.send(new sdk.DetectStackDriftCommand(i)),
    describeStackDriftDetectionStatus: (i) => client.send(new sdk.DescribeStackDriftDetectionStatusCommand(i)),
    describeStackResourceDrifts: (i) => client.send(new sdk.DescribeStackResourceDriftsCommand(i)),
    region: () => client.config.region(),
  };
  return guard("cloudformation", api, options);
}

/**
 * The existence checks of the references a template names (src/review/references.ts): metadata reads
 * only. SSM DescribeParameters and Secrets Manager DescribeSecret never return a value.
 */
export async function createReferences(options: AwsOptions): Promise<ReferenceApi> {
  quietSdk();
  const config = clientConfig(options);
  // Each service's SDK loads on its first call: a template with only SSM parameters loads only SSM.
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const ssm = once(async () => {
    const sdk = await import("@aws-sdk/client-ssm");
    const client = new sdk.SSMClient(config);
    return guard("ssm", { describeParameters: (i: Parameters<ReferenceApi["describeParameters"]>[0]) => client.send(new sdk.DescribeParametersCommand(i)) }, options);
  });
  const secrets = once(async () => {
    const sdk = await import("@aws-sdk/client-secrets-manager");
    const client = new sdk.SecretsManagerClient(config);
    return guard("secretsmanager", { describeSecret: (i: Parameters<ReferenceApi["describeSecret"]>[0]) => client.send(new sdk.DescribeSecretCommand(i)) }, options);
  });
  const iam = once(async () => {
    const sdk = await import("@aws-sdk/client-iam");
    const client = new sdk.IAMClient(config);
    return guard(
      "iam",
      {
        getPolicy: (i: Parameters<ReferenceApi["getPolicy"]>[0]) => client.send(new sdk.GetPolicyCommand(i)),
        getRole: (i: Parameters<ReferenceApi["getRole"]>[0]) => client.send(new sdk.GetRoleCommand(i)),
      },
      options,
    );
  });
  return {
    describeParameters: async (i) => (await ssm()).describeParameters(i),
    describeSecret: async (i) => (await secrets()).describeSecret(i),
    getPolicy: async (i) => (await iam()).getPolicy(i),
    getRole: async (i) => (await iam()).getRole(i),
  };
}
