// One requirement for many stacks (`cody policy --all`, `--regions`): the union of each stack's, merged
// by statement so the policy stays one statement per need. Requirements merge only when they grant
// under the same condition, for the same principal and with the same optionality, AND grant the same
// actions or the same resources: A×R1 ∪ A×R2 = A×(R1∪R2), but merging A1×R1 with A2×R2 would grant A2
// on R1 (e.g. one project's unbounded role writes on another project's bounded roles). Otherwise the
// later one keeps its own statement under a numbered Sid.
import type { CommandName, Requirement } from "../iam/requirements";
import { COMMAND_NAMES } from "../iam/requirements";

function scopeKey(r: Requirement): string {
  return JSON.stringify([r.condition ?? null, r.principal ?? "caller", Boolean(r.optional)]);
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((x) => right.has(x));
}

/** Merging keeps exactly the union of granted (action, resource) pairs. */
function mergeable(into: Requirement, next: Requirement): boolean {
  return scopeKey(into) === scopeKey(next) && (sameSet(into.actions, next.actions) || sameSet(into.resources, next.resources));
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
      const into = same.find((r) => mergeable(r, requirement));
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
