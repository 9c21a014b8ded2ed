// The role's `iamPolicy` entries, read the way IAM reads them. An entry is a shorthand ("s3",
// "s3:GetObject"), a statement written camelCase (cody's DSL) or PascalCase (IAM's own keys, as in every
// AWS document, Ruby cody and CDK's fromJson), or a whole policy document { Version, Statement } whose
// statements are appended. Every spelling gets the same checks, so a mistake is reported at its key
// with what IAM expects, before CloudFormation (or the build) finds it.
import { parseConditionOperator, SUPPORTED_CONDITION_OPERATORS } from "../../policy/evaluate";
import { closest } from "../../util/did-you-mean";
import { isPlainObject, type PlainObject } from "../../util/merge";

export const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"] as const;
export type StatementKey = (typeof STATEMENT_KEYS)[number];

const CAMEL: Record<string, StatementKey> = {
  sid: "Sid",
  effect: "Effect",
  action: "Action",
  notAction: "NotAction",
  resource: "Resource",
  notResource: "NotResource",
  condition: "Condition",
};
/** The canonical key of a key as written, in either spelling (own keys only: not "constructor" and the like). */
const canonicalOf = (written: string): StatementKey | undefined =>
  (STATEMENT_KEYS as readonly string[]).includes(written) ? (written as StatementKey) : Object.hasOwn(CAMEL, written) ? CAMEL[written] : undefined;
const camelOf = (key: StatementKey): string => key.charAt(0).toLowerCase() + key.slice(1);

/** A CloudFormation intrinsic (`{ "Fn::Sub": ... }`, `{ Ref: ... }`): resolved by CloudFormation, passed through. */
export type Intrinsic = Record<string, unknown>;
export type ResourceValue = string | Intrinsic | Array<string | Intrinsic>;

/** A statement in IAM's own form, as it goes into the role's inline policy. */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: ResourceValue;
  NotResource?: ResourceValue;
  Condition?: Record<string, Record<string, unknown>>;
}

/** One statement of the role and where the user wrote it. */
export interface RoleStatement {
  statement: IamStatement;
  /** Path of the entry (or the document's statement) below the role, e.g. ["iamPolicy", 1, "Statement", 0]. */
  path: Array<string | number>;
  /** Each key as the user spelled it (`action` or `Action`), for messages and fields. */
  keys: Partial<Record<StatementKey, string>>;
  /** The shorthand string, when the entry was one. */
  shorthand?: string;
}

export interface StatementProblem {
  path: Array<string | number>;
  message: string;
  fix: string;
}

/** A role shorthand: a service prefix ("s3") or one action ("s3:GetObject"). */
export const SHORTHAND = /^[a-z0-9-]+(:[A-Za-z0-9*?]+)?$/;
const SID = /^[A-Za-z0-9]*$/;
const DOCUMENT_KEYS = ["Version", "Id", "Statement"];
const POLICY_VERSIONS = ["2012-10-17", "2008-10-17"];

export function isIntrinsic(value: unknown): value is Intrinsic {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "Ref" || keys[0]!.startsWith("Fn::"));
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * Reads `entries` (the role's iamPolicy list). Returns the statements in IAM's form, in order (a
 * document's statements where the document stands), and every problem found, each at its own path.
 */
export function readIamPolicy(entries: readonly unknown[], base: Array<string | number> = ["iamPolicy"]): { statements: RoleStatement[]; problems: StatementProblem[] } {
  const statements: RoleStatement[] = [];
  const problems: StatementProblem[] = [];
  const add = (path: Array<string | number>, message: string, fix: string) => problems.push({ path, message, fix });
  entries.forEach((entry, i) => {
    const path = [...base, i];
    if (typeof entry === "string") {
      const shorthand = readShorthand(entry, path, add);
      if (shorthand) statements.push(shorthand);
    } else if (isPlainObject(entry) && isDocument(entry)) {
      statements.push(...readDocument(entry, path, add));
    } else if (isPlainObject(entry)) {
      const statement = readStatement(entry, path, add);
      if (statement) statements.push(statement);
    } else {
      add(
        path,
        `expected a service shorthand like "s3", an action like "s3:GetObject", a statement { Effect, Action, Resource } or a policy document { Version, Statement }; got ${show(entry)}.`,
        'Write a string such as "s3:GetObject", or a statement such as { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::bucket/*" }.',
      );
    }
  });
  return { statements, problems };
}

type Add = (path: Array<string | number>, message: string, fix: string) => void;

function readShorthand(entry: string, path: Array<string | number>, add: Add): RoleStatement | undefined {
  if (entry.trim() === "") {
    add(path, "an empty string grants nothing.", 'Write a service ("s3") or an action ("s3:GetObject"), or remove the entry.');
    return undefined;
  }
  if (!SHORTHAND.test(entry)) {
    add(path, `"${entry}" is neither a service ("s3") nor an action ("s3:GetObject").`, "Write a service prefix, an action, or a statement { Effect, Action, Resource }.");
    return undefined;
  }
  const action = entry.includes(":") ? entry : `${entry}:*`;
  return { statement: { Effect: "Allow", Action: action, Resource: "*" }, path, keys: {}, shorthand: entry };
}

/** A document has Statement (or Version) and none of a statement's own keys. */
function isDocument(entry: PlainObject): boolean {
  const keys = Object.keys(entry);
  const statementish = keys.some((k) => canonicalOf(k) !== undefined);
  return !statementish && (keys.includes("Statement") || keys.includes("Version"));
}

function readDocument(doc: PlainObject, path: Array<string | number>, add: Add): RoleStatement[] {
  let misspeltStatement = false;
  for (const key of Object.keys(doc)) {
    if (DOCUMENT_KEYS.includes(key)) continue;
    const meant = closest(key, DOCUMENT_KEYS);
    if (meant === "Statement") misspeltStatement = true;
    add([...path, key], `unknown policy document key "${key}".${meant ? ` Did you mean "${meant}"?` : ""} A policy document has Version, Id and Statement.`, meant ? `Rename "${key}" to "${meant}".` : `Remove "${key}".`);
  }
  if (doc.Version !== undefined && !POLICY_VERSIONS.includes(doc.Version as string)) {
    add([...path, "Version"], `Version ${show(doc.Version)} is not a policy language version.`, 'Write Version: "2012-10-17".');
  }
  const value = doc.Statement;
  if (value === undefined) {
    // "Statment": the unknown key's "did you mean" already says it.
    if (misspeltStatement) return [];
    add(path, "the policy document has no Statement.", 'Add Statement: [{ Effect: "Allow", Action: [...], Resource: "..." }].');
    return [];
  }
  if (Array.isArray(value) && value.length === 0) {
    add([...path, "Statement"], "Statement is an empty list: the document grants nothing.", "Add at least one statement, or remove the document.");
    return [];
  }
  const items: Array<{ item: unknown; at: Array<string | number> }> = Array.isArray(value)
    ? value.map((item, j) => ({ item, at: [...path, "Statement", j] }))
    : [{ item: value, at: [...path, "Statement"] }];
  const out: RoleStatement[] = [];
  for (const { item, at } of items) {
    if (!isPlainObject(item)) {
      add(at, `a statement must be an object { Effect, Action, Resource }; got ${show(item)}.`, 'Write { Effect: "Allow", Action: [...], Resource: "..." }.');
      continue;
    }
    const statement = readStatement(item, at, add);
    if (statement) out.push(statement);
  }
  return out;
}

function readStatement(entry: PlainObject, path: Array<string | number>, add: Add): RoleStatement | undefined {
  const keys: Partial<Record<StatementKey, string>> = {};
  const values: Partial<Record<StatementKey, unknown>> = {};
  const camel: string[] = [];
  const pascal: string[] = [];
  /** Keys an unknown key most likely meant: their absence is already explained. */
  const misspelt = new Set<StatementKey>();
  // The spelling a fix should use: the statement's own (camelCase when most of its keys are).
  const spell = (k: StatementKey) => (camel.length > pascal.length ? camelOf(k) : k);
  let ok = true;
  for (const [written, value] of Object.entries(entry)) {
    if (value === undefined) continue;
    const canonical = canonicalOf(written);
    if (!canonical) {
      ok = false;
      const [message, fix, meant] = unknownKey(written, entry);
      if (meant) misspelt.add(meant);
      add([...path, written], message, fix);
      continue;
    }
    if (keys[canonical] !== undefined) {
      ok = false;
      add([...path, written], `"${keys[canonical]}" and "${written}" are the same key written two ways.`, `Keep one of them: "${canonical}" (IAM's spelling) or "${camelOf(canonical)}".`);
      continue;
    }
    keys[canonical] = written;
    values[canonical] = value;
    (written === canonical ? pascal : camel).push(written);
  }
  if (camel.length > 0 && pascal.length > 0) {
    // One statement, one spelling: a mix usually means a half-converted paste, and is hard to read.
    ok = false;
    const toPascal = pascal.length >= camel.length;
    const wrong = toPascal ? camel : pascal;
    const renames = wrong.map((k) => `${k} → ${toPascal ? CAMEL[k] : camelOf(k as StatementKey)}`).join(", ");
    add(
      [...path, wrong[0]!],
      `this statement mixes camelCase and IAM's PascalCase keys ("${camel[0]}" and "${pascal[0]}").`,
      `Write all its keys one way: ${renames}.`,
    );
  }

  const key = (k: StatementKey) => keys[k] ?? k;
  const at = (k: StatementKey) => [...path, key(k)];
  const statement: IamStatement = { Effect: "Allow" };

  if (values.Sid !== undefined) {
    const sid = values.Sid;
    if (typeof sid !== "string" || !SID.test(sid)) {
      ok = false;
      const fixed = typeof sid === "string" ? sid.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9]?)/g, (_m, _sep, c: string) => c.toUpperCase()) : "";
      add(at("Sid"), `${show(sid)} is not a valid Sid: IAM allows only letters and digits (A-Z, a-z, 0-9).`, fixed ? `Write ${key("Sid")}: "${fixed}".` : `Write ${key("Sid")}: "ReadArtifacts" (letters and digits), or remove it.`);
    } else if (sid !== "") statement.Sid = sid;
  }

  if (values.Effect !== undefined) {
    const effect = values.Effect;
    if (effect === "Allow" || effect === "Deny") statement.Effect = effect;
    else {
      ok = false;
      const meant = typeof effect === "string" ? closest(effect, ["Allow", "Deny"]) : undefined;
      add(
        at("Effect"),
        typeof effect === "string" && meant
          ? `"${effect}" is not an Effect: IAM's Effect is case-sensitive and must be exactly "Allow" or "Deny". Did you mean "${meant}"?`
          : `${show(effect)} is not an Effect: it must be exactly "Allow" or "Deny".`,
        `Write ${key("Effect")}: "${meant ?? "Allow"}".`,
      );
    }
  }

  for (const [positive, negative] of [["Action", "NotAction"], ["Resource", "NotResource"]] as const) {
    const has = (k: StatementKey) => values[k] !== undefined;
    if (has(positive) && has(negative)) {
      ok = false;
      add(at(negative), `a statement takes ${key(positive)} or ${key(negative)}, not both.`, `Keep one of them.`);
      continue;
    }
    if (!has(positive) && !has(negative)) {
      ok = false;
      if (misspelt.has(positive) || misspelt.has(negative)) continue;
      const example = positive === "Action" ? '["service:Action"]' : '"arn:..." (scope it as narrowly as you can)';
      add(path, `a statement needs ${key(positive)} (or ${key(negative)}).`, `Add ${spell(positive)}: ${example}.`);
      continue;
    }
    const k = has(positive) ? positive : negative;
    const read = positive === "Action" ? readActions(values[k], at(k), key(k), add) : readResources(values[k], at(k), key(k), add);
    if (read === undefined) ok = false;
    else (statement as unknown as Record<string, unknown>)[k] = read;
  }

  if (values.Condition !== undefined) {
    const condition = readCondition(values.Condition, at("Condition"), key("Condition"), add);
    if (condition === undefined) ok = false;
    else statement.Condition = condition;
  }
  if (!ok) return undefined;
  // IAM's own order (Sid first), whatever order the keys were written in.
  const ordered = Object.fromEntries(STATEMENT_KEYS.filter((k) => statement[k] !== undefined).map((k) => [k, statement[k]])) as unknown as IamStatement;
  return { statement: ordered, path, keys };
}

/** The message and fix for an unknown statement key, and the key it most likely meant. */
function unknownKey(written: string, entry: PlainObject): [string, string, StatementKey?] {
  if (written === "Principal" || written === "NotPrincipal" || written === "principal") {
    return [`a role's statements take no ${written}: the role itself is the principal.`, `Remove "${written}" (trust goes in the role's AssumeRolePolicyDocument).`];
  }
  // Suggest in the spelling the statement already uses.
  const pascalStatement = Object.keys(entry).some((k) => (STATEMENT_KEYS as readonly string[]).includes(k));
  const candidates = pascalStatement ? [...STATEMENT_KEYS] : Object.keys(CAMEL);
  const meant = closest(written, candidates) ?? closest(written.replace(/s$/, ""), candidates);
  return [
    `unknown statement key "${written}".${meant ? ` Did you mean "${meant}"?` : ""} A statement has ${candidates.join(", ")}.`,
    meant ? `Rename "${written}" to "${meant}".` : `Remove "${written}".`,
    meant ? canonicalOf(meant) : undefined,
  ];
}

function readActions(value: unknown, path: Array<string | number>, key: string, add: Add): string | string[] | undefined {
  if (typeof value === "string") {
    if (value.trim() !== "") return value;
    add(path, `${key} is an empty string.`, `Write ${key}: "service:Action".`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    add(path, `expected an action or a list of actions; got ${show(value)}.`, `Write ${key}: ["service:Action"].`);
    return undefined;
  }
  if (value.length === 0) {
    add(path, `${key} is an empty list: IAM rejects a statement that names no action.`, `List the actions, e.g. ${key}: ["s3:GetObject"], or remove the statement.`);
    return undefined;
  }
  let ok = true;
  value.forEach((item, j) => {
    if (typeof item === "string" && item.trim() !== "") return;
    ok = false;
    add([...path, j], `expected an action such as "s3:GetObject"; got ${show(item)}.`, `Write each action as a string "service:Action".`);
  });
  return ok ? (value as string[]) : undefined;
}

function readResources(value: unknown, path: Array<string | number>, key: string, add: Add): ResourceValue | undefined {
  const one = (item: unknown, at: Array<string | number>): boolean => {
    if (isIntrinsic(item)) return true;
    if (typeof item !== "string") {
      add(at, `expected an ARN (a string) or "*"; got ${show(item)}.`, typeof item === "number" ? `Quote it and write the full ARN: ${key}: "arn:aws:...". A bare number is not a resource.` : `Write ${key}: "arn:aws:..." (or a list of ARNs).`);
      return false;
    }
    const problem = resourceProblem(item);
    if (problem) add(at, problem.message, problem.fix);
    return !problem;
  };
  if (Array.isArray(value)) {
    if (value.length === 0) {
      add(path, `${key} is an empty list: IAM rejects a statement that names no resource.`, `List the ARNs, e.g. ${key}: ["arn:aws:s3:::bucket/*"], or remove the statement.`);
      return undefined;
    }
    const results = value.map((item, j) => one(item, [...path, j]));
    return results.every(Boolean) ? (value as Array<string | Intrinsic>) : undefined;
  }
  return one(value, path) ? (value as string | Intrinsic) : undefined;
}

/** What IAM refuses on upload: a resource that is neither "*" nor an ARN, or an ARN with a bad partition or no service. */
export function resourceProblem(resource: string): { message: string; fix: string } | undefined {
  if (resource === "*") return undefined;
  if (resource.trim() === "") return { message: "a resource must not be empty.", fix: 'Write the ARN, e.g. "arn:aws:s3:::bucket/*", or "*".' };
  if (!resource.startsWith("arn:")) {
    return { message: `"${resource}" is not an ARN: IAM takes "*" or a full ARN.`, fix: 'Write the ARN, e.g. "arn:aws:s3:::bucket/*" (the Service Authorization Reference gives each resource\'s format).' };
  }
  const [, partition, service] = resource.split(":");
  if (resource.split(":").length < 6 || !service) {
    return { message: `"${resource}" is not a complete ARN: arn:partition:service:region:account:resource.`, fix: 'Write all six parts, e.g. "arn:aws:sqs:us-east-1:123456789012:queue" (region and account may be empty or *).' };
  }
  if (!/^(\*|aws(-[a-z]+)*|\$\{[^}]+\})$/.test(partition!)) {
    return { message: `"${partition}" in "${resource}" is not a partition.`, fix: 'Use "aws" (or aws-cn, aws-us-gov).' };
  }
  return undefined;
}

function readCondition(value: unknown, path: Array<string | number>, key: string, add: Add): Record<string, Record<string, unknown>> | undefined {
  if (!isPlainObject(value)) {
    add(path, `expected an object of condition operators; got ${show(value)}.`, `Write ${key}: { StringEquals: { "aws:RequestedRegion": "us-east-1" } }.`);
    return undefined;
  }
  let ok = true;
  for (const [operator, block] of Object.entries(value)) {
    if (!parseConditionOperator(operator)) {
      ok = false;
      const base = operator.replace(/^(ForAnyValue|ForAllValues):/i, "").replace(/IfExists$/i, "");
      const meant = closest(base, SUPPORTED_CONDITION_OPERATORS);
      const suggestion = meant ? operator.replace(base, meant) : undefined;
      add(
        [...path, operator],
        `"${operator}" is not an IAM condition operator.${suggestion ? ` Did you mean "${suggestion}"?` : ""}`,
        suggestion ? `Rename it to "${suggestion}".` : `Use one of ${SUPPORTED_CONDITION_OPERATORS.join(", ")} (optionally ForAnyValue:/ForAllValues: and ...IfExists).`,
      );
      continue;
    }
    if (!isPlainObject(block)) {
      ok = false;
      add([...path, operator], `expected an object of condition keys; got ${show(block)}.`, `Write ${operator}: { "aws:SourceVpc": "vpc-..." }.`);
      continue;
    }
    for (const [conditionKey, v] of Object.entries(block)) {
      const items = Array.isArray(v) ? v : [v];
      const scalar = (x: unknown) => typeof x === "string" || typeof x === "number" || typeof x === "boolean" || isIntrinsic(x);
      if (items.length === 0 || !items.every(scalar)) {
        ok = false;
        add([...path, operator, conditionKey], `the value of "${conditionKey}" must be a string, number, boolean or a non-empty list of them; got ${show(v)}.`, `Write "${conditionKey}": "value" or ["value1", "value2"].`);
      }
    }
  }
  return ok ? (value as Record<string, Record<string, unknown>>) : undefined;
}
