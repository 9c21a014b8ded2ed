// Parsing an identity policy: a small JSON reader that keeps line numbers (JSON.parse gives only an offset,
// and cody's own docs shipped a policy with a trailing comma), then the IAM grammar checks AWS would apply
// on upload.
import { configError, ConfigError, type Issue } from "../errors";
import { closest as closestWord } from "../util/did-you-mean";
import { parseConditionOperator, SUPPORTED_CONDITION_OPERATORS } from "./conditions";
import type { PolicyDocument } from "./evaluate";
import { isAllWildcards } from "./matching";


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
