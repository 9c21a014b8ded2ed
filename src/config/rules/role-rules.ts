// Rules of the generated role that span fields: actions IAM knows, Sids unique in the one inline
// policy, the settings' permissions boundary against the role's own, and raw Policies that would
// otherwise crowd out cody's statements. Shapes are checked by the schema (rules/statements.ts).
import { readFileSync } from "node:fs";
import type { Issue } from "../../errors";
import { iamActionProblem, iamServiceProblem, type ActionProblem } from "../../policy/actions";
import { CODY_POLICY_NAME, defaultStatements, sameBoundary } from "../../synth/role-resource";
import { isPlainObject } from "../../util/merge";
import type { LoadedProject } from "../load-project";
import { resolveProject } from "../resolve";
import { formatPath } from "../validate";

export function checkRole(p: LoadedProject, file: string, prefix: string): Issue[] {
  const issues: Issue[] = [];
  if (p.project.serviceRole) return issues; // no generated role; project-rules reports role settings that would be ignored
  checkRoleActions(p, file, prefix, issues);
  checkSids(p, file, prefix, issues);
  checkBoundary(p, file, prefix, issues);
  checkRawPolicies(p, file, prefix, issues);
  return issues;
}

const fieldOf = (prefix: string, path: ReadonlyArray<string | number>) => `${prefix}${formatPath(path)}`;

/**
 * Misspelt actions and service prefixes in the role's own statements. IAM accepts them, so without this
 * the stack deploys and the build fails later with access denied. The action list is decoded only
 * here, so a project without role statements never loads it.
 */
function checkRoleActions(p: LoadedProject, file: string, prefix: string, issues: Issue[]): void {
  const found: Array<{ field: string; value: string; problem: ActionProblem }> = [];
  for (const { statement, path, keys, shorthand } of p.role?.iamPolicy ?? []) {
    if (shorthand !== undefined) {
      const problem = shorthand.includes(":") ? iamActionProblem(shorthand) : iamServiceProblem(shorthand);
      if (problem) found.push({ field: fieldOf(prefix, path), value: shorthand, problem });
      continue;
    }
    for (const key of ["Action", "NotAction"] as const) {
      const value = statement[key];
      (typeof value === "string" ? [value] : (value ?? [])).forEach((action, j) => {
        const problem = iamActionProblem(action);
        const field = fieldOf(prefix, [...path, keys[key] ?? key, ...(Array.isArray(value) ? [j] : [])]);
        if (problem) found.push({ field, value: action, problem });
      });
    }
  }
  if (found.length === 0) return;
  // The line of each quoted value after `iamPolicy` (the n-th for a value that repeats): the field path
  // alone would point at the first `action:` of the list.
  let source = "";
  try {
    source = readFileSync(file, "utf8");
  } catch {
    // No line numbers then.
  }
  const start = Math.max(0, source.search(/\biamPolicy\b/));
  const seen = new Map<string, number>();
  for (const { field, value, problem } of found) {
    const nth = seen.get(value) ?? 0;
    seen.set(value, nth + 1);
    let at = start - 1;
    for (let k = 0; k <= nth && (k === 0 || at >= 0); k++) at = nextLiteral(source, value, at + 1);
    const line = at >= 0 ? source.slice(0, at).split("\n").length : undefined;
    issues.push({ file, ...(line ? { line } : {}), field, message: problem.message, fix: problem.fix });
  }
}

/** Index of the next `"value"`, `'value'` or `` `value` `` in source from `from`, or -1. */
function nextLiteral(source: string, value: string, from: number): number {
  const hits = ['"', "'", "`"].map((q) => source.indexOf(`${q}${value}${q}`, from)).filter((i) => i >= 0);
  return hits.length > 0 ? Math.min(...hits) : -1;
}

/** IAM refuses a policy whose statements share a Sid; the user's go into one policy with cody's own. */
function checkSids(p: LoadedProject, file: string, prefix: string, issues: Issue[]): void {
  const taken = new Map<string, string>();
  // cody's statements as resolve settles them; a project whose source or schedule failed has other errors first.
  const resolvable = p.source.ok && p.scheduleExpression?.ok !== false;
  if (!p.role?.replaceDefaults && resolvable) for (const s of defaultStatements(resolveProject(p))) if (typeof s.Sid === "string") taken.set(s.Sid, "cody's default statements");
  for (const { statement, path, keys } of p.role?.iamPolicy ?? []) {
    if (!statement.Sid) continue;
    const other = taken.get(statement.Sid);
    const field = fieldOf(prefix, [...path, keys.Sid ?? "Sid"]);
    if (other) {
      issues.push({ file, field, message: `Sid "${statement.Sid}" is already used by ${other}; IAM requires the Sids of one policy to be unique.`, fix: `Rename it, e.g. "${statement.Sid}2", or remove the Sid.` });
    } else taken.set(statement.Sid, field);
  }
}

/**
 * The settings' boundary goes on every role cody generates, and the deploy policy allows creating roles
 * only with it: a role that asks for another one would be refused by IAM at deploy, so say so here.
 */
function checkBoundary(p: LoadedProject, file: string, prefix: string, issues: Issue[]): void {
  const required = p.settings.permissionsBoundary;
  if (!required) return;
  const own: Array<[string, unknown]> = [
    ["permissionsBoundary", p.role?.permissionsBoundary],
    ["properties.PermissionsBoundary", p.role?.properties?.PermissionsBoundary],
  ];
  for (const [key, value] of own) {
    if (value === undefined || sameBoundary(value, required)) continue;
    issues.push({
      file,
      field: `${prefix}${key}`,
      message: `the settings put the permissions boundary ${required} on every role cody generates; this role asks for ${typeof value === "string" ? value : JSON.stringify(value)} instead.`,
      fix: `Remove ${key} (the settings' boundary applies), or change permissionsBoundary in ${p.files.settings ? "the settings file" : "settings"}.`,
    });
  }
}

/** Raw Policies are added to cody's inline policy (see role-resource.ts): they must be a list, and not reuse its name. */
function checkRawPolicies(p: LoadedProject, file: string, prefix: string, issues: Issue[]): void {
  const policies = p.role?.properties?.Policies;
  if (policies === undefined) return;
  const field = `${prefix}properties.Policies`;
  if (!Array.isArray(policies)) {
    issues.push({ file, field, message: "Policies must be a list of { PolicyName, PolicyDocument }.", fix: 'Write Policies: [{ PolicyName: "Extra", PolicyDocument: { Version: "2012-10-17", Statement: [...] } }], or use iamPolicy.' });
    return;
  }
  policies.forEach((policy, i) => {
    if (!isPlainObject(policy) || typeof policy.PolicyName !== "string" || !isPlainObject(policy.PolicyDocument)) {
      issues.push({ file, field: `${field}[${i}]`, message: "each policy needs a PolicyName (a string) and a PolicyDocument (an object).", fix: 'Write { PolicyName: "Extra", PolicyDocument: { Version: "2012-10-17", Statement: [...] } }.' });
    } else if (policy.PolicyName === CODY_POLICY_NAME) {
      issues.push({
        file,
        field: `${field}[${i}].PolicyName`,
        message: `"${CODY_POLICY_NAME}" is the name of cody's own inline policy (build logs, the parameters and secrets the project reads, and iamPolicy).`,
        fix: `Rename this policy; to replace cody's statements, use replaceDefaults: true with iamPolicy.`,
      });
    }
  });
}
