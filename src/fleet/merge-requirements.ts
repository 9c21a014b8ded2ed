// One requirement for many stacks (`cody policy --all`, `--regions`): the union of each stack's, merged
// by statement so the policy stays one statement per need. Requirements merge only when they grant
// under the same condition, for the same principal and with the same optionality; otherwise the later
// one keeps its own statement under a numbered Sid.
import type { CommandName, Requirement } from "../iam/requirements";
import { COMMAND_NAMES } from "../iam/requirements";

function scopeKey(r: Requirement): string {
  return JSON.stringify([r.condition ?? null, r.principal ?? "caller", Boolean(r.optional)]);
}

function unionCommands(a: readonly CommandName[], b: readonly CommandName[]): CommandName[] {
  const both = new Set([...a, ...b]);
  return COMMAND_NAMES.filter((c) => both.has(c));
}

export function mergeRequirements(lists: readonly Requirement[][]): Requirement[] {
  const merged: Requirement[] = [];
  const bySid = new Map<string, Requirement[]>();
  for (const list of lists) {
    for (const requirement of list) {
      const same = bySid.get(requirement.sid) ?? [];
      const into = same.find((r) => scopeKey(r) === scopeKey(requirement));
      if (into) {
        into.actions = [...new Set([...into.actions, ...requirement.actions])].sort();
        into.resources = [...new Set([...into.resources, ...requirement.resources])];
        into.commands = unionCommands(into.commands, requirement.commands);
        const actionCommands: Record<string, CommandName[]> = { ...into.actionCommands };
        for (const [action, commands] of Object.entries(requirement.actionCommands ?? {})) {
          actionCommands[action] = unionCommands(actionCommands[action] ?? [], commands);
        }
        into.actionCommands = actionCommands;
        continue;
      }
      const copy: Requirement = {
        ...requirement,
        sid: same.length === 0 ? requirement.sid : `${requirement.sid}${same.length + 1}`,
        actions: [...requirement.actions],
        resources: [...requirement.resources],
        commands: [...requirement.commands],
        ...(requirement.actionCommands ? { actionCommands: { ...requirement.actionCommands } } : {}),
      };
      same.push(copy);
      bySid.set(requirement.sid, same);
      merged.push(copy);
    }
  }
  return merged;
}
