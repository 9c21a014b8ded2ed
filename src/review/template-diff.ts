// What changes between the deployed template and the synthesized one, as property paths with old and
// new values. Pure: two parsed templates in, a list out. CloudFormation's change set says which
// properties change (names only); this says how, so a reviewer sees `SMALL → LARGE`, not `Environment`.
import { isPlainObject, type PlainObject } from "../util/merge";

export interface ValueChange {
  /** Where, below the resource: `Environment.ComputeType`, `Policies[CodeBuildAccess].PolicyDocument.Statement[+]`. */
  path: string;
  /** Absent for an addition. */
  old?: unknown;
  /** Absent for a removal. */
  new?: unknown;
}

export interface ResourceDiff {
  logicalId: string;
  resourceType: string;
  action: "Add" | "Remove" | "Modify";
  /** For a Modify; [] for Add and Remove (the whole resource is the change). */
  changes: ValueChange[];
}

export interface TemplateLike {
  Resources?: Record<string, unknown>;
  Outputs?: Record<string, unknown>;
}

/**
 * Keys that name an element of a CloudFormation list, so lists are compared element by element (an
 * environment variable by Name, a tag by Key, an inline policy by PolicyName, a statement by Sid).
 */
const ELEMENT_KEYS = ["Sid", "PolicyName", "Name", "Key", "Id", "LogicalId"];

export function diffTemplates(before: TemplateLike | undefined, after: TemplateLike): ResourceDiff[] {
  const old = resourcesOf(before);
  const next = resourcesOf(after);
  const out: ResourceDiff[] = [];
  for (const [id, resource] of Object.entries(next)) {
    const type = String(resource.Type ?? "");
    const previous = old[id];
    if (!previous) {
      out.push({ logicalId: id, resourceType: type, action: "Add", changes: [] });
      continue;
    }
    const changes = diffResource(previous, resource);
    if (changes.length > 0) out.push({ logicalId: id, resourceType: type, action: "Modify", changes });
  }
  for (const [id, resource] of Object.entries(old)) {
    if (!(id in next)) out.push({ logicalId: id, resourceType: String(resource.Type ?? ""), action: "Remove", changes: [] });
  }
  return out;
}

function resourcesOf(template: TemplateLike | undefined): Record<string, PlainObject> {
  const resources = template?.Resources ?? {};
  return Object.fromEntries(Object.entries(resources).filter((entry): entry is [string, PlainObject] => isPlainObject(entry[1])));
}

/** Properties by path (without a `Properties.` prefix); resource attributes (DeletionPolicy, DependsOn) by name. */
export function diffResource(before: PlainObject, after: PlainObject): ValueChange[] {
  const changes: ValueChange[] = [];
  const { Properties: oldProps, Type: _oldType, ...oldAttrs } = before;
  const { Properties: newProps, Type: _newType, ...newAttrs } = after;
  diffValue(oldProps ?? {}, newProps ?? {}, "", changes);
  diffValue(oldAttrs, newAttrs, "", changes);
  return changes;
}

function join(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

function diffValue(before: unknown, after: unknown, path: string, out: ValueChange[]): void {
  if (sameValue(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after) && !isIntrinsic(before) && !isIntrinsic(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      const p = join(path, key);
      if (!(key in before)) out.push({ path: p, new: after[key] });
      else if (!(key in after)) out.push({ path: p, old: before[key] });
      else diffValue(before[key], after[key], p, out);
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    diffList(before, after, path, out);
    return;
  }
  out.push({ path: path || "(resource)", old: before, new: after });
}

/**
 * Lists element by element. Elements with a naming key (see ELEMENT_KEYS) are matched by it and diffed
 * inside; others are matched by value, so a list that gains one action shows that one action as added
 * (CloudFormation's lists here are sets in all but order: actions, ARNs, subnets, statements).
 */
function diffList(before: unknown[], after: unknown[], path: string, out: ValueChange[]): void {
  const keyOf = elementKey([...before, ...after]);
  if (keyOf) {
    const oldByKey = new Map(before.map((e) => [keyOf(e), e]));
    const newByKey = new Map(after.map((e) => [keyOf(e), e]));
    for (const [key, element] of newByKey) {
      const p = `${path}[${key}]`;
      if (!oldByKey.has(key)) out.push({ path: p, new: element });
      else diffValue(oldByKey.get(key), element, p, out);
    }
    for (const [key, element] of oldByKey) if (!newByKey.has(key)) out.push({ path: `${path}[${key}]`, old: element });
    return;
  }
  const remaining = [...after];
  const removed: unknown[] = [];
  for (const element of before) {
    const i = remaining.findIndex((e) => sameValue(e, element));
    if (i >= 0) remaining.splice(i, 1);
    else removed.push(element);
  }
  // One element replaced by one other: show it as a change of that element, where it was.
  if (removed.length === 1 && remaining.length === 1 && before.length === after.length) {
    const index = before.findIndex((e) => sameValue(e, removed[0]));
    diffValue(removed[0], remaining[0], `${path}[${index}]`, out);
    return;
  }
  for (const element of removed) out.push({ path: `${path}[-]`, old: element });
  for (const element of remaining) out.push({ path: `${path}[+]`, new: element });
}

/** A key every element has, with distinct plain values: the list's elements are named by it. */
function elementKey(elements: unknown[]): ((e: unknown) => string) | undefined {
  if (elements.length === 0 || !elements.every(isPlainObject)) return undefined;
  const objects = elements as PlainObject[];
  for (const key of ELEMENT_KEYS) {
    if (!objects.every((o) => typeof o[key] === "string")) continue;
    return (e) => String((e as PlainObject)[key]);
  }
  return undefined;
}

function isIntrinsic(value: PlainObject): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || keys[0].startsWith("Fn::"));
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with object keys sorted, so key order (which CloudFormation ignores) does not count as a change. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isPlainObject(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

// ---------------------------------------------------------------- values as text

const MAX_VALUE = 70;

/** A value on one line: intrinsics in CloudFormation's short form, long values shortened in the middle. */
export function formatValue(value: unknown, max = MAX_VALUE): string {
  return shorten(render(value), max);
}

function render(value: unknown): string {
  if (value === undefined) return "(none)";
  if (typeof value === "string") return JSON.stringify(value);
  if (isPlainObject(value) && isIntrinsic(value)) {
    const [fn, arg] = Object.entries(value)[0]!;
    if (fn === "Ref") return `!Ref ${String(arg)}`;
    if (fn === "Fn::GetAtt" && Array.isArray(arg)) return `!GetAtt ${arg.map(String).join(".")}`;
    if (fn === "Fn::Sub" && typeof arg === "string") return `!Sub ${JSON.stringify(arg)}`;
    return `!${fn.slice(4)} ${JSON.stringify(arg)}`;
  }
  if (Array.isArray(value)) return `[${value.map(render).join(", ")}]`;
  if (isPlainObject(value)) return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${render(v)}`).join(", ")} }`;
  return JSON.stringify(value);
}

export function shorten(text: string, max = MAX_VALUE): string {
  const flat = text.replace(/\\n/g, "⏎");
  if (flat.length <= max) return flat;
  const head = Math.ceil((max - 1) * 0.6);
  const tail = max - 1 - head;
  return `${flat.slice(0, head)}…${flat.slice(flat.length - tail)}`;
}

/**
 * Two long strings (a buildspec) shortened around where they first differ, so the difference is what
 * shows; short ones as formatValue.
 */
export function formatPair(before: unknown, after: unknown, max = MAX_VALUE): [string, string] {
  if (typeof before !== "string" || typeof after !== "string") return [formatValue(before, max), formatValue(after, max)];
  const a = JSON.stringify(before).replace(/\\n/g, "⏎");
  const b = JSON.stringify(after).replace(/\\n/g, "⏎");
  if (a.length <= max && b.length <= max) return [a, b];
  let start = 0;
  while (start < a.length && a[start] === b[start]) start += 1;
  const from = Math.max(0, start - 15);
  const clip = (s: string) => {
    const body = s.slice(from, from + max - (from > 0 ? 1 : 0) - 1);
    return `${from > 0 ? "…" : ""}${body}${from + body.length < s.length ? "…" : ""}`;
  };
  return [clip(a), clip(b)];
}

/** `path: old → new`, `path: + new`, `path: - old`. */
export function formatChange(change: ValueChange): string {
  // A whole element added or removed (a statement, a variable) gets more room: it is all there is to see.
  if (!("old" in change)) return `${change.path}: + ${formatValue(change.new, 2 * MAX_VALUE)}`;
  if (!("new" in change)) return `${change.path}: - ${formatValue(change.old, 2 * MAX_VALUE)}`;
  const [a, b] = formatPair(change.old, change.new);
  return `${change.path}: ${a} → ${b}`;
}
