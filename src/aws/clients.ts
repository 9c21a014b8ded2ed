// The one place that builds AWS SDK clients. The SDK is imported here, lazily (through ./sdk/<service>,
// which names the commands cody sends, so the build bundles only those), so commands that never call
// AWS (--help, synth, init, policy) never load it. Engine code sees narrow interfaces
// (apis.ts); how each client sends, retries and times out is send.ts.
import type { AwsOptions, CfnApi, CodeBuildApi, DriftApi, IdentityApi, LogsApi, ReferenceApi, StackSetApi } from "./apis";
import { clientConfig, connect, guard, quietSdk, requestTimeoutMs, sender, SIMULATOR_ATTEMPTS } from "./send";

export type { AwsOptions, CfnApi, CodeBuildApi, DriftApi, IdentityApi, LogsApi, ReferenceApi, StackSetApi } from "./apis";
export { callBudgetMs, clientConfig, MAX_ATTEMPTS, requestTimeoutMs } from "./send";

export async function createCloudFormation(options: AwsOptions): Promise<CfnApi> {
  const sdk = await import("./sdk/cloudformation");
  const { client, send } = connect(sdk.CloudFormationClient, options);
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

export async function createCodeBuild(options: AwsOptions): Promise<CodeBuildApi> {
  const sdk = await import("./sdk/codebuild");
  const { client, send } = connect(sdk.CodeBuildClient, options);
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

export async function createLogs(options: AwsOptions): Promise<LogsApi> {
  const sdk = await import("./sdk/logs");
  const { send } = connect(sdk.CloudWatchLogsClient, options);
  const api: LogsApi = {
    getLogEvents: (i) => send(new sdk.GetLogEventsCommand(i)),
    filterLogEvents: (i) => send(new sdk.FilterLogEventsCommand(i)),
  };
  return guard("logs", api, options);
}

export async function createIdentity(options: AwsOptions): Promise<IdentityApi> {
  quietSdk();
  const [sts, iam] = await Promise.all([import("./sdk/sts"), import("./sdk/iam")]);
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

export async function createDrift(options: AwsOptions): Promise<DriftApi> {
  const sdk = await import("./sdk/cloudformation");
  const { client, send } = connect(sdk.CloudFormationClient, options);
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
    const sdk = await import("./sdk/ssm");
    const send = sender(new sdk.SSMClient(config), timeoutMs);
    return guard("ssm", { describeParameters: (i: Parameters<ReferenceApi["describeParameters"]>[0]) => send(new sdk.DescribeParametersCommand(i)) }, options);
  });
  const secrets = once(async () => {
    const sdk = await import("./sdk/secrets-manager");
    const send = sender(new sdk.SecretsManagerClient(config), timeoutMs);
    return guard("secretsmanager", { describeSecret: (i: Parameters<ReferenceApi["describeSecret"]>[0]) => send(new sdk.DescribeSecretCommand(i)) }, options);
  });
  const iam = once(async () => {
    const sdk = await import("./sdk/iam");
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

export async function createStackSets(options: AwsOptions): Promise<StackSetApi> {
  const sdk = await import("./sdk/cloudformation");
  const { client, send } = connect(sdk.CloudFormationClient, options);
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
