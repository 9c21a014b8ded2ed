// Offline evaluator for IAM *identity* policies, used by `cody policy --check` (product.md §5). Pure and
// free of the simulator library so it can ship in the MIT CLI; it is differentially tested against the AGPL
// @cloud-copilot/iam-simulate (a dev dependency only, see test/iam/evaluate-differential.test.ts).
//
// Semantics (mirroring IAM, and iam-simulate where IAM's docs are silent):
// - An explicit Deny wins; otherwise any matching Allow allows; otherwise implicit deny.
// - Action: "*" matches everything; "service:name" globs the service and the name case-insensitively
//   (`*` any run, `?` one character). IAM refuses wildcards in the service prefix on upload, and so does
//   parsePolicyDocument.
// - Resource: "*" matches everything. An ARN pattern is compared segment by segment: partition, service,
//   region and account each glob within their own segment (case-insensitively, as iam-simulate does);
//   the resource part (everything after the fifth colon) globs case-sensitively and its `*` crosses
//   `/` and `:` (IAM: "the * can expand to match beyond the colon boundaries"). The resource-type prefix
//   (e.g. `role/`, `log-group:`) must match literally: IAM forbids wildcards there. An ARN with fewer than
//   six segments is padded with `*` segments (so `arn:aws:iam::*` covers all of IAM), as iam-simulate does.
//   S3 bucket/object ARNs (empty region and account) have no resource-type prefix.
// - NotAction / NotResource: the statement applies when the request matches none of the listed values.
// - Condition: every operator block and every key in it must hold (AND); the values of one key are OR-ed,
//   except for negated operators (`...Not...`), where the request value must differ from every value.
//   Condition keys are case-insensitive. A missing key makes the condition false, except: negated
//   operators and `...IfExists` are true, `Null` tests presence, `ForAllValues:` is true.
//   A context value given as an array is a multivalued key: it needs a `ForAnyValue:`/`ForAllValues:`
//   prefix, and a plain operator on it is false (iam-simulate's behaviour, which AWS confirmed for
//   multivalued keys). Set operators treat a single string as a one-element set.
// - Supported operators: String(Not)Equals(IgnoreCase), String(Not)Like, Numeric{Equals, NotEquals,
//   LessThan(Equals), GreaterThan(Equals)}, Date{same}, Bool, BinaryEquals, (Not)IpAddress (v4 and v6),
//   Arn(Not)Equals, Arn(Not)Like, Null; each with `IfExists` and `ForAnyValue:`/`ForAllValues:`.
//
// Not supported (treated as stated; excluded from the differential test):
// - Policy variables (`${aws:username}`, `${*}`, `${?}`, `${$}`) are NOT substituted: they are literal text.
// - Resource policies, Principal/NotPrincipal, SCPs/RCPs, permission boundaries, session policies,
//   cross-account rules and service-specific quirks (e.g. iam-simulate's AWS-managed-role rules).
// - A request resource containing wildcards is compared literally (use concrete ARNs, or exactly "*" for
//   actions that only support `Resource: "*"`; "*" is then matched only by policy resources that match
//   the literal string "*").
// - `ForAnyValue:...IfExists` on a missing key is true here (IfExists); iam-simulate says false.
// - Dates: an all-digit value is epoch *seconds* (iam-simulate compares it unscaled).
// - Numbers must be plain decimals (iam-simulate's parseInt also accepts "12abc").
// - An empty array context value is a present key with no values.
// - Service quirks are not modelled: e.g. sts:GetCallerIdentity, which AWS (and iam-simulate) always allow.
import { configError, ConfigError, type Issue } from "../errors";
import { closest as closestWord } from "../util/did-you-mean";

export type ConditionValue = string | string[] | boolean | number;

export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, ConditionValue>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}

export interface EvalRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision = "allowed" | "explicitDeny" | "implicitDeny";

/**
 * matchedAllow/matchedDeny list every statement that matched (both lists, whatever the decision), by Sid,
 * or `Statement[i]` (0-based index within its own policy) when it has none.
 */
export interface EvalResult {
  decision: Decision;
  matchedAllow: string[];
  matchedDeny: string[];
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

export function evaluatePolicies(policies: PolicyDocument[], request: EvalRequest): EvalResult {
  const context = new Map<string, string | string[]>();
  for (const [key, value] of Object.entries(request.context ?? {})) context.set(key.toLowerCase(), value);

  const matchedAllow: string[] = [];
  const matchedDeny: string[] = [];
  for (const policy of policies) {
    const statements = asArray(policy.Statement);
    statements.forEach((statement, index) => {
      if (statement.Effect !== "Allow" && statement.Effect !== "Deny") return;
      if (!statementApplies(statement, request, context)) return;
      const id = statementId(statement, index);
      (statement.Effect === "Deny" ? matchedDeny : matchedAllow).push(id);
    });
  }
  const decision: Decision = matchedDeny.length > 0 ? "explicitDeny" : matchedAllow.length > 0 ? "allowed" : "implicitDeny";
  return { decision, matchedAllow, matchedDeny };
}

function statementApplies(statement: PolicyStatement, request: EvalRequest, context: Map<string, string | string[]>): boolean {
  if (statement.Action !== undefined) {
    if (!asArray(statement.Action).some((a) => actionMatches(a, request.action))) return false;
  } else if (statement.NotAction !== undefined) {
    if (asArray(statement.NotAction).some((a) => actionMatches(a, request.action))) return false;
  } else {
    return false; // IAM rejects a statement with neither; never let it grant or deny anything
  }

  if (statement.Resource !== undefined) {
    if (!asArray(statement.Resource).some((r) => resourceMatches(r, request.resource))) return false;
  } else if (statement.NotResource !== undefined) {
    if (asArray(statement.NotResource).some((r) => resourceMatches(r, request.resource))) return false;
  } else {
    return false;
  }

  return conditionsHold(statement.Condition, context);
}

/** How results name a statement: its Sid, else its place in its own policy. */
export function statementId(statement: PolicyStatement, index: number): string {
  return statement.Sid || `Statement[${index}]`;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM glob: `*` matches any run (including none), `?` exactly one character; everything else literal. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] === t[ti] && p[pi] !== "*"))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      starP = pi++;
      starT = ti;
    } else if (starP !== -1) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

const isAllWildcards = (s: string): boolean => s.length > 0 && /^\*+$/.test(s);

export function actionMatches(policyAction: string, requestAction: string): boolean {
  const pattern = policyAction.trim();
  if (isAllWildcards(pattern)) return true;
  const colon = pattern.indexOf(":");
  if (colon === -1) return false;
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  if (name.length === 0 || /\s/.test(name)) return false;
  const reqColon = requestAction.indexOf(":");
  if (reqColon === -1) return false;
  return globMatch(service, requestAction.slice(0, reqColon), true) && globMatch(name, requestAction.slice(reqColon + 1), true);
}

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** The six segments of an ARN; the resource part keeps its own colons. */
export function splitArn(arn: string): ArnParts | undefined {
  return arn.startsWith("arn:") ? splitArnLoose(arn) : undefined;
}

/** splitArn without checking the `arn` prefix: Arn* conditions glob that segment too. */
function splitArnLoose(arn: string): ArnParts | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** The resource-type prefix of an ARN's resource part, separator included: `role/`, `log-group:`, or "". */
function resourceTypePrefix(arn: ArnParts): string {
  if (arn.service === "s3" && arn.region === "" && arn.account === "") return ""; // bucket names have no type
  const slash = arn.resource.indexOf("/");
  const colon = arn.resource.indexOf(":");
  if (slash === -1 && colon === -1) return "";
  const first = slash === -1 ? colon : colon === -1 ? slash : Math.min(slash, colon);
  return arn.resource.slice(0, first + 1);
}

export function resourceMatches(policyResource: string, requestResource: string): boolean {
  if (isAllWildcards(policyResource)) return true;
  if (!policyResource.startsWith("arn:")) return globMatch(policyResource, requestResource);

  const segments = policyResource.split(":");
  while (segments.length < 6) segments.push("*"); // short ARN: the trailing segments are wildcards
  const policy = splitArn(segments.join(":"));
  const req = splitArn(requestResource);
  if (!policy || !req) return false;
  if (
    !globMatch(policy.partition, req.partition, true) ||
    !globMatch(policy.service, req.service, true) ||
    !globMatch(policy.region, req.region, true) ||
    !globMatch(policy.account, req.account, true)
  ) {
    return false;
  }
  const prefix = resourceTypePrefix(policy);
  if (!req.resource.startsWith(prefix)) return false;
  return globMatch(policy.resource.slice(prefix.length), req.resource.slice(prefix.length));
}

// ---------------------------------------------------------------------------------------------------
// Conditions

/** A value-level test: true/false, or undefined when a value is not of the operator's type (never matches). */
type ValueTest = (requestValue: string, policyValue: string) => boolean | undefined;

interface OperatorSpec {
  name: string;
  test: ValueTest;
  negated: boolean;
}

const stringEquals: ValueTest = (v, p) => v === p;
const stringEqualsIgnoreCase: ValueTest = (v, p) => v.toLowerCase() === p.toLowerCase();
const stringLike: ValueTest = (v, p) => globMatch(p, v);
const numeric = (cmp: (v: number, p: number) => boolean): ValueTest => (v, p) => {
  const a = parseNumber(v);
  const b = parseNumber(p);
  return a === undefined || b === undefined ? undefined : cmp(a, b);
};
const date = (cmp: (v: number, p: number) => boolean): ValueTest => (v, p) => {
  const a = parseDate(v);
  const b = parseDate(p);
  return a === undefined || b === undefined ? undefined : cmp(a, b);
};
const bool: ValueTest = (v, p) => {
  const a = v.toLowerCase();
  const b = p.toLowerCase();
  if ((a !== "true" && a !== "false") || (b !== "true" && b !== "false")) return undefined;
  return a === b;
};
const arnLike: ValueTest = (v, p) => {
  const policy = splitArnLoose(p);
  const req = splitArnLoose(v);
  if (!policy || !req) return undefined;
  return (
    globMatch(policy.partition, req.partition) &&
    globMatch(policy.service, req.service) &&
    globMatch(policy.region, req.region) &&
    globMatch(policy.account, req.account) &&
    globMatch(policy.resource, req.resource)
  );
};
const ipAddress: ValueTest = (v, p) => {
  const ip = parseIp(v);
  const range = parseCidr(p);
  if (!ip || !range) return undefined;
  if (ip.bits !== range.bits) return false; // an IPv4 address is outside every IPv6 range, and vice versa
  const shift = BigInt(range.bits - range.prefix);
  return ip.value >> shift === range.value >> shift;
};

const OPERATORS: OperatorSpec[] = [
  { name: "StringEquals", test: stringEquals, negated: false },
  { name: "StringNotEquals", test: stringEquals, negated: true },
  { name: "StringEqualsIgnoreCase", test: stringEqualsIgnoreCase, negated: false },
  { name: "StringNotEqualsIgnoreCase", test: stringEqualsIgnoreCase, negated: true },
  { name: "StringLike", test: stringLike, negated: false },
  { name: "StringNotLike", test: stringLike, negated: true },
  { name: "NumericEquals", test: numeric((v, p) => v === p), negated: false },
  { name: "NumericNotEquals", test: numeric((v, p) => v === p), negated: true },
  { name: "NumericLessThan", test: numeric((v, p) => v < p), negated: false },
  { name: "NumericLessThanEquals", test: numeric((v, p) => v <= p), negated: false },
  { name: "NumericGreaterThan", test: numeric((v, p) => v > p), negated: false },
  { name: "NumericGreaterThanEquals", test: numeric((v, p) => v >= p), negated: false },
  { name: "DateEquals", test: date((v, p) => v === p), negated: false },
  { name: "DateNotEquals", test: date((v, p) => v === p), negated: true },
  { name: "DateLessThan", test: date((v, p) => v < p), negated: false },
  { name: "DateLessThanEquals", test: date((v, p) => v <= p), negated: false },
  { name: "DateGreaterThan", test: date((v, p) => v > p), negated: false },
  { name: "DateGreaterThanEquals", test: date((v, p) => v >= p), negated: false },
  { name: "Bool", test: bool, negated: false },
  { name: "BinaryEquals", test: stringEquals, negated: false },
  { name: "IpAddress", test: ipAddress, negated: false },
  { name: "NotIpAddress", test: ipAddress, negated: true },
  { name: "ArnEquals", test: arnLike, negated: false },
  { name: "ArnLike", test: arnLike, negated: false },
  { name: "ArnNotEquals", test: arnLike, negated: true },
  { name: "ArnNotLike", test: arnLike, negated: true },
];
const OPERATOR_BY_NAME = new Map(OPERATORS.map((o) => [o.name.toLowerCase(), o]));

/** Every operator name the evaluator understands (without set prefixes or the IfExists suffix). */
export const SUPPORTED_CONDITION_OPERATORS: readonly string[] = [...OPERATORS.map((o) => o.name), "Null"];

export interface ParsedOperator {
  set?: "ForAnyValue" | "ForAllValues";
  ifExists: boolean;
  /** undefined for `Null`. */
  op?: OperatorSpec;
}

/** Splits `ForAnyValue:StringLikeIfExists` into its parts; undefined for an unknown operator. */
export function parseConditionOperator(raw: string): ParsedOperator | undefined {
  let rest = raw;
  let set: ParsedOperator["set"];
  const colon = rest.indexOf(":");
  if (colon !== -1) {
    const prefix = rest.slice(0, colon).toLowerCase();
    if (prefix === "foranyvalue") set = "ForAnyValue";
    else if (prefix === "forallvalues") set = "ForAllValues";
    else return undefined;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith("ifexists") && rest.length > "ifexists".length) {
    ifExists = true;
    rest = rest.slice(0, -"ifexists".length);
  }
  if (rest.toLowerCase() === "null") return { ifExists, set }; // Null tests presence; set/IfExists change nothing
  const op = OPERATOR_BY_NAME.get(rest.toLowerCase());
  return op ? { set, ifExists, op } : undefined;
}

function conditionsHold(condition: PolicyStatement["Condition"], context: Map<string, string | string[]>): boolean {
  if (condition === undefined) return true;
  for (const [operatorName, block] of Object.entries(condition)) {
    const operator = parseConditionOperator(operatorName);
    if (!operator) return false; // unknown operator: IAM rejects the policy; never let it match
    if (typeof block !== "object" || block === null) return false;
    for (const [key, rawValues] of Object.entries(block)) {
      const policyValues = (Array.isArray(rawValues) ? rawValues : [rawValues]).map((v) => String(v));
      if (!conditionKeyHolds(operator, context.get(key.toLowerCase()), policyValues)) return false;
    }
  }
  return true;
}

/** Does one request value satisfy the operator against the policy values (OR, or NOR when negated)? */
function valueSatisfies(op: OperatorSpec, requestValue: string, policyValues: string[]): boolean {
  if (op.negated) return policyValues.every((p) => op.test(requestValue, p) === false);
  return policyValues.some((p) => op.test(requestValue, p) === true);
}

export function conditionKeyHolds(operator: ParsedOperator, requestValue: string | string[] | undefined, policyValues: string[]): boolean {
  if (!operator.op) {
    // Null: "true" asks for an absent key, "false" for a present one.
    const wanted = requestValue === undefined ? "true" : "false";
    return policyValues.some((v) => v.toLowerCase() === wanted);
  }
  const op = operator.op;
  if (operator.set) {
    if (requestValue === undefined) return operator.set === "ForAllValues" || operator.ifExists;
    const values = Array.isArray(requestValue) ? requestValue : [requestValue];
    return operator.set === "ForAnyValue"
      ? values.some((v) => valueSatisfies(op, v, policyValues))
      : values.every((v) => valueSatisfies(op, v, policyValues));
  }
  if (requestValue === undefined) return operator.ifExists || op.negated;
  if (Array.isArray(requestValue)) return false; // a multivalued key needs ForAnyValue/ForAllValues
  return valueSatisfies(op, requestValue, policyValues);
}

function parseNumber(value: string): number | undefined {
  const s = value.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return undefined;
  return Number(s);
}

function parseDate(value: string): number | undefined {
  const s = value.trim();
  if (/^\d+$/.test(s)) return Number(s) * 1000; // epoch seconds
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined; // W3C/ISO 8601 dates only
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}

interface IpValue {
  bits: 32 | 128;
  value: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const octets = s.split(".");
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const o of octets) {
    if (!/^\d{1,3}$/.test(o) || Number(o) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(o));
  }
  return value;
}

function parseIpv6(s: string): bigint | undefined {
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): string[] | undefined => {
    if (part === "") return [];
    const out: string[] = [];
    const pieces = part.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i];
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIpv4(piece); // embedded IPv4 (::ffff:1.2.3.4)
        if (v4 === undefined) return undefined;
        out.push(((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(piece)) {
        out.push(piece);
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function parseIp(s: string): IpValue | undefined {
  const t = s.trim();
  const v4 = parseIpv4(t);
  if (v4 !== undefined) return { bits: 32, value: v4 };
  const v6 = t.includes(":") ? parseIpv6(t) : undefined;
  return v6 === undefined ? undefined : { bits: 128, value: v6 };
}

function parseCidr(s: string): (IpValue & { prefix: number }) | undefined {
  const [addr, prefixText, extra] = s.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  if (prefixText === undefined) return { ...ip, prefix: ip.bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > ip.bits) return undefined;
  return { ...ip, prefix: Number(prefixText) };
}

/**
 * What in these policies the evaluator does not model, so a caller (e.g. `cody policy --check`) can say
 * that its verdict may differ from AWS's. Today: policy variables, which are compared as literal text.
 */
export function unsupportedFeatures(policies: PolicyDocument[]): string[] {
  const found = new Set<string>();
  for (const policy of policies) {
    asArray(policy.Statement).forEach((statement, index) => {
      const id = statementId(statement, index);
      const strings = [
        ...asArray(statement.Resource),
        ...asArray(statement.NotResource),
        ...Object.values(statement.Condition ?? {}).flatMap((block) => Object.values(block ?? {}).flatMap((v) => (Array.isArray(v) ? v : [v]))),
      ];
      for (const value of strings) {
        const variable = typeof value === "string" ? /\$\{[^}]*\}/.exec(value) : null;
        if (variable) found.add(`${id}: policy variable ${variable[0]} is compared as literal text, not substituted`);
      }
    });
  }
  return [...found];
}

// ---------------------------------------------------------------------------------------------------
// Parsing: a small JSON reader that keeps line numbers (JSON.parse gives only an offset, and cody's own
// docs shipped a policy with a trailing comma), then the IAM grammar checks AWS would apply on upload.

class JsonError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    readonly fix?: string,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

class JsonReader {
  private i = 0;
  /** Line of each value, keyed by path (`Statement[0].Effect`); "" is the root. */
  readonly lines = new Map<string, number>();

  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let k = 0; k < text.length; k++) if (text[k] === "\n") this.lineStarts.push(k + 1);
  }

  parse(): Json {
    this.skip();
    if (this.i >= this.text.length) throw this.error("the file is empty", "Write a policy document: { \"Version\": \"2012-10-17\", \"Statement\": [ ... ] }.");
    const value = this.value("");
    this.skip();
    if (this.i < this.text.length) throw this.error(`unexpected ${this.describe()} after the end of the JSON document`, "Remove the extra text, or wrap several statements in one \"Statement\" array.");
    return value;
  }

  private position(at = this.i): { line: number; column: number } {
    // Binary search: lineStarts[k] is the offset where line k+1 begins.
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: at - this.lineStarts[lo] + 1 };
  }

  private error(message: string, fix?: string, at = this.i): JsonError {
    const { line, column } = this.position(at);
    return new JsonError(message, line, column, fix);
  }

  private describe(): string {
    if (this.i >= this.text.length) return "end of file";
    return `'${this.text[this.i]}'`;
  }

  private skip(): void {
    for (;;) {
      const c = this.text[this.i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\uFEFF") {
        this.i++;
      } else if (c === "/" && (this.text[this.i + 1] === "/" || this.text[this.i + 1] === "*")) {
        throw this.error("comments are not allowed in JSON", "Remove the comment.");
      } else {
        return;
      }
    }
  }

  private value(path: string): Json {
    this.skip();
    this.lines.set(path, this.position().line);
    const c = this.text[this.i];
    if (c === "{") return this.object(path);
    if (c === "[") return this.array(path);
    if (c === '"') return this.string();
    if (c === "'") throw this.error("strings must use double quotes", "Replace the single quotes with double quotes.");
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return this.number();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    if (c === undefined) throw this.error("unexpected end of file: a value is missing", "Complete the document; an opening bracket or brace may be unclosed.");
    throw this.error(`unexpected ${this.describe()} where a value was expected`, "Values are \"strings\" (in double quotes), numbers, true, false, null, objects or arrays.");
  }

  private object(path: string): Json {
    const open = this.i;
    this.i++; // {
    const out: { [key: string]: Json } = {};
    this.skip();
    if (this.text[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.skip();
      const c = this.text[this.i];
      if (c === undefined) throw this.error("unexpected end of file: the object is not closed", "Add the missing '}'.", open);
      if (c !== '"') {
        if (c === "'") throw this.error("property names must use double quotes", "Replace the single quotes with double quotes.");
        throw this.error(`unexpected ${this.describe()}: expected a property name in double quotes`, "Quote the property name: \"Name\": value.");
      }
      const keyAt = this.i;
      const key = this.string();
      if (Object.prototype.hasOwnProperty.call(out, key)) {
        throw this.error(`duplicate key "${key}": JSON keeps only the last one, so the first is silently ignored`, "Merge the two entries into one.", keyAt);
      }
      this.skip();
      if (this.text[this.i] !== ":") throw this.error(`expected ':' after "${key}"`, "Write \"key\": value.");
      this.i++;
      const childPath = path ? `${path}.${key}` : key;
      out[key] = this.value(childPath);
      this.lines.set(childPath, this.position(keyAt).line);
      this.skip();
      if (this.text[this.i] === '"') throw this.error("missing comma between properties", "Add a ',' after the previous value.");
      if (!this.more("}", open)) return out;
    }
  }

  private array(path: string): Json {
    const open = this.i;
    this.i++; // [
    const out: Json[] = [];
    this.skip();
    if (this.text[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(`${path}[${out.length}]`));
      this.skip();
      if (!this.more("]", open)) return out;
    }
  }

  /** After a member: true when a ',' announces another, false at the closing bracket (consumed). */
  private more(close: "}" | "]", open: number): boolean {
    const [member, container] = close === "}" ? ["property", "object"] : ["element", "array"];
    const next = this.text[this.i];
    if (next === ",") {
      const comma = this.i;
      this.i++;
      this.skip();
      if (this.text[this.i] === close) throw this.error(`trailing comma before '${close}'`, `Remove the comma after the last ${member}.`, comma);
      return true;
    }
    if (next === close) {
      this.i++;
      return false;
    }
    if (next === undefined) throw this.error(`unexpected end of file: the ${container} is not closed`, `Add the missing '${close}'.`, open);
    throw this.error(`unexpected ${this.describe()}: expected ',' or '${close}'`, `Separate ${member === "property" ? "properties" : "elements"} with ',' and close the ${container} with '${close}'.`);
  }

  private string(): string {
    const start = this.i;
    this.i++; // "
    let out = "";
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined || c === "\n") throw this.error("unterminated string", "Close the string with a double quote.", start);
      if (c === '"') {
        this.i++;
        return out;
      }
      if (c < " ") throw this.error("control character inside a string", "Escape it (\\t, \\n) or remove it.");
      if (c === "\\") {
        const e = this.text[this.i + 1];
        const simple: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
        if (e !== undefined && e in simple) {
          out += simple[e];
          this.i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.text.slice(this.i + 2, this.i + 6))) {
          out += String.fromCharCode(parseInt(this.text.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else {
          throw this.error("invalid escape sequence in a string", "Use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.");
        }
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private number(): number {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (!m) throw this.error("invalid number", "Write numbers like 12, 1.5 or -3.");
    this.i += m[0].length;
    return Number(m[0]);
  }
}

const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/** A tighter bound than the CLI's default (a quarter of the length), so long operator names do not match loosely. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  return closestWord(word, candidates, Math.max(2, Math.floor(word.length / 4)));
}

/**
 * Parses an identity-policy JSON document. Throws a ConfigError naming the file, line and field for bad
 * JSON (trailing commas, comments, duplicate keys…) and for what IAM would reject on upload.
 */
export function parsePolicyDocument(text: string, file?: string): PolicyDocument {
  const reader = new JsonReader(text);
  let root: Json;
  try {
    root = reader.parse();
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    throw configError({ file, line: e.line, message: `invalid JSON at line ${e.line}, column ${e.column}: ${e.message}`, fix: e.fix }, e);
  }

  const issues: Issue[] = [];
  const add = (field: string, message: string, fix?: string): void => {
    issues.push({ file, line: reader.lines.get(field) ?? reader.lines.get(""), field: field || undefined, message, fix });
  };
  const isObject = (v: Json | undefined): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);

  if (!isObject(root)) {
    add("", "a policy document must be a JSON object", "Write { \"Version\": \"2012-10-17\", \"Statement\": [ ... ] }.");
    throw new ConfigError(issues);
  }
  for (const key of Object.keys(root)) {
    if (key === "Version" || key === "Id" || key === "Statement") continue;
    const hint = closest(key, ["Version", "Id", "Statement"]);
    add(key, `unknown top-level key "${key}"`, hint ? `Did you mean "${hint}"?` : "A policy has only Version, Id and Statement.");
  }
  if (root.Version !== undefined && root.Version !== "2012-10-17" && root.Version !== "2008-10-17") {
    add("Version", `Version must be "2012-10-17" (or the legacy "2008-10-17"), not ${JSON.stringify(root.Version)}`, "Use \"Version\": \"2012-10-17\".");
  }
  if (root.Id !== undefined && typeof root.Id !== "string") add("Id", "Id must be a string");

  const statementValue = root.Statement;
  let statements: { value: Json; path: string }[] = [];
  if (statementValue === undefined) {
    add("", "the policy has no Statement", "Add \"Statement\": [ { \"Effect\": \"Allow\", \"Action\": ..., \"Resource\": ... } ].");
  } else if (Array.isArray(statementValue)) {
    if (statementValue.length === 0) add("Statement", "Statement is an empty array", "Add at least one statement.");
    statements = statementValue.map((value, i) => ({ value, path: `Statement[${i}]` }));
  } else if (isObject(statementValue)) {
    statements = [{ value: statementValue, path: "Statement" }];
  } else {
    add("Statement", "Statement must be an object or an array of objects");
  }

  const sids = new Map<string, string>();
  for (const { value: statement, path } of statements) {
    if (!isObject(statement)) {
      add(path, "a statement must be a JSON object");
      continue;
    }
    for (const key of Object.keys(statement)) {
      if (STATEMENT_KEYS.includes(key)) continue;
      if (key === "Principal" || key === "NotPrincipal") {
        add(`${path}.${key}`, `an identity policy must not specify ${key}`, `Remove "${key}": it belongs in resource policies and trust policies.`);
        continue;
      }
      const hint = closest(key, STATEMENT_KEYS);
      add(`${path}.${key}`, `unknown statement key "${key}"`, hint ? `Did you mean "${hint}"?` : `A statement has only ${STATEMENT_KEYS.join(", ")}.`);
    }
    if (statement.Sid !== undefined) {
      if (typeof statement.Sid !== "string" || !/^[A-Za-z0-9]*$/.test(statement.Sid)) {
        add(`${path}.Sid`, "Sid must contain only letters and digits", "Rename it, e.g. \"AllowPassRole\".");
      } else if (statement.Sid !== "") {
        const other = sids.get(statement.Sid);
        if (other) add(`${path}.Sid`, `Sid "${statement.Sid}" is also used by ${other}; Sids must be unique within a policy`, "Rename one of them.");
        else sids.set(statement.Sid, path);
      }
    }
    if (statement.Effect === undefined) {
      add(path, "the statement has no Effect", "Add \"Effect\": \"Allow\" or \"Effect\": \"Deny\".");
    } else if (statement.Effect !== "Allow" && statement.Effect !== "Deny") {
      const hint = typeof statement.Effect === "string" ? closest(statement.Effect, ["Allow", "Deny"]) : undefined;
      add(`${path}.Effect`, `Effect must be "Allow" or "Deny", not ${JSON.stringify(statement.Effect)}`, hint ? `Write "${hint}".` : undefined);
    }
    checkPair(statement, path, "Action", "NotAction", checkAction, add);
    checkPair(statement, path, "Resource", "NotResource", checkResource, add);
    if (statement.Condition !== undefined) checkCondition(statement.Condition, `${path}.Condition`, add);
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return root as unknown as PolicyDocument;
}

type AddIssue = (field: string, message: string, fix?: string) => void;

function checkPair(
  statement: { [key: string]: Json },
  path: string,
  positive: string,
  negative: string,
  checkOne: (value: string) => { message: string; fix?: string } | undefined,
  add: AddIssue,
): void {
  const has = (k: string): boolean => statement[k] !== undefined;
  if (has(positive) && has(negative)) {
    add(path, `the statement has both ${positive} and ${negative}`, `Keep only one of them.`);
    return;
  }
  if (!has(positive) && !has(negative)) {
    add(path, `the statement has no ${positive} (or ${negative})`, `Add "${positive}": ... to say what the statement covers.`);
    return;
  }
  const key = has(positive) ? positive : negative;
  const value = statement[key];
  const items = Array.isArray(value) ? value : [value];
  if (Array.isArray(value) && value.length === 0) add(`${path}.${key}`, `${key} is an empty array`, "List at least one value.");
  items.forEach((item, i) => {
    const field = Array.isArray(value) ? `${path}.${key}[${i}]` : `${path}.${key}`;
    if (typeof item !== "string") {
      add(field, `${key} must be a string or an array of strings`);
      return;
    }
    const problem = checkOne(item);
    if (problem) add(field, problem.message, problem.fix);
  });
}

function checkAction(action: string): { message: string; fix?: string } | undefined {
  if (isAllWildcards(action)) return undefined;
  const parts = action.split(":");
  if (parts.length !== 2 || parts[1] === "") {
    return { message: `action "${action}" must look like "service:ActionName"`, fix: "For example \"codebuild:StartBuild\", \"logs:*\" or \"*\"." };
  }
  if (!/^[A-Za-z0-9-]+$/.test(parts[0])) {
    return { message: `the service prefix of "${action}" must be spelled out: IAM allows wildcards only in the action name`, fix: "Write one action per service, e.g. \"codebuild:*\"." };
  }
  if (!/^[A-Za-z0-9*?_-]+$/.test(parts[1])) return { message: `action name "${parts[1]}" may contain only letters, digits, '*' and '?'` };
  return undefined;
}

function checkResource(resource: string): { message: string; fix?: string } | undefined {
  if (isAllWildcards(resource)) return undefined;
  if (!resource.startsWith("arn:")) return { message: `resource "${resource}" must be an ARN or "*"`, fix: "For example \"arn:aws:codebuild:us-east-1:123456789012:project/my-project\"." };
  // IAM's own upload checks: "Partition ... is not valid", "Resource vendor must be fully qualified and
  // cannot contain regexes" (for `arn:aws` and for `arn:aws:*:...`).
  const [, partition, service] = resource.split(":");
  if (!/^(\*|aws(-[a-z]+)*)$/.test(partition)) {
    return { message: `partition "${partition}" of "${resource}" is not valid`, fix: "Use \"aws\" (or aws-cn, aws-us-gov), e.g. \"arn:aws:iam::123456789012:role/cody/*\"." };
  }
  if (service === undefined || service === "" || /[*?]/.test(service)) {
    return { message: `the service segment of "${resource}" must be spelled out: IAM allows no wildcards there`, fix: "Write one ARN per service, e.g. \"arn:aws:logs:*:*:*\"." };
  }
  return undefined;
}

function checkCondition(condition: Json, path: string, add: AddIssue): void {
  if (typeof condition !== "object" || condition === null || Array.isArray(condition)) {
    add(path, "Condition must be an object of { operator: { key: value } }");
    return;
  }
  for (const [operator, block] of Object.entries(condition)) {
    const field = `${path}.${operator}`;
    if (!parseConditionOperator(operator)) {
      const base = operator.replace(/^(ForAnyValue|ForAllValues):/i, "").replace(/IfExists$/i, "");
      const hint = closest(base, SUPPORTED_CONDITION_OPERATORS);
      add(field, `unknown condition operator "${operator}"`, hint ? `Did you mean "${operator.replace(base, hint)}"?` : `Use one of ${SUPPORTED_CONDITION_OPERATORS.join(", ")}.`);
      continue;
    }
    if (typeof block !== "object" || block === null || Array.isArray(block)) {
      add(field, `the "${operator}" block must be an object of { "condition-key": value }`);
      continue;
    }
    for (const [key, value] of Object.entries(block)) {
      const items = Array.isArray(value) ? value : [value];
      if (items.some((v) => typeof v !== "string" && typeof v !== "number" && typeof v !== "boolean")) {
        add(`${field}.${key}`, `the value of "${key}" must be a string, number, boolean or an array of them`);
      }
    }
  }
}
