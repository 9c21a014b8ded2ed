// Does a policy cover a *set* of requests? `cody policy --check` asks this of every requirement: its
// resource may be a pattern (`role/cody/app-*`), a condition value may be one (`ArnLike iam:PolicyARN`),
// and the region may be unknown. Covered means every request of the set is allowed and none is denied.
// The rules, and where the answer is conservative, are in the header of ./evaluate.ts.
import { conditionKeyHolds, parseConditionOperator } from "./conditions";
import type { EvalResult, PolicyDocument, IamStatement } from "./evaluate";
import { actionMatches, asArray, statementId } from "./matching";
import { findWitness, lit, outside, overlap, readableForms, STAR, type Pattern, type Token, type Witness } from "./glob-sets";

/** A context value that stands for every string it matches: `kind` says how (`StringLike` or `ArnLike`). */
export interface ValueSet {
  anyOf: string;
  kind: "glob" | "arn";
}

/** Any value at all: a key whose value is not known (e.g. the region of a generic check). */
export const ANY_VALUE: ValueSet = { anyOf: "*", kind: "glob" };

export type SetContextValue = string | string[] | ValueSet;

export interface SetRequest {
  /** A concrete action name. */
  action: string;
  /** An ARN pattern (every ARN it matches), or exactly "*" for actions that take no resource. */
  resource: string;
  context?: Record<string, SetContextValue>;
  /** The resource is one resource: its `*` and `?` are plain characters (evaluatePolicies' requests). */
  concrete?: boolean;
}

export interface CoverageResult extends EvalResult {
  /**
   * For a gap or a deny found in the resource: one concrete resource of the set that is denied (or
   * not allowed). A shortest one, with `x` (or another letter no pattern uses) for "any character".
   */
  example?: string;
}

type Context = Map<string, SetContextValue>;
type Tri = "true" | "false" | "unknown";
/** How to read what cannot be known (an unknown policy variable): as matching nothing, or anything. */
type Polarity = "under" | "over";

const isValueSet = (v: SetContextValue | undefined): v is ValueSet => typeof v === "object" && v !== null && !Array.isArray(v);
const hasWildcard = (s: string): boolean => /[*?]/.test(s);

// ---------------------------------------------------------------------------------------------------
// Policy variables → units: one character each, `special` when it came from the pattern itself (so a
// `*` there is a wildcard and a `:` a separator); substituted values are plain text.

interface Unit {
  c: string;
  special: boolean;
  unknown?: boolean;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** The value a policy variable stands for here: a plain string, or undefined when it is not one known value. */
function variableValue(inner: string, ctx: Context): string | undefined {
  const trimmed = inner.trim();
  if (trimmed === "*" || trimmed === "?" || trimmed === "$") return trimmed;
  const m = /^([^,]+?)\s*(?:,\s*'([^']*)'\s*)?$/.exec(trimmed);
  if (!m) return undefined;
  const value = ctx.get(m[1].trim().toLowerCase());
  if (value === undefined) return m[2];
  if (typeof value === "string") return value;
  if (isValueSet(value) && !hasWildcard(value.anyOf)) return value.anyOf;
  return undefined; // multivalued, or a set of values: not one string
}

function units(text: string, ctx: Context): Unit[] {
  const out: Unit[] = [];
  let last = 0;
  for (const m of text.matchAll(VARIABLE)) {
    for (const c of text.slice(last, m.index)) out.push({ c, special: true });
    const value = variableValue(m[1], ctx);
    if (value === undefined) out.push({ c: "", special: false, unknown: true });
    else for (const c of value) out.push({ c, special: false });
    last = (m.index ?? 0) + m[0].length;
  }
  for (const c of text.slice(last)) out.push({ c, special: true });
  return out;
}

function token(u: Unit, opts: { seg: boolean; fold: boolean; wild: boolean; polarity: Polarity }): Token {
  if (u.unknown) return opts.polarity === "over" ? { kind: "star", seg: opts.seg } : { kind: "never" };
  if (opts.wild && u.special && u.c === "*") return { kind: "star", seg: opts.seg };
  if (opts.wild && u.special && u.c === "?") return { kind: "one", seg: opts.seg };
  return { kind: "char", ch: opts.fold ? u.c.toLowerCase() : u.c, fold: opts.fold };
}

const textOf = (us: Unit[]): string => us.map((u) => u.c).join("");

/** A plain glob (StringLike, a non-ARN resource): `*` any run, `?` one character. */
function globPattern(text: string, ctx: Context, polarity: Polarity, fold = false): Pattern {
  return units(text, ctx).map((u) => token(u, { seg: false, fold, wild: true, polarity }));
}

interface ArnOptions {
  /** Resource matching: segments 1–4 case-insensitive, the resource-type prefix literal. */
  resource: boolean;
  /** A policy pattern (the prefix rule applies), or a requirement's set. */
  policy: boolean;
  polarity: Polarity;
}

/** An ARN pattern, segment-aware; undefined when it is not an ARN of six segments (Arn* conditions). */
function arnPattern(text: string, ctx: Context, opts: ArnOptions): Pattern | undefined {
  const all = units(text, ctx);
  const segments: Unit[][] = [[]];
  for (const u of all) {
    if (u.special && u.c === ":" && segments.length < 6) segments.push([]);
    else segments[segments.length - 1].push(u);
  }
  if (segments.length < 6) {
    if (!opts.resource) return undefined;
    while (segments.length < 6) segments.push([{ c: "*", special: true }]); // a short ARN: the rest are wildcards
  }
  const out: Token[] = [];
  segments.slice(0, 5).forEach((seg, i) => {
    for (const u of seg) out.push(token(u, { seg: true, fold: opts.resource && i > 0, wild: i > 0 || !opts.resource, polarity: opts.polarity }));
    out.push({ kind: "char", ch: ":", fold: false });
  });
  const rest = segments[5];
  let prefix = 0;
  const [, , service, region, account] = segments.map(textOf);
  if (opts.resource && opts.policy && !(service.toLowerCase() === "s3" && region === "" && account === "")) {
    const sep = rest.findIndex((u) => u.c === "/" || u.c === ":");
    prefix = sep + 1; // IAM forbids wildcards in the resource type: it matches literally
  }
  rest.forEach((u, i) => out.push(token(u, { seg: false, fold: false, wild: i >= prefix, polarity: opts.polarity })));
  return out;
}

const isAllStars = (s: string): boolean => /^\*+$/.test(s);

/**
 * Compiled patterns of texts without variables, which do not depend on the context: the same statements
 * are read for every request of a check. Bounded, so a long-lived caller does not grow it forever.
 */
const compiled = new Map<string, Pattern>();
function cached(key: string, text: string, compile: () => Pattern): Pattern {
  if (text.includes("${")) return compile();
  let pattern = compiled.get(key);
  if (!pattern) {
    if (compiled.size > 10_000) compiled.clear();
    pattern = compile();
    compiled.set(key, pattern);
  }
  return pattern;
}

/** A policy's Resource/NotResource value as a set of resources. */
function policyResource(text: string, ctx: Context, polarity: Polarity): Pattern {
  return cached(`p${polarity}:${text}`, text, () => compilePolicyResource(text, ctx, polarity));
}

function compilePolicyResource(text: string, ctx: Context, polarity: Polarity): Pattern {
  if (isAllStars(text)) return [STAR];
  if (!text.startsWith("arn:")) return globPattern(text, ctx, polarity);
  return arnPattern(text, ctx, { resource: true, policy: true, polarity }) ?? [{ kind: "never" }];
}

/** The requirement's resource as a set: "*" is the literal resource of actions that take none. */
function requestResource(text: string, ctx: Context): Pattern {
  return cached(`r:${text}`, text, () => compileRequestResource(text, ctx));
}

function compileRequestResource(text: string, ctx: Context): Pattern {
  if (text === "*") return lit("*");
  if (!text.startsWith("arn:")) return globPattern(text, ctx, "over");
  return arnPattern(text, ctx, { resource: true, policy: false, polarity: "over" }) ?? [STAR];
}

// ---------------------------------------------------------------------------------------------------
// Conditions, three-valued: true (or false) for every request of the set, or unknown.

const and = (a: Tri, b: Tri): Tri => (a === "false" || b === "false" ? "false" : a === "unknown" || b === "unknown" ? "unknown" : "true");

/** The set of request values that meet one policy value under a positive operator; undefined: not modelled. */
function operatorSet(name: string, value: string, ctx: Context): Pattern | undefined {
  const us = units(value, ctx);
  if (us.some((u) => u.unknown)) return undefined;
  switch (name) {
    case "StringEquals":
    case "StringNotEquals":
      return lit(textOf(us));
    case "StringEqualsIgnoreCase":
    case "StringNotEqualsIgnoreCase":
      return lit(textOf(us), true);
    case "StringLike":
    case "StringNotLike":
      return globPattern(value, ctx, "under");
    case "ArnEquals":
    case "ArnLike":
    case "ArnNotEquals":
    case "ArnNotLike":
      return arnPattern(value, ctx, { resource: false, policy: true, polarity: "under" }) ?? [{ kind: "never" }];
    default:
      return undefined; // numbers, dates, booleans, addresses: a set of strings says nothing about them
  }
}

function setValueTri(operatorName: string, requestValue: ValueSet, policyValues: string[], ctx: Context): Tri {
  const operator = parseConditionOperator(operatorName);
  if (!operator) return "false";
  if (!operator.op) return policyValues.some((v) => v.toLowerCase() === "false") ? "true" : "false"; // Null: the key is present
  const { name, negated } = operator.op;
  const isArnOp = name.startsWith("Arn");
  // An ARN operator is false both ways for a value that is not an ARN: only ARN sets are decided.
  if (isArnOp && requestValue.kind !== "arn") return "unknown";
  const sets = policyValues.map((v) => operatorSet(name, v, ctx));
  if (sets.some((s) => s === undefined)) return "unknown";
  const values =
    requestValue.kind === "arn"
      ? arnPattern(requestValue.anyOf, ctx, { resource: false, policy: false, polarity: "over" })
      : globPattern(requestValue.anyOf, ctx, "over");
  if (!values) return "unknown";
  const meets = overlap(values, sets as Pattern[]);
  const escapes = outside(values, sets as Pattern[]);
  if (meets === "unknown" || escapes === "unknown") return "unknown";
  const all = escapes === undefined;
  const none = meets === undefined;
  if (negated) return none ? "true" : all ? "false" : "unknown";
  return all ? "true" : none ? "false" : "unknown";
}

function conditionTri(condition: IamStatement["Condition"], ctx: Context): Tri {
  let result: Tri = "true";
  for (const [operatorName, block] of Object.entries(condition ?? {})) {
    const operator = parseConditionOperator(operatorName);
    if (!operator || typeof block !== "object" || block === null) return "false";
    for (const [key, raw] of Object.entries(block)) {
      const policyValues = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v));
      const requestValue = ctx.get(key.toLowerCase());
      let tri: Tri;
      if (isValueSet(requestValue)) {
        tri = setValueTri(operatorName, requestValue, policyValues, ctx);
      } else {
        const substituted = policyValues.map((v) => substitute(v, ctx, operator.op?.name ?? "Null"));
        tri = substituted.some((v) => v === undefined)
          ? "unknown"
          : conditionKeyHolds(operator, requestValue, substituted as string[])
            ? "true"
            : "false";
      }
      result = and(result, tri);
      if (result === "false") return result;
    }
  }
  return result;
}

/** A policy value with its variables filled in; undefined when one is unknown (or a literal `*`/`?` would read as a wildcard). */
function substitute(value: string, ctx: Context, operatorName: string): string | undefined {
  if (!value.includes("${")) return value;
  const us = units(value, ctx);
  if (us.some((u) => u.unknown)) return undefined;
  const wildcards = /Like$/.test(operatorName) || operatorName.startsWith("Arn");
  if (wildcards && us.some((u) => !u.special && (u.c === "*" || u.c === "?"))) return undefined;
  return textOf(us);
}

// ---------------------------------------------------------------------------------------------------
// Statements and the decision

function actionApplies(statement: IamStatement, action: string): boolean {
  if (statement.Action !== undefined) return asArray(statement.Action).some((a) => actionMatches(a, action));
  if (statement.NotAction !== undefined) return !asArray(statement.NotAction).some((a) => actionMatches(a, action));
  return false;
}

/** An Allow's share of the resources: those its Resource matches, or those its NotResource does not. */
interface AllowPart {
  patterns: Pattern[];
  negated: boolean;
}

/**
 * Is every request of the set allowed, and none denied? `allowed` is proven; `explicitDeny` means a Deny
 * applies (or may apply) to some request of the set; `implicitDeny` means no proof that Allows cover it.
 */
export function coverage(policies: PolicyDocument[], request: SetRequest): CoverageResult {
  const ctx: Context = new Map();
  for (const [key, value] of Object.entries(request.context ?? {})) ctx.set(key.toLowerCase(), value);
  const resource = request.concrete ? lit(request.resource) : requestResource(request.resource, ctx);

  const matchedDeny: string[] = [];
  const matchedAllow: string[] = [];
  const parts: AllowPart[] = [];
  let example: string | undefined;
  for (const policy of policies) {
    asArray(policy.Statement).forEach((statement, index) => {
      if (statement.Effect !== "Allow" && statement.Effect !== "Deny") return;
      if (!actionApplies(statement, request.action)) return;
      if (statement.Resource === undefined && statement.NotResource === undefined) return;
      const condition = conditionTri(statement.Condition, ctx);
      const negated = statement.Resource === undefined;
      const values = asArray(negated ? statement.NotResource : statement.Resource);
      if (statement.Effect === "Deny") {
        if (condition === "false") return;
        // Read unknowns so the Deny applies as widely as it might.
        const patterns = values.map((v) => policyResource(v, ctx, negated ? "under" : "over"));
        const hit = negated ? outside(resource, patterns) : overlap(resource, patterns);
        if (hit === undefined) return;
        matchedDeny.push(statementId(statement, index));
        if (example === undefined && hit !== "unknown") {
          example = readableWitness(resource, patterns, (acc) => (negated ? !acc.some(Boolean) : acc.some(Boolean))) ?? hit;
        }
        return;
      }
      if (condition !== "true") return;
      // Read unknowns so the Allow applies as narrowly as it might.
      const patterns = values.map((v) => policyResource(v, ctx, negated ? "over" : "under"));
      parts.push({ patterns, negated });
      if ((negated ? outside(resource, patterns) : overlap(resource, patterns)) !== undefined) matchedAllow.push(statementId(statement, index));
    });
  }
  if (matchedDeny.length > 0) return { decision: "explicitDeny", matchedAllow, matchedDeny, ...(example !== undefined ? { example } : {}) };

  // Every resource of the set must be in some Allow's share: search for one that is in none.
  const all = parts.flatMap((p) => p.patterns);
  const uncovered = (accepted: boolean[]): boolean => {
    let i = 0;
    return parts.every((part) => {
      const hits = accepted.slice(i, (i += part.patterns.length)).some(Boolean);
      return part.negated ? hits : !hits;
    });
  };
  const gap = memoWitness(resource, parts, () => findWitness(resource, all, uncovered));
  if (gap.found === false) return { decision: "allowed", matchedAllow, matchedDeny };
  if (gap.found !== true) return { decision: "implicitDeny", matchedAllow, matchedDeny };
  return { decision: "implicitDeny", matchedAllow, matchedDeny, example: readableWitness(resource, all, uncovered) ?? gap.text };
}

/** A witness from the most readable form of the set that has one (see readableForms). */
function readableWitness(resource: Pattern, others: Pattern[], wanted: (accepted: boolean[]) => boolean): string | undefined {
  for (const form of readableForms(resource)) {
    const w: Witness = findWitness(form, others, wanted);
    if (w.found === true) return w.text;
  }
  return undefined;
}

/** Union searches already made, by the identity of their (cached) patterns: many actions share them. */
const ids = new WeakMap<Pattern, number>();
let nextId = 0;
const witnesses = new Map<string, Witness>();
function memoWitness(resource: Pattern, parts: AllowPart[], search: () => Witness): Witness {
  const id = (p: Pattern): number => {
    let n = ids.get(p);
    if (n === undefined) ids.set(p, (n = nextId++));
    return n;
  };
  const key = `${id(resource)}|${parts.map((part) => `${part.negated ? "!" : ""}${part.patterns.map(id).join(",")}`).join(";")}`;
  let w = witnesses.get(key);
  if (!w) {
    if (witnesses.size > 10_000) witnesses.clear();
    w = search();
    witnesses.set(key, w);
  }
  return w;
}
