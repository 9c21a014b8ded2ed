// The requirement model: which IAM actions, on which resources and under which conditions, each cody
// command needs. Pure (no AWS, no files): `cody policy` prints it as a policy, `cody policy --check`
// evaluates a policy against it, and preflight simulates it against the caller.
//
// Two kinds of needs. The commands' own calls (change sets, StartBuild, log reads) are made with the
// caller's credentials. The resource calls (CreateProject, CreateRole, PutRule...) are made by
// CloudFormation, with the caller's credentials too unless the stack has a service role, in which
// case that role needs them instead (`principal`).
//
// requirement-model.ts holds the vocabulary, scope.ts reads the template, drafts.ts holds the rules;
// this file settles the drafts for the selected commands.
import { drafts } from "./drafts";
import { COMMAND_NAMES, type CommandName, type Requirement, type RequirementInput } from "./requirement-model";
import { Arns, genericScope, scopeFromTemplate } from "./scope";
import { stackSetRequirements } from "./stack-set-requirements";

export { COMMAND_NAMES, isCommandName, requirementRequests } from "./requirement-model";
export type { CommandName, ConditionBlock, Requirement, RequirementInput, RequirementRequest } from "./requirement-model";
export { BOUNDARY_GUARDED_ACTIONS } from "./drafts";

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
