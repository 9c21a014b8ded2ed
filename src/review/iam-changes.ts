// What a deploy changes in permissions, from the deployed and the synthesized template: statements
// added to or removed from role policies, managed policies attached or detached, trust policy and
// permissions-boundary changes, and the role a project runs as. Each is marked broadening (someone can
// do more afterwards) or narrowing. Pure; the deploy asks for approval from this (approval.ts).
import { isPlainObject, type PlainObject } from "../util/merge";
import { textTable } from "../util/table";
import { formatValue, sameValue, type TemplateLike } from "./template-diff";

export type IamChangeKind = "statement" | "trust" | "managed-policy" | "boundary" | "service-role";

export interface IamChange {
  /** `+` added, `-` removed. */
  change: "+" | "-";
  /** The role (or policy) resource, by logical id. */
  logicalId: string;
  kind: IamChangeKind;
  /** The inline policy a statement is in (`CodeBuildAccess`); for AWS::IAM::Policy, its logical id. */
  policy?: string;
  effect?: string;
  actions?: string[];
  /** Resource of a statement; NotAction/NotResource are shown with a `NOT ` prefix. */
  resources?: unknown[];
  principal?: unknown;
  condition?: unknown;
  /** The ARN of a managed policy, a boundary, or a project's existing service role. */
  value?: unknown;
  broadening: boolean;
  /** The statement allows iam:PassRole (or a wildcard that covers it). */
  passRole: boolean;
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export function iamChanges(before: TemplateLike | undefined, after: TemplateLike): IamChange[] {
  const old = resources(before);
  const next = resources(after);
  const out: IamChange[] = [];
  const ids = [...new Set([...Object.keys(next), ...Object.keys(old)])];
  for (const id of ids) {
    const a = old[id];
    const b = next[id];
    const type = String((b ?? a)?.Type ?? "");
    const pa = props(a);
    const pb = props(b);
    if (type === "AWS::IAM::Role") {
      for (const name of new Set([...inlinePolicies(pa).keys(), ...inlinePolicies(pb).keys()])) {
        out.push(...statementChanges(id, name, "statement", inlinePolicies(pa).get(name), inlinePolicies(pb).get(name)));
      }
      out.push(...statementChanges(id, undefined, "trust", statementsOf(pa.AssumeRolePolicyDocument), statementsOf(pb.AssumeRolePolicyDocument)));
      out.push(...listChanges(id, "managed-policy", asList(pa.ManagedPolicyArns), asList(pb.ManagedPolicyArns)));
      out.push(...listChanges(id, "boundary", asList(pa.PermissionsBoundary), asList(pb.PermissionsBoundary)));
    } else if (type === "AWS::IAM::Policy" || type === "AWS::IAM::ManagedPolicy") {
      out.push(...statementChanges(id, id, "statement", statementsOf(pa.PolicyDocument), statementsOf(pb.PolicyDocument)));
    } else if (type === "AWS::CodeBuild::Project") {
      // A role from outside the template: its permissions are not shown here, so a change to it counts.
      out.push(...listChanges(id, "service-role", external(pa.ServiceRole), external(pb.ServiceRole)));
    }
  }
  return out;
}

/** Whether any change lets someone do more than before. */
export function isBroadening(changes: IamChange[]): boolean {
  return changes.some((c) => c.broadening);
}

function resources(template: TemplateLike | undefined): Record<string, PlainObject> {
  return Object.fromEntries(Object.entries(template?.Resources ?? {}).filter((e): e is [string, PlainObject] => isPlainObject(e[1])));
}

function props(resource: PlainObject | undefined): PlainObject {
  return resource && isPlainObject(resource.Properties) ? resource.Properties : {};
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A service role given as an ARN (not a GetAtt of a role in the template). */
function external(value: unknown): unknown[] {
  return typeof value === "string" ? [value] : [];
}

function inlinePolicies(properties: PlainObject): Map<string, Statement[]> {
  const map = new Map<string, Statement[]>();
  for (const policy of asList(properties.Policies)) {
    if (!isPlainObject(policy)) continue;
    map.set(String(policy.PolicyName ?? "?"), statementsOf(policy.PolicyDocument));
  }
  return map;
}

function statementsOf(document: unknown): Statement[] {
  if (!isPlainObject(document)) return [];
  return asList(document.Statement).filter(isPlainObject) as Statement[];
}

function listChanges(logicalId: string, kind: IamChangeKind, before: unknown[], after: unknown[]): IamChange[] {
  const out: IamChange[] = [];
  // A boundary limits what a role can do: removing one broadens, adding one narrows; a changed one may do either.
  const boundary = kind === "boundary";
  const changed = boundary && before.length > 0 && after.length > 0;
  for (const value of after) {
    if (!before.some((v) => sameValue(v, value))) out.push({ change: "+", logicalId, kind, value, broadening: boundary ? changed : true, passRole: false });
  }
  for (const value of before) {
    if (!after.some((v) => sameValue(v, value))) out.push({ change: "-", logicalId, kind, value, broadening: boundary && !changed, passRole: false });
  }
  return out;
}

function statementChanges(logicalId: string, policy: string | undefined, kind: IamChangeKind, before: Statement[] = [], after: Statement[] = []): IamChange[] {
  const added = after.filter((s) => !before.some((o) => sameValue(o, s)));
  const removed = before.filter((s) => !after.some((n) => sameValue(n, s)));
  return [
    ...added.map((s) => toChange("+", logicalId, policy, kind, s, !covered(s, removed))),
    ...removed.map((s) => toChange("-", logicalId, policy, kind, s, (s.Effect ?? "Allow") === "Deny")),
  ];
}

/**
 * An added statement broadens unless it allows nothing new: a Deny, or an Allow whose actions and
 * resources are within one removed statement with the same Sid, conditions and principal (a narrowed edit).
 */
function covered(statement: Statement, removed: Statement[]): boolean {
  if ((statement.Effect ?? "Allow") === "Deny") return true;
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) return false;
  return removed.some(
    (old) =>
      (old.Effect ?? "Allow") === "Allow" &&
      old.NotAction === undefined &&
      old.NotResource === undefined &&
      old.Sid === statement.Sid &&
      sameValue(old.Condition, statement.Condition) &&
      sameValue(old.Principal, statement.Principal) &&
      subset(asList(statement.Action), asList(old.Action)) &&
      subset(asList(statement.Resource), asList(old.Resource)),
  );
}

function subset(small: unknown[], big: unknown[]): boolean {
  return small.every((x) => big.some((y) => sameValue(x, y)));
}

function toChange(change: "+" | "-", logicalId: string, policy: string | undefined, kind: IamChangeKind, s: Statement, broadening: boolean): IamChange {
  const actions = s.NotAction !== undefined ? asList(s.NotAction).map((a) => `NOT ${String(a)}`) : asList(s.Action).map(String);
  const resourceList = s.NotResource !== undefined ? asList(s.NotResource).map((r) => `NOT ${formatValue(r)}`) : asList(s.Resource);
  return {
    change,
    logicalId,
    kind,
    ...(policy !== undefined ? { policy } : {}),
    effect: s.Effect ?? "Allow",
    actions,
    resources: resourceList,
    ...(s.Principal !== undefined ? { principal: s.Principal } : {}),
    ...(s.Condition !== undefined ? { condition: s.Condition } : {}),
    broadening,
    passRole: (s.Effect ?? "Allow") === "Allow" && allowsPassRole(s),
  };
}

/** iam:PassRole itself, or a wildcard that matches it (`*`, `iam:*`, `iam:Pass*`); NotAction without it. */
function allowsPassRole(s: Statement): boolean {
  if (s.NotAction !== undefined) return !asList(s.NotAction).some((a) => matches(String(a), "iam:passrole"));
  return asList(s.Action).some((a) => matches(String(a), "iam:passrole"));
}

function matches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
  return re.test(action);
}

// ---------------------------------------------------------------- the table

const KIND_LABEL: Record<IamChangeKind, string> = {
  statement: "statement",
  trust: "trust policy",
  "managed-policy": "managed policy",
  boundary: "boundary",
  "service-role": "service role",
};

/**
 * The security-changes table, one row per change, broadening rows first. [] when nothing changes.
 * `columns` (a terminal's width) stacks each change's actions, resources and condition under its row
 * when the table would be wider, so a terminal never wraps it mid-word; logs get the one-line table.
 */
export function formatIamTable(changes: IamChange[], width = 60, columns?: number): string[] {
  if (changes.length === 0) return [];
  const ordered = [...changes].sort((a, b) => Number(b.broadening) - Number(a.broadening));
  const heads = ordered.map((c) => [c.change, c.broadening ? "broadening" : "narrowing", `${c.logicalId}${c.policy && c.policy !== c.logicalId ? `/${c.policy}` : ""}`, KIND_LABEL[c.kind], c.effect ?? ""]);
  const details = ordered.map((c) => ({
    actions: c.actions ? c.actions.join(", ") + (c.passRole && !c.actions.some((a) => /passrole/i.test(a)) ? " (incl. iam:PassRole)" : "") : "",
    targetLabel: c.kind === "trust" ? "principal" : "resources",
    target: c.kind === "trust" ? formatValue(c.principal, width) : c.resources ? c.resources.map(plain).join(", ") : plain(c.value),
    condition: c.condition !== undefined ? formatValue(c.condition, width) : "",
  }));
  const rows = heads.map((head, i) => [...head, cell(details[i]!.actions, width), cell(details[i]!.target, width), details[i]!.condition]);
  const table = textTable(["", "", "Resource", "Change", "Effect", "Actions", "Resources / principal", "Condition"], rows);
  if (columns === undefined || table.every((line) => line.length <= columns)) return table;
  return stacked(heads, details, columns);
}

/** Each change as its row's first five cells, then one indented line per detail, cut to `columns`. */
function stacked(heads: string[][], details: Array<Record<"actions" | "targetLabel" | "target" | "condition", string>>, columns: number): string[] {
  const [header, ...rows] = textTable(["", "", "Resource", "Change", "Effect"], heads);
  const room = Math.max(20, columns - STACK_INDENT.length - 12);
  const lines = [header!];
  rows.forEach((row, i) => {
    lines.push(row);
    const d = details[i]!;
    const labelled: Array<[string, string]> = [["actions", d.actions], [d.targetLabel, d.target], ["condition", d.condition]];
    for (const [label, text] of labelled) if (text) lines.push(`${STACK_INDENT}${label.padEnd(11)} ${cell(text, room)}`);
  });
  return lines;
}

const STACK_INDENT = "    ";

/** An ARN as written: a string, or the text of its `Fn::Sub` (pseudo-parameters stay readable). */
function plain(value: unknown): string {
  if (typeof value === "string") return value;
  if (isPlainObject(value) && typeof value["Fn::Sub"] === "string") return value["Fn::Sub"];
  return formatValue(value);
}

function cell(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}
