// What `cody deploy --stack-set` asks StackSets for, from settings alone (pure): the set named after the
// stack, its permission model and roles, the targets (accounts or organizational units) × regions, and
// the operation preferences every operation carries.
import type { StackSetOperationPreferences } from "@aws-sdk/client-cloudformation";
import type { StackSetSettings } from "../config/stack-set-settings";
import { DEFAULT_ADMINISTRATION_ROLE, DEFAULT_EXECUTION_ROLE, type PermissionModel } from "../config/stack-set-defaults";

export interface StackSetPlan {
  /** The stack set is named after the stack (stack names are valid stack set names). */
  name: string;
  templateBody: string;
  tags: Record<string, string>;
  permissionModel: PermissionModel;
  regions: string[];
  /** SELF_MANAGED: the accounts (default: the caller's); SERVICE_MANAGED: the organizational units. */
  targets: string[];
  preferences: StackSetOperationPreferences;
  /** SELF_MANAGED only; undefined leaves AWS's default (the role of that name in the caller's account). */
  administrationRoleArn?: string;
  executionRoleName?: string;
}

/** The template creates IAM roles (and names them): StackSets needs both acknowledgements, as a stack does. */
export const CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"] as const;

export function stackSetPlan(input: { settings: StackSetSettings; stackName: string; templateBody: string; tags: Record<string, string>; callerAccount?: string }): StackSetPlan {
  const { settings } = input;
  const permissionModel = settings.permissionModel ?? "SELF_MANAGED";
  const targets = permissionModel === "SERVICE_MANAGED" ? (settings.organizationalUnits ?? []) : (settings.accounts ?? (input.callerAccount ? [input.callerAccount] : []));
  const preferences: StackSetOperationPreferences = {
    // Regions one after another in the order of the settings, so a bad template fails in the first one.
    RegionOrder: settings.regions,
    ...(settings.maxConcurrentPercentage !== undefined ? { MaxConcurrentPercentage: settings.maxConcurrentPercentage } : {}),
    ...(settings.failureTolerancePercentage !== undefined ? { FailureTolerancePercentage: settings.failureTolerancePercentage } : {}),
  };
  return {
    name: input.stackName,
    templateBody: input.templateBody,
    tags: input.tags,
    permissionModel,
    regions: settings.regions,
    targets,
    preferences,
    ...(permissionModel === "SELF_MANAGED" && settings.administrationRoleArn ? { administrationRoleArn: settings.administrationRoleArn } : {}),
    ...(permissionModel === "SELF_MANAGED" && settings.executionRoleName ? { executionRoleName: settings.executionRoleName } : {}),
  };
}

/** The administration role a SELF_MANAGED deploy passes (AWS's default name when settings name none). */
export function administrationRole(plan: Pick<StackSetPlan, "administrationRoleArn">, partition: string, account: string): string {
  return plan.administrationRoleArn ?? `arn:${partition}:iam::${account}:role/${DEFAULT_ADMINISTRATION_ROLE}`;
}

export function executionRole(plan: Pick<StackSetPlan, "executionRoleName">): string {
  return plan.executionRoleName ?? DEFAULT_EXECUTION_ROLE;
}
