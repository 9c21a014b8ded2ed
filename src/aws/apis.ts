// The narrow interfaces engine code sees instead of SDK clients: the calls cody makes, nothing else.
// Types only; the clients that implement them are built in clients.ts.
import type {
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
// StackSets (StackSetApi, at the end of this file).
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
import type { DescribeParametersCommandInput, DescribeParametersCommandOutput } from "@aws-sdk/client-ssm";
import type { DescribeSecretCommandInput } from "@aws-sdk/client-secrets-manager";
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

/** The CloudWatch Logs calls of logs and start. */
export interface LogsApi {
  getLogEvents(input: GetLogEventsCommandInput): Promise<GetLogEventsCommandOutput>;
  filterLogEvents(input: FilterLogEventsCommandInput): Promise<FilterLogEventsCommandOutput>;
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

/** The drift calls of `cody drift` (CloudFormation compares each resource with the template). */
export interface DriftApi {
  detectStackDrift(input: DetectStackDriftCommandInput): Promise<DetectStackDriftCommandOutput>;
  describeStackDriftDetectionStatus(input: DescribeStackDriftDetectionStatusCommandInput): Promise<DescribeStackDriftDetectionStatusCommandOutput>;
  describeStackResourceDrifts(input: DescribeStackResourceDriftsCommandInput): Promise<DescribeStackResourceDriftsCommandOutput>;
  region(): Promise<string>;
}

/**
 * The reads that check a template's references exist (review/references.ts); AWS errors arrive as thrown
 * errors (not-found ones by their SDK names).
 */
export interface ReferenceApi {
  describeParameters(input: DescribeParametersCommandInput): Promise<Pick<DescribeParametersCommandOutput, "Parameters" | "NextToken">>;
  describeSecret(input: DescribeSecretCommandInput): Promise<unknown>;
  getPolicy(input: GetPolicyCommandInput): Promise<unknown>;
  getRole(input: GetRoleCommandInput): Promise<unknown>;
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
