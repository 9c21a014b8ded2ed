// The one place that builds AWS SDK clients. The SDK is imported here, lazily, so commands that
// never call AWS (--help, synth, init, policy) never load it. Engine code sees narrow interfaces.
import type {
  CloudFormationClient,
  ContinueUpdateRollbackCommandInput,
  CreateChangeSetCommandInput,
  CreateChangeSetCommandOutput,
  DeleteChangeSetCommandInput,
  DeleteStackCommandInput,
  UpdateTerminationProtectionCommandInput,
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
  ListChangeSetsCommandInput,
  ListChangeSetsCommandOutput,
} from "@aws-sdk/client-cloudformation";
// StackSets (createStackSets, at the end of this file).
import type {
  DescribeStackSetCommandInput,
  DescribeStackSetCommandOutput,
  CreateStackSetCommandInput,
  CreateStackSetCommandOutput,
  UpdateStackSetCommandInput,
  UpdateStackSetCommandOutput,
  DeleteStackSetCommandInput,
  CreateStackInstancesCommandInput,
  CreateStackInstancesCommandOutput,
  DeleteStackInstancesCommandInput,
  DeleteStackInstancesCommandOutput,
  ListStackInstancesCommandInput,
  ListStackInstancesCommandOutput,
  DescribeStackSetOperationCommandInput,
  DescribeStackSetOperationCommandOutput,
  ListStackSetOperationResultsCommandInput,
  ListStackSetOperationResultsCommandOutput,
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
  GetGroupPolicyCommandInput,
  GetGroupPolicyCommandOutput,
  GetPolicyCommandInput,
  GetPolicyCommandOutput,
  GetPolicyVersionCommandInput,
  GetPolicyVersionCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  GetRolePolicyCommandInput,
  GetRolePolicyCommandOutput,
  GetUserCommandInput,
  GetUserCommandOutput,
  GetUserPolicyCommandInput,
  GetUserPolicyCommandOutput,
  ListAttachedGroupPoliciesCommandInput,
  ListAttachedGroupPoliciesCommandOutput,
  ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput,
  ListAttachedUserPoliciesCommandInput,
  ListAttachedUserPoliciesCommandOutput,
  ListGroupPoliciesCommandInput,
  ListGroupPoliciesCommandOutput,
  ListGroupsForUserCommandInput,
  ListGroupsForUserCommandOutput,
  ListRolePoliciesCommandInput,
  ListRolePoliciesCommandOutput,
  ListUserPoliciesCommandInput,
  ListUserPoliciesCommandOutput,
  SimulatePrincipalPolicyCommandInput,
  SimulatePrincipalPolicyCommandOutput,
} from "@aws-sdk/client-iam";
import { configError, Interrupted } from "../errors";
import type { ReferenceApi } from "../review/references";
import { toCodyError } from "./errors";
import { interruptSignal } from "./interrupt-signal";

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
  /** Finds change sets earlier cody runs left behind, and those of a concurrent run. */
  listChangeSets(input: ListChangeSetsCommandInput): Promise<ListChangeSetsCommandOutput>;
  executeChangeSet(input: ExecuteChangeSetCommandInput): Promise<unknown>;
  deleteChangeSet(input: DeleteChangeSetCommandInput): Promise<unknown>;
  deleteStack(input: DeleteStackCommandInput): Promise<unknown>;
  continueUpdateRollback(input: ContinueUpdateRollbackCommandInput): Promise<unknown>;
  /** settings' terminationProtection, applied after a successful deploy. */
  updateTerminationProtection(input: UpdateTerminationProtectionCommandInput): Promise<unknown>;
  /** Finds a project through its stack (the `CodeBuild` resource's physical id). */
  describeStackResources(input: DescribeStackResourcesCommandInput): Promise<DescribeStackResourcesCommandOutput>;
  /** The region the client resolved, for console links and messages. */
  region(): Promise<string>;
}

/** The SDK's retries for every client (identity ones too): adaptive, so throttling backs off instead of failing a long deploy. */
export const MAX_ATTEMPTS = 8;
const DEFAULT_REQUEST_TIMEOUT_S = 30;
const TIMEOUT_VARIABLE = "CODY_REQUEST_TIMEOUT";

/**
 * How long one request waits for an answer, from CODY_REQUEST_TIMEOUT (seconds, default 30). A bad
 * value is bad input, reported before any call.
 */
export function requestTimeoutMs(environment: Record<string, string | undefined> = process.env): number {
  const raw = environment[TIMEOUT_VARIABLE];
  if (raw === undefined || raw.trim() === "") return DEFAULT_REQUEST_TIMEOUT_S * 1000;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw configError({
      field: TIMEOUT_VARIABLE,
      message: `${TIMEOUT_VARIABLE}="${raw}" is not a number of seconds between 0 and 3600.`,
      fix: `Set it to how long one AWS request may wait for an answer, e.g. ${TIMEOUT_VARIABLE}=30, or unset it (default ${DEFAULT_REQUEST_TIMEOUT_S}).`,
    });
  }
  return Math.round(seconds * 1000);
}

/**
 * The longest one call may take, its retries included: two unanswered requests and their backoff.
 * A held request then ends the command in about a minute (default timeout), never hangs it; answered
 * errors (throttling) retry well within it.
 */
export function callBudgetMs(timeoutMs: number): number {
  return timeoutMs * 2 + Math.min(10_000, timeoutMs);
}

/** Attempts for iam:SimulatePrincipalPolicy, which has a local fallback. */
const SIMULATOR_ATTEMPTS = 2;

export function clientConfig(options: AwsOptions, timeoutMs = requestTimeoutMs()) {
  return {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    retryMode: "adaptive" as const,
    maxAttempts: MAX_ATTEMPTS,
    // Without these a request nobody answers waits forever (the SDK's defaults are 0: no timeout).
    requestHandler: { connectionTimeout: Math.min(timeoutMs, 10_000), requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
}

/** What the SDK client offers that `send` needs: send with an abort signal, and a middleware stack. */
interface SdkClient {
  send(command: never, options: never): Promise<unknown>;
  middlewareStack: { add(middleware: never, options: never): void };
}
type Send = (command: object, options: { abortSignal: AbortSignal }) => Promise<unknown>;
type AddMiddleware = (middleware: unknown, options: { step: "finalizeRequest"; name: string; priority: "low" }) => void;

interface SentRequest {
  protocol?: string;
  hostname?: string;
  port?: number;
}

/**
 * Marks every failed attempt with the endpoint it went to, so messages can name it; returns the
 * last endpoint used, for an abort that lands between attempts (in the retry's backoff).
 */
function recordEndpoint(client: SdkClient): () => string | undefined {
  let last: string | undefined;
  const middleware =
    (next: (args: { request: unknown }) => Promise<unknown>) =>
    async (args: { request: unknown }): Promise<unknown> => {
      try {
        return await next(args);
      } catch (error) {
        const request = args.request as SentRequest;
        if (request.hostname) last = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}`;
        if (error && typeof error === "object" && last) Object.defineProperty(error, "$endpoint", { value: last, configurable: true });
        throw error;
      }
    };
  // Inside the retry loop (finalizeRequest, after the retry middleware), outside the deserializer.
  (client.middlewareStack.add as AddMiddleware).call(client.middlewareStack, middleware, { step: "finalizeRequest", name: "codyEndpoint", priority: "low" });
  return () => last;
}

/**
 * `client.send` bounded twice: by Ctrl-C (the interrupt signal aborts the request in flight) and by
 * the call's budget. Either one becomes a CodyError that says what happened; nothing else changes.
 */
function sender(client: SdkClient, timeoutMs: number): (command: object) => Promise<never> {
  const lastEndpoint = recordEndpoint(client);
  const budgetMs = callBudgetMs(timeoutMs);
  return async (command) => {
    const interrupt = interruptSignal();
    // Not sent at all: nothing can have happened (mayHaveLanded tells the two apart).
    if (interrupt?.aborted) throw Object.assign(new Interrupted(), { notSent: true });
    const budget = AbortSignal.timeout(budgetMs);
    const abortSignal = interrupt ? AbortSignal.any([interrupt, budget]) : budget;
    try {
      return (await (client.send as Send).call(client, command, { abortSignal })) as never;
    } catch (error) {
      if (interrupt?.aborted) throw new Interrupted();
      if (budget.aborted) {
        const endpoint = endpointOf(error) ?? lastEndpoint();
        throw Object.assign(new Error(`no answer within ${budgetMs} ms`), { name: "TimeoutError", $budgetMs: budgetMs, $timeoutMs: timeoutMs, $endpoint: endpoint, cause: error });
      }
      if (error && typeof error === "object" && (error as { name?: string }).name === "TimeoutError") Object.defineProperty(error, "$timeoutMs", { value: timeoutMs });
      throw error;
    }
  };
}

function endpointOf(error: unknown): string | undefined {
  return error && typeof error === "object" ? (error as { $endpoint?: string }).$endpoint : undefined;
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
  const timeoutMs = requestTimeoutMs();
  const client: CloudFormationClient = new sdk.CloudFormationClient(clientConfig(options, timeoutMs));
  const send = sender(client, timeoutMs);
  const api: CfnApi = {
    describeStacks: (i) => send(new sdk.DescribeStacksCommand(i)),
    describeStackEvents: (i) => send(new sdk.DescribeStackEventsCommand(i)),
    getTemplate: (i) => send(new sdk.GetTemplateCommand(i)),
    createChangeSet: (i) => send(new sdk.CreateChangeSetCommand(i)),
    describeChangeSet: (i) => send(new sdk.DescribeChangeSetCommand(i)),
    listChangeSets: (i) => send(new sdk.ListChangeSetsCommand(i)),
    executeChangeSet: (i) => send(new sdk.ExecuteChangeSetCommand(i)),
    deleteChangeSet: (i) => send(new sdk.DeleteChangeSetCommand(i)),
    deleteStack: (i) => send(new sdk.DeleteStackCommand(i)),
    continueUpdateRollback: (i) => send(new sdk.ContinueUpdateRollbackCommand(i)),
    updateTerminationProtection: (i) => send(new sdk.UpdateTerminationProtectionCommand(i)),
    describeStackResources: (i) => send(new sdk.DescribeStackResourcesCommand(i)),
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
  const timeoutMs = requestTimeoutMs();
  const client = new sdk.CodeBuildClient(clientConfig(options, timeoutMs));
  const send = sender(client, timeoutMs);
  const api: CodeBuildApi = {
    startBuild: (i) => send(new sdk.StartBuildCommand(i)),
    stopBuild: (i) => send(new sdk.StopBuildCommand(i)),
    batchGetBuilds: (i) => send(new sdk.BatchGetBuildsCommand(i)),
    batchGetProjects: (i) => send(new sdk.BatchGetProjectsCommand(i)),
    listBuildsForProject: (i) => send(new sdk.ListBuildsForProjectCommand(i)),
    listProjects: (i) => send(new sdk.ListProjectsCommand(i)),
    region: () => client.config.region(),
    listBuilds: (i) => send(new sdk.ListBuildsCommand(i)),
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
  const timeoutMs = requestTimeoutMs();
  const client = new sdk.CloudWatchLogsClient(clientConfig(options, timeoutMs));
  const send = sender(client, timeoutMs);
  const api: LogsApi = {
    getLogEvents: (i) => send(new sdk.GetLogEventsCommand(i)),
    filterLogEvents: (i) => send(new sdk.FilterLogEventsCommand(i)),
  };
  return guard("logs", api, options);
}

/**
 * What preflight asks: who is calling, the real ARN of an assumed role, the policy simulator, and, when
 * the simulator is unavailable or denied, the caller's own policies to evaluate them locally.
 * The list calls return one page; preflight follows `Marker` while `IsTruncated`.
 */
export interface IdentityApi {
  getCallerIdentity(): Promise<GetCallerIdentityCommandOutput>;
  getRole(input: GetRoleCommandInput): Promise<GetRoleCommandOutput>;
  simulatePrincipalPolicy(input: SimulatePrincipalPolicyCommandInput): Promise<SimulatePrincipalPolicyCommandOutput>;
  getUser(input: GetUserCommandInput): Promise<GetUserCommandOutput>;
  listUserPolicies(input: ListUserPoliciesCommandInput): Promise<ListUserPoliciesCommandOutput>;
  getUserPolicy(input: GetUserPolicyCommandInput): Promise<GetUserPolicyCommandOutput>;
  listAttachedUserPolicies(input: ListAttachedUserPoliciesCommandInput): Promise<ListAttachedUserPoliciesCommandOutput>;
  listGroupsForUser(input: ListGroupsForUserCommandInput): Promise<ListGroupsForUserCommandOutput>;
  listGroupPolicies(input: ListGroupPoliciesCommandInput): Promise<ListGroupPoliciesCommandOutput>;
  getGroupPolicy(input: GetGroupPolicyCommandInput): Promise<GetGroupPolicyCommandOutput>;
  listAttachedGroupPolicies(input: ListAttachedGroupPoliciesCommandInput): Promise<ListAttachedGroupPoliciesCommandOutput>;
  listRolePolicies(input: ListRolePoliciesCommandInput): Promise<ListRolePoliciesCommandOutput>;
  getRolePolicy(input: GetRolePolicyCommandInput): Promise<GetRolePolicyCommandOutput>;
  listAttachedRolePolicies(input: ListAttachedRolePoliciesCommandInput): Promise<ListAttachedRolePoliciesCommandOutput>;
  getPolicy(input: GetPolicyCommandInput): Promise<GetPolicyCommandOutput>;
  getPolicyVersion(input: GetPolicyVersionCommandInput): Promise<GetPolicyVersionCommandOutput>;
}

export async function createIdentity(options: AwsOptions): Promise<IdentityApi> {
  quietSdk();
  const [sts, iam] = await Promise.all([import("@aws-sdk/client-sts"), import("@aws-sdk/client-iam")]);
  // The same retries and timeouts as every other client: a throttled or dropped STS call is a blip
  // to retry, not a reason to fail the preflight (it had 2 attempts, and 20 of 780 fault runs failed).
  const timeoutMs = requestTimeoutMs();
  const config = clientConfig(options, timeoutMs);
  const stsClient = new sts.STSClient(config);
  const iamClient = new iam.IAMClient(config);
  const stsSend = sender(stsClient, timeoutMs);
  const iamSend = sender(iamClient, timeoutMs);
  // The simulator alone gets few attempts: when it fails, preflight evaluates the caller's policies
  // itself, so retrying an endpoint without a simulator (moto's HTML 500) only delays every deploy.
  const simulatorSend = sender(new iam.IAMClient({ ...config, maxAttempts: SIMULATOR_ATTEMPTS }), timeoutMs);
  const identity: Pick<IdentityApi, "getCallerIdentity"> = {
    getCallerIdentity: () => stsSend(new sts.GetCallerIdentityCommand({})),
  };
  const reads: Omit<IdentityApi, "getCallerIdentity"> = {
    getRole: (i) => iamSend(new iam.GetRoleCommand(i)),
    simulatePrincipalPolicy: (i) => simulatorSend(new iam.SimulatePrincipalPolicyCommand(i)),
    getUser: (i) => iamSend(new iam.GetUserCommand(i)),
    listUserPolicies: (i) => iamSend(new iam.ListUserPoliciesCommand(i)),
    getUserPolicy: (i) => iamSend(new iam.GetUserPolicyCommand(i)),
    listAttachedUserPolicies: (i) => iamSend(new iam.ListAttachedUserPoliciesCommand(i)),
    listGroupsForUser: (i) => iamSend(new iam.ListGroupsForUserCommand(i)),
    listGroupPolicies: (i) => iamSend(new iam.ListGroupPoliciesCommand(i)),
    getGroupPolicy: (i) => iamSend(new iam.GetGroupPolicyCommand(i)),
    listAttachedGroupPolicies: (i) => iamSend(new iam.ListAttachedGroupPoliciesCommand(i)),
    listRolePolicies: (i) => iamSend(new iam.ListRolePoliciesCommand(i)),
    getRolePolicy: (i) => iamSend(new iam.GetRolePolicyCommand(i)),
    listAttachedRolePolicies: (i) => iamSend(new iam.ListAttachedRolePoliciesCommand(i)),
    getPolicy: (i) => iamSend(new iam.GetPolicyCommand(i)),
    getPolicyVersion: (i) => iamSend(new iam.GetPolicyVersionCommand(i)),
  };
  const guardedIdentity = guard("sts", identity, options);
  return { getCallerIdentity: () => guardedIdentity.getCallerIdentity(), ...guard("iam", reads, options) };
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
  const timeoutMs = requestTimeoutMs();
  const client = new sdk.CloudFormationClient(clientConfig(options, timeoutMs));
  const send = sender(client, timeoutMs);
  const api: DriftApi = {
    detectStackDrift: (i) => send(new sdk.DetectStackDriftCommand(i)),
    describeStackDriftDetectionStatus: (i) => send(new sdk.DescribeStackDriftDetectionStatusCommand(i)),
    describeStackResourceDrifts: (i) => send(new sdk.DescribeStackResourceDriftsCommand(i)),
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
  const timeoutMs = requestTimeoutMs();
  const config = clientConfig(options, timeoutMs);
  // Each service's SDK loads on its first call: a template with only SSM parameters loads only SSM.
  const once = <T>(make: () => Promise<T>) => {
    let made: Promise<T> | undefined;
    return () => (made ??= make());
  };
  const ssm = once(async () => {
    const sdk = await import("@aws-sdk/client-ssm");
    const send = sender(new sdk.SSMClient(config), timeoutMs);
    return guard("ssm", { describeParameters: (i: Parameters<ReferenceApi["describeParameters"]>[0]) => send(new sdk.DescribeParametersCommand(i)) }, options);
  });
  const secrets = once(async () => {
    const sdk = await import("@aws-sdk/client-secrets-manager");
    const send = sender(new sdk.SecretsManagerClient(config), timeoutMs);
    return guard("secretsmanager", { describeSecret: (i: Parameters<ReferenceApi["describeSecret"]>[0]) => send(new sdk.DescribeSecretCommand(i)) }, options);
  });
  const iam = once(async () => {
    const sdk = await import("@aws-sdk/client-iam");
    const send = sender(new sdk.IAMClient(config), timeoutMs);
    return guard(
      "iam",
      {
        getPolicy: (i: Parameters<ReferenceApi["getPolicy"]>[0]) => send(new sdk.GetPolicyCommand(i)),
        getRole: (i: Parameters<ReferenceApi["getRole"]>[0]) => send(new sdk.GetRoleCommand(i)),
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

/**
 * The StackSets calls of `cody deploy|delete|status --stack-set` (src/stacksets/): the set, its
 * instances, and the operations that change them. Made in the administrator account and region.
 */
export interface StackSetApi {
  describeStackSet(input: DescribeStackSetCommandInput): Promise<DescribeStackSetCommandOutput>;
  createStackSet(input: CreateStackSetCommandInput): Promise<CreateStackSetCommandOutput>;
  updateStackSet(input: UpdateStackSetCommandInput): Promise<UpdateStackSetCommandOutput>;
  deleteStackSet(input: DeleteStackSetCommandInput): Promise<unknown>;
  createStackInstances(input: CreateStackInstancesCommandInput): Promise<CreateStackInstancesCommandOutput>;
  deleteStackInstances(input: DeleteStackInstancesCommandInput): Promise<DeleteStackInstancesCommandOutput>;
  listStackInstances(input: ListStackInstancesCommandInput): Promise<ListStackInstancesCommandOutput>;
  describeStackSetOperation(input: DescribeStackSetOperationCommandInput): Promise<DescribeStackSetOperationCommandOutput>;
  listStackSetOperationResults(input: ListStackSetOperationResultsCommandInput): Promise<ListStackSetOperationResultsCommandOutput>;
  region(): Promise<string>;
}

export async function createStackSets(options: AwsOptions): Promise<StackSetApi> {
  quietSdk();
  const sdk = await import("@aws-sdk/client-cloudformation");
  const timeoutMs = requestTimeoutMs();
  const client = new sdk.CloudFormationClient(clientConfig(options, timeoutMs));
  const send = sender(client, timeoutMs);
  const api: StackSetApi = {
    describeStackSet: (i) => send(new sdk.DescribeStackSetCommand(i)),
    createStackSet: (i) => send(new sdk.CreateStackSetCommand(i)),
    updateStackSet: (i) => send(new sdk.UpdateStackSetCommand(i)),
    deleteStackSet: (i) => send(new sdk.DeleteStackSetCommand(i)),
    createStackInstances: (i) => send(new sdk.CreateStackInstancesCommand(i)),
    deleteStackInstances: (i) => send(new sdk.DeleteStackInstancesCommand(i)),
    listStackInstances: (i) => send(new sdk.ListStackInstancesCommand(i)),
    describeStackSetOperation: (i) => send(new sdk.DescribeStackSetOperationCommand(i)),
    listStackSetOperationResults: (i) => send(new sdk.ListStackSetOperationResultsCommand(i)),
    region: () => client.config.region(),
  };
  return guard("cloudformation", api, options);
}
