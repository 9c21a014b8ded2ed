// StackSets names that settings, the engine and the IAM model share, without loading the settings schema.

export const PERMISSION_MODELS = ["SELF_MANAGED", "SERVICE_MANAGED"] as const;
export type PermissionModel = (typeof PERMISSION_MODELS)[number];

/** AWS's default role names for self-managed stack sets (AWS CloudFormation User Guide, "Grant self-managed permissions"). */
export const DEFAULT_ADMINISTRATION_ROLE = "AWSCloudFormationStackSetAdministrationRole";
export const DEFAULT_EXECUTION_ROLE = "AWSCloudFormationStackSetExecutionRole";
