// The requirement model: which IAM actions, on which resources and under which conditions, each cody
// command needs. Pure (no AWS, no files): `cody policy` prints it as a policy, `cody policy --check`
// evaluates a policy against it, and preflight simulates it against the caller.
//
// Two kinds of needs. The commands' own calls (change sets, StartBuild, log reads) are made with the
// caller's credentials. The resource calls (CreateProject, CreateRole, PutRule...) are made by
// CloudFormation, with the caller's credentials too unless the stack has a service role, in which
// case that role needs them instead (`principal`).
import type { SynthResult } from "../synth/template";
import { ruleBus, scheduleName } from "../synth/schedule-resource";
import { isPlainObject, type PlainObject } from "../util/merge";
import { handlerPermissions, RESOURCELESS_ACTIONS, type EmittedResourceType, type ResourceHandler } from "./handler-permissions";
import { templateReferences } from "../review/references";
import { stackSetRequirements, type StackSetScope } from "./stack-set-requirements";

export const COMMAND_NAMES = ["deploy", "diff", "delete", "preflight", "start", "stop", "status", "logs", "list", "badge", "drift"] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

export function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

/** An IAM Condition block: operator → condition key → value(s). */
export type ConditionBlock = Record<string, Record<string, string | string[]>>;

export interface Requirement {
  /** Stable statement id (alphanumeric), unique within one requirementsFor() result. */
  sid: string;
  /** Concrete action names, sorted; never wildcards. */
  actions: string[];
  /** ARNs or ARN patterns; `*` only for actions that take no resource. */
  resources: string[];
  condition?: ConditionBlock;
  why: string;
  /** The selected commands that need it. */
  commands: CommandName[];
  /** Per action, the selected commands that need it (set by requirementsFor). */
  actionCommands?: Record<string, CommandName[]>;
  /**
   * Who must hold it: the caller, or the CloudFormation service role when the stack has one
   * (requirementsFor always sets it; absent means the caller).
   */
  principal?: "caller" | "serviceRole";
  /** Deploy works without it (preflight then says it could not run); `cody preflight` needs it. */
  optional?: boolean;
}

export interface RequirementInput {
  /** The synthesized project; without it, the generic needs of any cody project. */
  synth?: SynthResult;
  /** Only what these commands need (default: all). */
  commands?: readonly CommandName[];
  region?: string;
  account?: string;
  partition?: string;
  /** A CloudFormation service role (`--role-arn`): resource calls then need it, not the caller. */
  serviceRoleArn?: string;
  /**
   * The permissions boundary every generated role carries (`--permissions-boundary`); overrides the
   * template's. IAM writes on the roles are then allowed only with that boundary.
   */
  permissionsBoundary?: string;
  /** settings' stackSet (or `--stack-set`): the StackSets calls of deploy, delete and status --stack-set. */
  stackSet?: StackSetScope;
}

/** One action and the commands that call it (directly or through CloudFormation). */
interface Grant {
  action: string;
  commands: readonly CommandName[];
}

interface Draft {
  sid: string;
  grants: Grant[];
  resources: string[];
  condition?: ConditionBlock;
  why: string;
  /** Made by CloudFormation on the stack's behalf (moves to the service role when there is one). */
  viaCloudFormation?: boolean;
  optional?: boolean;
}

const STACK_WRITE: readonly CommandName[] = ["deploy", "diff"];
const LIFECYCLE: readonly CommandName[] = ["deploy", "delete"];
const FIND_PROJECT: readonly CommandName[] = ["start", "stop", "status", "logs", "badge"];

function grants(commands: readonly CommandName[], ...actions: string[]): Grant[] {
  return actions.map((action) => ({ action, commands }));
}

/** What the requirement is built from: a template's exact names, or the patterns any cody project matches. */
interface Scope {
  generic: boolean;
  stackName: string;
  stackArn: string;
  projectName: string;
  projectArn: string;
  /** CloudWatch Logs ARNs of the build log group (group and its streams). */
  buildLogs: string[];
  buildLogGroup: string;
  /** The template has an AWS::CodeBuild::Project. */
  hasProject: boolean;
  webhook: boolean;
  visibility: boolean;
  /** ARN patterns of the roles the stack creates (empty: none). */
  roles: string[];
  inlinePolicies: boolean;
  /** Managed policy ARNs attached to those roles; "any" when not known (generic). */
  managedPolicies: string[] | "any";
  /** Boundaries the template's roles name (a pattern when one cannot be resolved). */
  boundaries: string[];
  /** Every role the stack creates has a PermissionsBoundary. */
  allRolesBounded: boolean;
  /** Per emitted type, the properties its resources set (roles: all roles' keys together). */
  properties: Partial<Record<EmittedResourceType, PlainObject>>;
  passRoles: Array<{ service: PassService; resources: string[] }>;
  rule?: string;
  schedule?: string;
  /** ARNs of a log group the stack itself manages (AWS::Logs::LogGroup). */
  managedLogGroup?: string[];
  ssmParameters: string[];
  secrets: string[];
}

type PassService = "codebuild" | "events" | "scheduler";

const PASS_SERVICES: Record<PassService, { sid: string; principal: string; what: string }> = {
  codebuild: { sid: "PassRoleToCodeBuild", principal: "codebuild.amazonaws.com", what: "the CodeBuild project's service role to CodeBuild" },
  events: { sid: "PassRoleToEventBridge", principal: "events.amazonaws.com", what: "the schedule rule's role to EventBridge (its target starts builds)" },
  scheduler: { sid: "PassRoleToScheduler", principal: "scheduler.amazonaws.com", what: "the schedule's role to EventBridge Scheduler (its target starts builds)" },
};

class Arns {
  constructor(
    readonly partition: string,
    readonly region: string,
    readonly account: string,
  ) {}

  regional(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }

  global(service: string, resource: string): string {
    return `arn:${this.partition}:${service}::${this.account}:${resource}`;
  }

  logGroup(name: string): string[] {
    // Log actions are authorized on the group ARN with and without the `:*` suffix, streams under it.
    const group = this.regional("logs", `log-group:${name}`);
    return [group, `${group}:*`];
  }

  /** Fills the pseudo-parameters of an `Fn::Sub` string (or a plain string); undefined when other variables remain. */
  resolve(value: unknown): string | undefined {
    const text = typeof value === "string" ? value : isPlainObject(value) && typeof value["Fn::Sub"] === "string" ? value["Fn::Sub"] : undefined;
    if (text === undefined) return undefined;
    const filled = text
      .replace(/\$\{AWS::Partition\}/g, this.partition)
      .replace(/\$\{AWS::Region\}/g, this.region)
      .replace(/\$\{AWS::AccountId\}/g, this.account)
      .replace(/\$\{AWS::URLSuffix\}/g, "amazonaws.com");
    return /\$\{/.test(filled) ? undefined : filled;
  }
}

/** CloudFormation names a generated role `<stack>-<logical id>-<random>`, shortening long stack names. */
const ROLE_NAME_MAX = 64;
const GENERATED_SUFFIX = 1 + 14; // `-` and the random part (13), with room to spare
const SHORT_PREFIX = 16;

function generatedRolePattern(stackName: string, logicalId: string): string {
  const fits = stackName.length + 1 + logicalId.length + GENERATED_SUFFIX <= ROLE_NAME_MAX;
  // When the whole name cannot fit, CloudFormation truncates the stack part: scope to a short prefix.
  return fits ? `${stackName}-*` : `${stackName.slice(0, SHORT_PREFIX)}*`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function props(resource: PlainObject | undefined): PlainObject {
  const p = resource?.Properties;
  return isPlainObject(p) ? p : {};
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `"id.Arn"` → id. */
function getAttTarget(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const att = value["Fn::GetAtt"];
  if (Array.isArray(att) && typeof att[0] === "string") return att[0];
  if (typeof att === "string") return att.split(".")[0];
  return undefined;
}

function collectStrings(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => collectStrings(v, out));
  return out;
}

const DYNAMIC_REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]+)\}\}/g;

function scopeFromTemplate(synth: SynthResult, arns: Arns): Scope {
  const resources = synth.template.Resources;
  const entries = Object.entries(resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
  const stackName = synth.stackName;

  const properties: Scope["properties"] = {};
  for (const [, resource] of entries) {
    const type = resource.Type as EmittedResourceType;
    properties[type] = { ...properties[type], ...props(resource) };
  }

  const [projectEntry] = ofType("AWS::CodeBuild::Project");
  const project = props(projectEntry?.[1]);
  const projectName = str(project.Name) ?? `${stackName}*`;
  const logsConfig = isPlainObject(project.LogsConfig) && isPlainObject(project.LogsConfig.CloudWatchLogs) ? project.LogsConfig.CloudWatchLogs : {};
  const buildLogGroup = str(logsConfig.GroupName) ?? `/aws/codebuild/${projectName}`;
  const triggers = isPlainObject(project.Triggers) ? project.Triggers : {};

  const roleArns = new Map<string, string>();
  const roles: string[] = [];
  let inlinePolicies = false;
  const managedPolicies: string[] = [];
  const boundaries: string[] = [];
  let allRolesBounded = true;
  for (const [logicalId, resource] of ofType("AWS::IAM::Role")) {
    const p = props(resource);
    const path = str(p.Path) ?? "/";
    const name = str(p.RoleName);
    const pattern = arns.global("iam", `role${path}${name ?? generatedRolePattern(stackName, logicalId)}`);
    roleArns.set(logicalId, pattern);
    if (!roles.includes(pattern)) roles.push(pattern);
    if (Array.isArray(p.Policies) && p.Policies.length > 0) inlinePolicies = true;
    for (const arn of Array.isArray(p.ManagedPolicyArns) ? p.ManagedPolicyArns : []) {
      const resolved = arns.resolve(arn) ?? arns.global("iam", "policy/*");
      if (!managedPolicies.includes(resolved)) managedPolicies.push(resolved);
    }
    if (p.PermissionsBoundary === undefined) allRolesBounded = false;
    else {
      const resolved = arns.resolve(p.PermissionsBoundary) ?? arns.global("iam", "policy/*");
      if (!boundaries.includes(resolved)) boundaries.push(resolved);
    }
  }

  /** The role a property passes: one of the stack's roles, or an existing role's ARN. */
  const passed = (value: unknown): string[] => {
    const target = getAttTarget(value);
    if (target && roleArns.has(target)) return [roleArns.get(target)!];
    const arn = arns.resolve(value);
    if (arn?.startsWith("arn:")) return [arn];
    if (arn) return [arns.global("iam", `role/${arn}`)];
    return [arns.global("iam", "role/*")];
  };
  const passRoles: Scope["passRoles"] = [];
  const addPass = (service: PassService, resources: string[]) => {
    const existing = passRoles.find((p) => p.service === service);
    if (existing) existing.resources.push(...resources.filter((r) => !existing.resources.includes(r)));
    else passRoles.push({ service, resources: [...resources] });
  };
  if (projectEntry) addPass("codebuild", passed(project.ServiceRole));

  let rule: string | undefined;
  const [ruleEntry] = ofType("AWS::Events::Rule");
  if (ruleEntry) {
    const p = props(ruleEntry[1]);
    const name = str(p.Name) ?? scheduleName(projectName);
    const bus = ruleBus(p.EventBusName);
    rule = arns.regional("events", `rule/${bus === undefined ? "*/" : bus ? `${bus}/` : ""}${name}`);
    for (const target of Array.isArray(p.Targets) ? p.Targets : []) {
      if (isPlainObject(target) && target.RoleArn !== undefined) addPass("events", passed(target.RoleArn));
    }
  }
  let schedule: string | undefined;
  const [scheduleEntry] = ofType("AWS::Scheduler::Schedule");
  if (scheduleEntry) {
    const p = props(scheduleEntry[1]);
    schedule = arns.regional("scheduler", `schedule/${str(p.GroupName) ?? "default"}/${str(p.Name) ?? scheduleName(projectName)}`);
    if (isPlainObject(p.Target) && p.Target.RoleArn !== undefined) addPass("scheduler", passed(p.Target.RoleArn));
  }
  const [logGroupEntry] = ofType("AWS::Logs::LogGroup");
  const managedLogGroup = logGroupEntry ? arns.logGroup(str(props(logGroupEntry[1]).LogGroupName) ?? buildLogGroup) : undefined;

  // Dynamic references are resolved by CloudFormation with the deploying credentials. (Environment
  // variables of type PARAMETER_STORE / SECRETS_MANAGER are not: CodeBuild's role reads them per build.)
  const ssmParameters: string[] = [];
  const secrets: string[] = [];
  for (const text of collectStrings(synth.template, [])) {
    for (const match of text.matchAll(DYNAMIC_REFERENCE)) {
      const [, kind, reference] = match;
      if (kind === "secretsmanager") {
        const id = reference.startsWith("arn:") ? reference.split(":").slice(0, 7).join(":") : arns.regional("secretsmanager", `secret:${reference.split(":")[0]}-??????`);
        if (!secrets.includes(id)) secrets.push(id);
      } else {
        // A name (`/team/token[:version]`) or, for a shared parameter, its ARN (which has colons of its own).
        const name = (reference.startsWith("arn:") ? reference.split(":").slice(0, 6).join(":") : reference.split(":")[0]).replace(/\$\{[^}]*\}/g, "*");
        const arn = name.startsWith("arn:") ? name : arns.regional("ssm", `parameter/${name.replace(/^\//, "")}`);
        if (!ssmParameters.includes(arn)) ssmParameters.push(arn);
      }
    }
  }

  return {
    generic: false,
    stackName,
    stackArn: arns.regional("cloudformation", `stack/${stackName}/*`),
    projectName,
    projectArn: arns.regional("codebuild", `project/${projectName}`),
    buildLogs: arns.logGroup(buildLogGroup),
    buildLogGroup,
    hasProject: Boolean(projectEntry),
    webhook: triggers.Webhook === true,
    visibility: project.Visibility !== undefined,
    roles,
    inlinePolicies,
    managedPolicies,
    boundaries,
    allRolesBounded,
    properties,
    passRoles,
    ...(rule ? { rule } : {}),
    ...(schedule ? { schedule } : {}),
    ...(managedLogGroup ? { managedLogGroup } : {}),
    ssmParameters,
    secrets,
  };
}

/**
 * Any cody project, by its conventions: stacks end in `-cody` (the default suffix), roles live under
 * the `/cody/` path, schedules are named `cody-<project>`. CodeBuild project names carry no cody
 * marker (they are the user's full project names), so projects are `project/*`.
 */
function genericScope(arns: Arns): Scope {
  const roles = [arns.global("iam", "role/cody/*")];
  return {
    generic: true,
    stackName: "*-cody",
    stackArn: arns.regional("cloudformation", "stack/*-cody/*"),
    projectName: "*",
    projectArn: arns.regional("codebuild", "project/*"),
    buildLogs: arns.logGroup("/aws/codebuild/*"),
    buildLogGroup: "/aws/codebuild/*",
    hasProject: true,
    webhook: true,
    visibility: true,
    roles,
    inlinePolicies: true,
    managedPolicies: "any",
    boundaries: [],
    allRolesBounded: false,
    // Everything a cody template can contain, so every handler call any project makes is granted.
    properties: {
      "AWS::CodeBuild::Project": { Triggers: { Webhook: true }, Visibility: "PUBLIC_READ" },
      "AWS::IAM::Role": { Policies: [], ManagedPolicyArns: [], PermissionsBoundary: "" },
      "AWS::Events::Rule": {},
      "AWS::Scheduler::Schedule": {},
      "AWS::Logs::LogGroup": {},
    },
    passRoles: (["codebuild", "events", "scheduler"] as const).map((service) => ({ service, resources: roles })),
    rule: arns.regional("events", "rule/cody-*"),
    schedule: arns.regional("scheduler", "schedule/default/cody-*"),
    managedLogGroup: arns.logGroup("/aws/codebuild/*"),
    ssmParameters: [],
    secrets: [],
  };
}

/** The commands during which CloudFormation runs each handler (a failed deploy rolls back through delete). */
// Drift detection reads every resource with its read handler's permissions (the caller's own, as for a deploy).
const HANDLER_COMMANDS: Record<ResourceHandler, readonly CommandName[]> = { create: ["deploy"], read: ["deploy", "drift"], update: ["deploy"], delete: LIFECYCLE };

/** A resource type's handler calls (see handler-permissions.ts) as grants, for the actions `pick` keeps. */
function handlerGrants(s: Scope, type: EmittedResourceType, pick: (action: string) => boolean = () => true): Grant[] {
  const properties = s.properties[type];
  if (!properties) return [];
  const out: Grant[] = [];
  for (const [action, handlers] of handlerPermissions(type, properties)) {
    if (!pick(action)) continue;
    out.push({ action, commands: COMMAND_NAMES.filter((c) => handlers.some((h) => HANDLER_COMMANDS[h].includes(c))) });
  }
  return out;
}

const PASS_ROLE = "iam:PassRole";
const notPassRole = (action: string) => action !== PASS_ROLE;

/** The resource type whose handlers pass a role to each service. */
const PASSED_BY: Record<PassService, EmittedResourceType> = {
  codebuild: "AWS::CodeBuild::Project",
  events: "AWS::Events::Rule",
  scheduler: "AWS::Scheduler::Schedule",
};

/**
 * IAM writes that could widen a role: with a permissions boundary they are allowed only on roles that
 * carry it (and CreateRole / PutRolePermissionsBoundary only when the request sets it). IAM evaluates
 * `iam:PermissionsBoundary` for each of these actions (Service Authorization Reference).
 */
export const BOUNDARY_GUARDED_ACTIONS: readonly string[] = [
  "iam:AttachRolePolicy",
  "iam:CreateRole",
  "iam:DeleteRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePermissionsBoundary",
  "iam:PutRolePolicy",
  "iam:UpdateAssumeRolePolicy",
];

/**
 * Managed policies the generic policy lets CloudFormation attach to cody's roles (iam:PolicyARN):
 * AWS-managed ones a build role commonly uses (image pulls and pushes, reading S3 as Ruby cody's role
 * did), and customer-managed policies under the `/cody/` path, which only an administrator can create
 * (the policy grants no policy writes): to widen, create the policy under that path.
 */
function genericManagedPolicies(arns: Arns): string[] {
  const aws = (name: string) => `arn:${arns.partition}:iam::aws:policy/${name}`;
  return [
    aws("AmazonEC2ContainerRegistryReadOnly"),
    aws("AmazonEC2ContainerRegistryPowerUser"),
    aws("AmazonS3ReadOnlyAccess"),
    arns.global("iam", "policy/cody/*"),
  ];
}

/**
 * The boundary IAM writes must carry: the flag's, else the template's when every role the stack creates
 * carries one and each is a concrete ARN (a role without it could not be created under the condition).
 */
function enforcedBoundary(s: Scope, flag: string | undefined): string[] | undefined {
  if (flag) return [flag];
  if (s.allRolesBounded && s.boundaries.length > 0 && s.boundaries.every((b) => !/[*?]/.test(b))) return s.boundaries;
  return undefined;
}

function drafts(s: Scope, arns: Arns, input: RequirementInput): Draft[] {
  const serviceRoleArn = input.serviceRoleArn;
  const out: Draft[] = [];
  const stackWhat = s.generic ? "cody stacks (names ending in -cody, cody's default suffix)" : `stack ${s.stackName}`;
  const projectWhat = s.generic ? "any CodeBuild project (project names carry no cody prefix)" : `project ${s.projectName}`;

  out.push({
    sid: "CloudFormationStack",
    resources: [s.stackArn],
    why: `Deploy through change sets, follow events and delete ${stackWhat}.`,
    grants: [
      ...grants(["deploy", "diff", "delete"], "cloudformation:DescribeStacks"),
      ...grants(LIFECYCLE, "cloudformation:DescribeStackEvents"),
      ...grants(STACK_WRITE, "cloudformation:GetTemplate", "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:DeleteChangeSet"),
      // Stack tags are always set (cody:tool, cody:project, cody:env), on create and when they change.
      ...grants(STACK_WRITE, "cloudformation:TagResource", "cloudformation:UntagResource"),
      ...grants(["deploy"], "cloudformation:ExecuteChangeSet", "cloudformation:ContinueUpdateRollback"),
      // deploy finds change sets a killed cody run left behind, and those of a concurrent run.
      ...grants(["deploy"], "cloudformation:ListChangeSets"),
      // settings' terminationProtection is applied after a deploy; asked for always, since the requirement
      // does not read settings, and it lets its holder do no more than the DeleteStack it already has.
      ...grants(["deploy"], "cloudformation:UpdateTerminationProtection"),
      // deploy recreates a ROLLBACK_COMPLETE stack; diff removes the empty stack its CREATE change set made.
      ...grants(["deploy", "diff", "delete"], "cloudformation:DeleteStack"),
    ],
  });
  // Build commands find a project by name, then through a stack: the conventional one, or the argument
  // taken as a stack name (`cody start demo-cody`), which is also first tried as a project name
  // (find-project.ts). Both derive from the stack name, with the type/env/suffix parts naming appends.
  out.push({
    sid: "FindProjectStack",
    resources: [s.generic ? s.stackArn : arns.regional("cloudformation", `stack/${s.stackName}*/*`)],
    why: s.generic
      ? "Build commands find a project through its stack (DescribeStackResources)."
      : `Build commands find the project through its stack: ${s.stackName}, or the conventional stack derived from that name when it is passed as the argument (cody start ${s.stackName}).`,
    grants: grants(FIND_PROJECT, "cloudformation:DescribeStackResources"),
  });
  if (!s.generic && s.stackName !== s.projectName) {
    out.push({
      sid: "FindProjectByStackName",
      resources: [arns.regional("codebuild", `project/${s.stackName}*`)],
      why: `cody start ${s.stackName} first looks for a project of that name (BatchGetProjects), then goes through the stack.`,
      grants: grants(FIND_PROJECT, "codebuild:BatchGetProjects"),
    });
  }
  if (serviceRoleArn) {
    out.push({
      sid: "PassRoleToCloudFormation",
      resources: [serviceRoleArn],
      condition: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } },
      why: "Hand the stack's service role to CloudFormation, which then makes the resource calls with it.",
      grants: grants(["deploy", "diff", "delete"], "iam:PassRole"),
    });
  }

  if (s.hasProject) {
    out.push({
      sid: "CodeBuildProject",
      resources: [s.projectArn],
      viaCloudFormation: true,
      why: `CloudFormation creates, updates, reads and deletes ${projectWhat}${s.webhook ? ", and its source webhook" : ""} (the stack's tags travel in CreateProject/UpdateProject).`,
      grants: handlerGrants(s, "AWS::CodeBuild::Project", notPassRole),
    });
  }

  if (s.roles.length > 0) {
    const rolesWhat = s.generic ? "roles under the /cody/ path (where cody puts every role it generates)" : "the stack's roles (CloudFormation names them after the stack, under /cody/)";
    const boundary = enforcedBoundary(s, input.permissionsBoundary);
    const role = handlerGrants(s, "AWS::IAM::Role");
    const guarded = (a: string) => boundary !== undefined && BOUNDARY_GUARDED_ACTIONS.includes(a);
    const boundaryCondition: ConditionBlock | undefined = boundary
      ? { StringEquals: { "iam:PermissionsBoundary": boundary.length === 1 ? boundary[0] : boundary } }
      : undefined;
    out.push({
      sid: "IamRoles",
      resources: s.roles,
      viaCloudFormation: true,
      why: `CloudFormation creates, tags, updates and deletes ${rolesWhat}${boundary ? "; what could widen a role is in IamRolesWithinBoundary" : ""}.`,
      grants: role.filter((g) => g.action !== "iam:AttachRolePolicy" && !guarded(g.action) && !(g.action === "iam:PutRolePermissionsBoundary" && !s.generic)),
    });
    if (boundary && boundaryCondition) {
      out.push({
        sid: "IamRolesWithinBoundary",
        resources: s.roles,
        viaCloudFormation: true,
        condition: boundaryCondition,
        why: `CloudFormation creates the roles and writes their policies and trust, only on roles that carry the permissions boundary ${boundary.join(", ")}.`,
        grants: role.filter((g) => g.action !== "iam:AttachRolePolicy" && guarded(g.action)),
      });
    } else if (!s.generic && s.boundaries.length > 0) {
      out.push({
        sid: "IamRolePermissionsBoundary",
        resources: s.roles,
        viaCloudFormation: true,
        condition: { StringLike: { "iam:PermissionsBoundary": s.boundaries } },
        why: "CloudFormation sets the permissions boundary the template names (removing a boundary is left to an administrator).",
        grants: role.filter((g) => g.action === "iam:PutRolePermissionsBoundary"),
      });
    }
    const attach = role.filter((g) => g.action === "iam:AttachRolePolicy");
    const policies = s.managedPolicies === "any" ? genericManagedPolicies(arns) : s.managedPolicies;
    if (attach.length > 0 && policies.length > 0) {
      out.push({
        sid: "IamRoleManagedPolicies",
        resources: s.roles,
        viaCloudFormation: true,
        // Only the policies the template attaches: attaching any policy would make the role anything.
        condition: { ArnLike: { "iam:PolicyARN": policies }, ...(boundaryCondition ?? {}) },
        why: s.generic
          ? "CloudFormation attaches managed policies: AWS's ECR and S3 read policies, or customer policies under the /cody/ path (which an administrator creates)."
          : "CloudFormation attaches the managed policies the template names, and only those.",
        grants: attach,
      });
    }
  }

  for (const { service, resources } of s.passRoles) {
    const meta = PASS_SERVICES[service];
    const passes = handlerGrants(s, PASSED_BY[service], (a) => a === PASS_ROLE);
    if (passes.length === 0) continue;
    out.push({
      sid: meta.sid,
      resources,
      viaCloudFormation: true,
      condition: { StringEquals: { "iam:PassedToService": meta.principal } },
      why: `CloudFormation passes ${meta.what}; only to that service.`,
      grants: passes,
    });
  }

  if (s.rule) {
    out.push({
      sid: "EventBridgeRule",
      resources: [s.rule],
      viaCloudFormation: true,
      why: s.generic
        ? "CloudFormation manages schedule rules, which cody names cody-<project>, and copies the stack's tags onto them."
        : "CloudFormation manages the schedule's EventBridge rule and its target, and copies the stack's tags onto it.",
      grants: handlerGrants(s, "AWS::Events::Rule", notPassRole),
    });
  }
  if (s.schedule) {
    out.push({
      sid: "SchedulerSchedule",
      resources: [s.schedule],
      viaCloudFormation: true,
      why: s.generic
        ? "CloudFormation manages EventBridge Scheduler schedules, which cody names cody-<project> (default group)."
        : "CloudFormation manages the EventBridge Scheduler schedule.",
      grants: handlerGrants(s, "AWS::Scheduler::Schedule", notPassRole),
    });
  }
  if (s.managedLogGroup) {
    out.push({
      sid: "LogGroup",
      resources: s.managedLogGroup,
      viaCloudFormation: true,
      why: s.generic
        ? "CloudFormation manages build log groups (logRetentionDays), with the stack's tags."
        : "CloudFormation manages the build log group, its retention (logRetentionDays) and its tags.",
      grants: handlerGrants(s, "AWS::Logs::LogGroup", (a) => !RESOURCELESS_ACTIONS.has(a)),
    });
    out.push({
      sid: "LogGroupDescribe",
      resources: ["*"],
      viaCloudFormation: true,
      why: "CloudFormation looks the log group up and lists index and resource policies; these calls take no resource.",
      grants: handlerGrants(s, "AWS::Logs::LogGroup", (a) => RESOURCELESS_ACTIONS.has(a)),
    });
  }
  if (s.ssmParameters.length > 0) {
    out.push({
      sid: "ResolveParameters",
      resources: s.ssmParameters,
      viaCloudFormation: true,
      why: "CloudFormation resolves the template's {{resolve:ssm:...}} references with the deploying credentials.",
      grants: grants(["deploy"], "ssm:GetParameters"),
    });
  }
  if (s.secrets.length > 0) {
    out.push({
      sid: "ResolveSecrets",
      resources: s.secrets,
      viaCloudFormation: true,
      why: "CloudFormation resolves the template's {{resolve:secretsmanager:...}} references with the deploying credentials.",
      grants: grants(["deploy"], "secretsmanager:GetSecretValue"),
    });
  }

  out.push({
    sid: "CodeBuildBuilds",
    resources: [s.projectArn],
    why: `Start, follow, stop and inspect builds of ${projectWhat}; find it by name and show its badge.`,
    grants: [
      ...grants([...FIND_PROJECT], "codebuild:BatchGetProjects"),
      ...grants(["start"], "codebuild:StartBuild"),
      ...grants(["stop"], "codebuild:StopBuild"),
      ...grants(["start", "stop", "status", "logs"], "codebuild:BatchGetBuilds"),
      ...grants(["stop", "status", "logs"], "codebuild:ListBuildsForProject"),
    ],
  });
  out.push({
    sid: "ReadBuildLogs",
    resources: s.buildLogs,
    why: `Read build logs from ${s.generic ? "CodeBuild's log groups" : `the log group ${s.buildLogGroup}`} (cody logs, and cody start while it follows a build).`,
    grants: grants(["start", "logs"], "logs:GetLogEvents", "logs:FilterLogEvents"),
  });
  out.push({
    sid: "DriftDetection",
    resources: [s.stackArn],
    why: `cody drift asks CloudFormation to compare ${stackWhat} with its template, then reads each drifted resource.`,
    grants: grants(["drift"], "cloudformation:DetectStackDrift", "cloudformation:DescribeStackResourceDrifts"),
  });
  out.push({
    sid: "DriftDetectionStatus",
    resources: ["*"],
    why: "cody drift follows the detection by its id; DescribeStackDriftDetectionStatus takes no resource.",
    grants: grants(["drift"], "cloudformation:DescribeStackDriftDetectionStatus"),
  });
  out.push({
    sid: "ListProjectsAndBuilds",
    resources: ["*"],
    why: "cody list pages through the region's projects and its newest builds; these calls take no resource.",
    grants: grants(["list"], "codebuild:ListProjects", "codebuild:ListBuilds"),
  });
  out.push({
    sid: "ListLatestBuilds",
    resources: [arns.regional("codebuild", "project/*")],
    why: "cody list reads the latest build of every CodeBuild project in the region, not only cody's.",
    grants: grants(["list"], "codebuild:BatchGetBuilds", "codebuild:ListBuildsForProject"),
  });
  // Preflight: the caller's own role or user is only known at run time. (sts:GetCallerIdentity needs no permission.)
  const preflight: readonly CommandName[] = ["deploy", "preflight"];
  out.push({
    sid: "PreflightGetRole",
    resources: [arns.global("iam", "role/*")],
    optional: true,
    why: "Preflight reads the caller's role to learn its path (an assumed-role ARN drops it).",
    grants: grants(preflight, "iam:GetRole"),
  });
  out.push({
    sid: "PreflightSimulate",
    resources: [arns.global("iam", "role/*"), arns.global("iam", "user/*")],
    optional: true,
    why: "Preflight simulates the caller's own policies against this requirement before deploying.",
    grants: grants(preflight, "iam:SimulatePrincipalPolicy"),
  });
  // Where the simulator is missing or denied, preflight reads the caller's policies and evaluates them
  // itself: an IAM user's own (scoped to the caller by ${aws:username}, with or without a path), its
  // groups' and the managed policies attached to either; an assumed role's inline and attached ones.
  out.push({
    sid: "PreflightReadUser",
    resources: [arns.global("iam", "user/${aws:username}"), arns.global("iam", "user/*/${aws:username}")],
    optional: true,
    why: "Preflight reads the calling IAM user's policies and groups, to evaluate them locally when the policy simulator is unavailable.",
    grants: grants(preflight, "iam:GetUser", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser", "iam:ListUserPolicies"),
  });
  out.push({
    sid: "PreflightReadGroups",
    resources: [arns.global("iam", "group/*")],
    optional: true,
    why: "Preflight reads the policies of the calling user's groups (which groups is only known at run time).",
    grants: grants(preflight, "iam:GetGroupPolicy", "iam:ListAttachedGroupPolicies", "iam:ListGroupPolicies"),
  });
  out.push({
    sid: "PreflightReadRole",
    resources: [arns.global("iam", "role/*")],
    optional: true,
    why: "Preflight reads the assumed role's inline and attached policies (the role is only known at run time).",
    grants: grants(preflight, "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies"),
  });
  out.push({
    sid: "PreflightReadManagedPolicies",
    resources: [arns.global("iam", "policy/*"), `arn:${arns.partition}:iam::aws:policy/*`],
    optional: true,
    why: "Preflight reads the managed policies attached to the caller (customer-managed and AWS-managed) and the caller's permissions boundary.",
    grants: grants(preflight, "iam:GetPolicy", "iam:GetPolicyVersion"),
  });
  out.push(...reviewReads(s, arns, input.synth));
  return out;
}

/**
 * The review's reads (src/review/). The reference check of deploy and diff: does each parameter,
 * secret, policy and role the template names exist; metadata only, scoped to those names. Delete's
 * list of what it removes and keeps. All advisory (a denied read is reported, not fatal), so optional.
 */
function reviewReads(s: Scope, arns: Arns, synth: SynthResult | undefined): Draft[] {
  const refs = synth ? templateReferences(synth.template, { partition: arns.partition, region: arns.region, account: arns.account }) : undefined;
  const names = (kind: string) => (refs ?? []).filter((r) => r.kind === kind).map((r) => r.name);
  const checks: Array<{ sid: string; action: string; resources: string[]; what: string }> = [
    // DescribeParameters takes no resource; it returns names and metadata, never a value.
    { sid: "CheckParameters", action: "ssm:DescribeParameters", resources: !refs || names("parameter").length > 0 ? ["*"] : [], what: "SSM parameters (DescribeParameters takes no resource; it never returns a value)" },
    {
      sid: "CheckSecrets",
      action: "secretsmanager:DescribeSecret",
      resources: refs ? names("secret").map((id) => (id.startsWith("arn:") ? id : arns.regional("secretsmanager", `secret:${id}-??????`))) : [arns.regional("secretsmanager", "secret:*")],
      what: "secrets (DescribeSecret: metadata, never the value)",
    },
    { sid: "CheckPolicies", action: "iam:GetPolicy", resources: refs ? names("policy") : [arns.global("iam", "policy/*"), `arn:${arns.partition}:iam::aws:policy/*`], what: "managed and boundary policies" },
    { sid: "CheckRoles", action: "iam:GetRole", resources: refs ? names("role").flatMap((r) => [arns.global("iam", `role/${r}`), arns.global("iam", `role/*/${r}`)]) : [arns.global("iam", "role/*")], what: "an existing service role" },
  ];
  const reads: Draft[] = checks
    .filter((c) => c.resources.length > 0)
    .map((c) => ({
      sid: c.sid,
      resources: c.resources,
      optional: true,
      why: `deploy and diff check that the template's ${c.what} exist${refs ? "" : ", by the names a project uses"}.`,
      grants: grants(["deploy", "diff"], c.action),
    }));
  reads.push({
    sid: "DeletePlan",
    resources: [s.stackArn],
    optional: true,
    why: "delete lists what it removes and what it keeps (resources with DeletionPolicy Retain) before asking.",
    grants: grants(["delete"], "cloudformation:DescribeStackResources", "cloudformation:GetTemplate"),
  });
  return reads;
}

/** Everything the given commands need, for a project (`synth`) or for any cody project. */
export function requirementsFor(input: RequirementInput = {}): Requirement[] {
  const arns = new Arns(input.partition ?? "aws", input.region ?? "*", input.account ?? "*");
  const scope = input.synth ? scopeFromTemplate(input.synth, arns) : genericScope(arns);
  // With --permissions-boundary the roles carry that boundary: CloudFormation sets it on them.
  const roleProperties = scope.properties["AWS::IAM::Role"];
  if (input.permissionsBoundary && roleProperties) scope.properties["AWS::IAM::Role"] = { ...roleProperties, PermissionsBoundary: input.permissionsBoundary };
  const selected = new Set<CommandName>(input.commands && input.commands.length > 0 ? input.commands : COMMAND_NAMES);
  const requirements: Requirement[] = [];
  for (const draft of drafts(scope, arns, input)) {
    const kept = draft.grants.filter((g) => g.commands.some((c) => selected.has(c)));
    if (kept.length === 0) continue;
    const used = new Set(kept.flatMap((g) => g.commands.filter((c) => selected.has(c))));
    const actions = [...new Set(kept.map((g) => g.action))].sort();
    const actionCommands: Record<string, CommandName[]> = {};
    for (const action of actions) {
      const by = new Set(kept.filter((g) => g.action === action).flatMap((g) => g.commands.filter((c) => selected.has(c))));
      actionCommands[action] = COMMAND_NAMES.filter((c) => by.has(c));
    }
    const requirement: Requirement = {
      sid: draft.sid,
      actions,
      resources: [...new Set(draft.resources)],
      why: draft.why,
      commands: COMMAND_NAMES.filter((c) => used.has(c)),
      actionCommands,
      principal: draft.viaCloudFormation && input.serviceRoleArn ? "serviceRole" : "caller",
    };
    if (draft.condition) requirement.condition = draft.condition;
    if (draft.optional) requirement.optional = true;
    requirements.push(requirement);
  }
  if (input.stackSet) requirements.push(...stackSetRequirements(input.stackSet, { partition: arns.partition, account: arns.account, commands: input.commands }));
  return requirements;
}

export interface RequirementRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/**
 * The single requests a requirement stands for: each action on each resource, once per allowed value
 * of each condition key (a request carries one value: PassRole passes to one service at a time).
 */
export function requirementRequests(requirement: Requirement): RequirementRequest[] {
  const contexts: Array<Record<string, string>> = [{}];
  for (const keys of Object.values(requirement.condition ?? {})) {
    for (const [key, value] of Object.entries(keys)) {
      const values = Array.isArray(value) ? value : [value];
      const next: Array<Record<string, string>> = [];
      for (const ctx of contexts) for (const v of values) next.push({ ...ctx, [key]: v });
      contexts.splice(0, contexts.length, ...next);
    }
  }
  const out: RequirementRequest[] = [];
  for (const action of requirement.actions) {
    for (const resource of requirement.resources) {
      for (const context of contexts) out.push(Object.keys(context).length > 0 ? { action, resource, context } : { action, resource });
    }
  }
  return out;
}
