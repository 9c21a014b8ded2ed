// The rules: for a scope, every IAM need of every command as a draft (actions with the commands that
// call them, resources, condition, why). CloudFormation's handler calls come from handler-permissions.ts;
// the review's reads from the template's references. Pure.
import type { SynthResult } from "../synth/template";
import { templateReferences } from "../review/references";
import { handlerPermissions, RESOURCELESS_ACTIONS, type EmittedResourceType, type ResourceHandler } from "./handler-permissions";
import { COMMAND_NAMES, FIND_PROJECT, grants, LIFECYCLE, STACK_WRITE, type CommandName, type ConditionBlock, type Draft, type Grant, type RequirementInput } from "./requirement-model";
import { PASS_SERVICES, type Arns, type PassService, type Scope } from "./scope";

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

export function drafts(s: Scope, arns: Arns, input: RequirementInput): Draft[] {
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
