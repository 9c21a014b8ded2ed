// Condition operators of IAM identity policies, evaluated against one concrete request context (the rules
// are in the header of ./evaluate.ts; sets of values are decided in ./coverage.ts).
import type { IamStatement } from "./evaluate";
import { globMatch, splitArnLoose } from "./matching";


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

export function conditionsHold(condition: IamStatement["Condition"], context: Map<string, string | string[]>): boolean {
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
