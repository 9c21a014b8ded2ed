// The requirement model's vocabulary: the commands, a requirement (actions, resources, condition, why,
// who holds it), and the drafts the rules write before requirementsFor() settles them per command.
import type { SynthResult } from "../synth/template";
import type { StackSetScope } from "./stack-set-requirements";

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
export interface Grant {
  action: string;
  commands: readonly CommandName[];
}

export interface Draft {
  sid: string;
  grants: Grant[];
  resources: string[];
  condition?: ConditionBlock;
  why: string;
  /** Made by CloudFormation on the stack's behalf (moves to the service role when there is one). */
  viaCloudFormation?: boolean;
  optional?: boolean;
}

export const STACK_WRITE: readonly CommandName[] = ["deploy", "diff"];
export const LIFECYCLE: readonly CommandName[] = ["deploy", "delete"];
export const FIND_PROJECT: readonly CommandName[] = ["start", "stop", "status", "logs", "badge"];

export function grants(commands: readonly CommandName[], ...actions: string[]): Grant[] {
  return actions.map((action) => ({ action, commands }));
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
