// What CloudFormation's resource handlers call, for the resource types cody emits: the published handler
// permission lists (src/generated/cfn-handler-permissions.ts), CodeBuild's derived from its API (it
// publishes none), minus the permissions of features cody never emits, each excluded with its reason.
// The requirement model places these actions; the tests check every one of them is granted.
import { CFN_HANDLER_PERMISSIONS } from "../generated/cfn-handler-permissions";
import { isPlainObject, type PlainObject } from "../util/merge";

export type ResourceHandler = "create" | "read" | "update" | "delete";
export const RESOURCE_HANDLERS: readonly ResourceHandler[] = ["create", "read", "update", "delete"];

export const EMITTED_RESOURCE_TYPES = ["AWS::CodeBuild::Project", "AWS::IAM::Role", "AWS::Events::Rule", "AWS::Scheduler::Schedule", "AWS::Logs::LogGroup"] as const;
export type EmittedResourceType = (typeof EMITTED_RESOURCE_TYPES)[number];

/** A permission of a handler cody derived itself, with where it comes from. */
export interface DerivedPermission {
  action: string;
  handlers: readonly ResourceHandler[];
  /** Needed only when the resource's properties say so. */
  when?: (properties: PlainObject) => boolean;
  source: string;
}

const webhook = (p: PlainObject) => isPlainObject(p.Triggers) && p.Triggers.Webhook === true;

/**
 * AWS::CodeBuild::Project is not a registry resource and publishes no handler list: derived from the
 * CodeBuild API reference (https://docs.aws.amazon.com/codebuild/latest/APIReference/) and the IAM
 * Service Authorization Reference. CodeBuild has no TagResource action: the stack's tags travel in the
 * `tags` parameter of CreateProject and UpdateProject, which are authorized with `aws:RequestTag`.
 */
export const CODEBUILD_PROJECT_PERMISSIONS: readonly DerivedPermission[] = [
  { action: "codebuild:CreateProject", handlers: ["create"], source: "CreateProject creates the project, with the stack's tags in its tags parameter." },
  { action: "codebuild:UpdateProject", handlers: ["update"], source: "UpdateProject applies property changes and replaces the project's tags (tags parameter)." },
  {
    action: "codebuild:BatchGetProjects",
    handlers: ["create", "read", "update", "delete"],
    source: "BatchGetProjects reads the project back (its Arn attribute) and checks it exists before updating or deleting it.",
  },
  { action: "codebuild:DeleteProject", handlers: ["delete"], source: "DeleteProject removes the project (and its webhook)." },
  {
    action: "iam:PassRole",
    handlers: ["create", "update"],
    source: "CreateProject and UpdateProject pass the service role to CodeBuild (iam:PassedToService codebuild.amazonaws.com).",
  },
  { action: "codebuild:CreateWebhook", handlers: ["create", "update"], when: webhook, source: "CreateWebhook when Triggers.Webhook is true." },
  { action: "codebuild:UpdateWebhook", handlers: ["update"], when: webhook, source: "UpdateWebhook when the webhook's filter groups or build type change." },
  { action: "codebuild:DeleteWebhook", handlers: ["update", "delete"], when: webhook, source: "DeleteWebhook when the webhook is turned off or the project deleted." },
  {
    action: "codebuild:UpdateProjectVisibility",
    handlers: ["create", "update"],
    when: (p) => p.Visibility !== undefined,
    source: "UpdateProjectVisibility when Visibility is set (CreateProject does not take it).",
  },
];

/** A handler permission cody leaves out, unless the template sets `unlessProperty`. */
export interface Exclusion {
  type: EmittedResourceType;
  actions: readonly string[];
  /** The property that makes the handler call them; absent: cody never needs them. */
  unlessProperty?: string;
  reason: string;
}

export const EXCLUSIONS: readonly Exclusion[] = [
  {
    type: "AWS::IAM::Role",
    actions: ["iam:DeleteRolePermissionsBoundary"],
    reason: "Removing a role's permissions boundary widens what it may do: left to an administrator, never granted.",
  },
  {
    type: "AWS::IAM::Role",
    actions: ["iam:PutRolePolicy"],
    unlessProperty: "Policies",
    reason: "Writes an inline policy: only for roles the template gives inline policies (every role cody generates has them).",
  },
  {
    type: "AWS::IAM::Role",
    actions: ["iam:AttachRolePolicy"],
    unlessProperty: "ManagedPolicyArns",
    reason: "Attaches a managed policy: only with managedIamPolicy, and then only the policies the template names (iam:PolicyARN).",
  },
  {
    type: "AWS::IAM::Role",
    actions: ["iam:PutRolePermissionsBoundary"],
    unlessProperty: "PermissionsBoundary",
    reason: "Sets a permissions boundary: only with permissionsBoundary, and then only that boundary (iam:PermissionsBoundary).",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:AssociateKmsKey", "logs:DisassociateKmsKey"],
    unlessProperty: "KmsKeyId",
    reason: "cody's log group uses CloudWatch Logs' own encryption; it never sets KmsKeyId.",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:PutDataProtectionPolicy"],
    unlessProperty: "DataProtectionPolicy",
    reason: "cody never sets a data-protection policy (the handler only reads it, and deletes it with the group).",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:PutResourcePolicy", "logs:DeleteResourcePolicy"],
    unlessProperty: "ResourcePolicyDocument",
    reason: "cody never gives the log group a resource policy (the handler only lists them, which is granted).",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:PutIndexPolicy", "logs:DeleteIndexPolicy"],
    unlessProperty: "FieldIndexPolicies",
    reason: "cody never sets field index policies (the handler only lists them, which is granted).",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:PutBearerTokenAuthentication"],
    unlessProperty: "BearerTokenAuthenticationEnabled",
    reason: "cody never turns on bearer-token ingestion.",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:PutLogGroupDeletionProtection"],
    unlessProperty: "DeletionProtectionEnabled",
    reason: "cody never sets deletion protection (cody delete must be able to remove the group).",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["logs:CreateLogDelivery", "firehose:TagDeliveryStream"],
    reason: "Log delivery to Firehose or S3: cody's log group has no delivery configuration.",
  },
  {
    type: "AWS::Logs::LogGroup",
    actions: ["s3:REST.PUT.OBJECT"],
    reason: "Not an IAM action (an S3 access-log operation name in the published list); log delivery to S3, which cody never configures.",
  },
];

/**
 * Wildcard-only actions (no resource-level permissions) among the handlers' calls: granted on `*`
 * (the Service Authorization Reference; a test checks this list against it).
 */
export const RESOURCELESS_ACTIONS: ReadonlySet<string> = new Set([
  "logs:CreateLogDelivery",
  "logs:DeleteIndexPolicy",
  "logs:DeleteResourcePolicy",
  "logs:DescribeIndexPolicies",
  "logs:DescribeLogGroups",
  "logs:DescribeResourcePolicies",
  "logs:PutIndexPolicy",
  "logs:PutResourcePolicy",
]);

/** Why an action of a type's handlers is left out for these properties, or undefined when it is needed. */
export function exclusionFor(type: EmittedResourceType, action: string, properties: PlainObject): Exclusion | undefined {
  return EXCLUSIONS.find((e) => e.type === type && e.actions.includes(action) && (e.unlessProperty === undefined || properties[e.unlessProperty] === undefined));
}

/** Every action a type's handlers may call, per handler, before exclusions. */
export function publishedPermissions(type: EmittedResourceType, properties: PlainObject): Map<string, ResourceHandler[]> {
  const out = new Map<string, ResourceHandler[]>();
  const add = (action: string, handler: ResourceHandler) => {
    const list = out.get(action) ?? [];
    if (!list.includes(handler)) list.push(handler);
    out.set(action, list);
  };
  if (type === "AWS::CodeBuild::Project") {
    for (const p of CODEBUILD_PROJECT_PERMISSIONS) if (!p.when || p.when(properties)) p.handlers.forEach((h) => add(p.action, h));
  } else {
    const lists = CFN_HANDLER_PERMISSIONS[type] ?? {};
    for (const handler of RESOURCE_HANDLERS) for (const action of lists[handler] ?? []) add(action, handler);
  }
  for (const [action, handlers] of out) out.set(action, RESOURCE_HANDLERS.filter((h) => handlers.includes(h)));
  return out;
}

/** What a resource's handlers need, given its properties: action → the handlers that call it. */
export function handlerPermissions(type: EmittedResourceType, properties: PlainObject): Map<string, ResourceHandler[]> {
  const out = publishedPermissions(type, properties);
  for (const action of [...out.keys()]) if (exclusionFor(type, action, properties)) out.delete(action);
  return out;
}
