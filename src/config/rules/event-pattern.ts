// Checks an EventBridge event pattern locally. EventBridge only answers "Event pattern is not valid"
// once a deploy is under way; here we name the key and say what to write. Rules from EventBridge's
// "Event patterns" and "Content filtering" pages: top-level keys are the event's envelope fields
// (and `detail`), every value to match is a non-empty array, nested objects only under `detail`
// (or inside `$or`), and PutRule's EventPattern is at most 4096 characters. Pure: no I/O.
import { closest } from "../../util/did-you-mean";

export interface PatternProblem {
  /** The path under the pattern: `source`, `detail.repository-name`. Empty for the whole pattern. */
  path: string;
  message: string;
  fix: string;
}

/** The envelope fields every EventBridge event has; only `detail` holds an object. */
export const EVENT_PATTERN_KEYS = ["source", "detail-type", "detail", "account", "region", "resources", "time", "id", "version"] as const;

/** PutRule's limit on EventPattern. */
const MAX_PATTERN_LENGTH = 4096;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

const EXAMPLE = '{ source: ["aws.ecr"], "detail-type": ["ECR Image Action"], detail: { "action-type": ["PUSH"] } }';

export function checkEventPattern(pattern: unknown): PatternProblem[] {
  if (!isObject(pattern)) {
    return [{ path: "", message: "an event pattern must be an object.", fix: `Write eventPattern: ${EXAMPLE}.` }];
  }
  if (Object.keys(pattern).length === 0) {
    return [{ path: "", message: "the event pattern is empty, so it would match no event (EventBridge refuses it).", fix: `Say which events start a build, e.g. eventPattern: ${EXAMPLE}.` }];
  }
  const problems: PatternProblem[] = [];
  checkTopLevel(pattern, "", problems);
  const length = JSON.stringify(pattern).length;
  if (problems.length === 0 && length > MAX_PATTERN_LENGTH) {
    problems.push({
      path: "",
      message: `the event pattern is ${length} characters as JSON; EventBridge allows at most ${MAX_PATTERN_LENGTH}.`,
      fix: "Shorten it, e.g. with prefix matching ({ prefix: \"...\" }) instead of long lists.",
    });
  }
  return problems;
}

/** One level of envelope keys: the pattern itself, or an alternative of a top-level `$or`. */
function checkTopLevel(level: Record<string, unknown>, path: string, problems: PatternProblem[]): void {
  for (const [key, value] of Object.entries(level)) {
    const at = join(path, key);
    if (key === "$or") {
      checkOr(value, at, problems, (alt, altPath) => checkTopLevel(alt, altPath, problems));
      continue;
    }
    if (!(EVENT_PATTERN_KEYS as readonly string[]).includes(key)) {
      const meant = closest(key, EVENT_PATTERN_KEYS);
      problems.push({
        path: at,
        message: `"${key}" is not a field of an EventBridge event.${meant ? ` Did you mean "${meant}"?` : ""} The top level of a pattern takes ${EVENT_PATTERN_KEYS.join(", ")}; the event's own fields go under detail.`,
        fix: meant ? `Rename "${key}" to "${meant}".` : `Move "${key}" under detail: { "${key}": [...] }, or remove it.`,
      });
      continue;
    }
    if (key === "detail") {
      if (!isObject(value) || Object.keys(value).length === 0) {
        problems.push({ path: at, message: "detail must be a non-empty object of the event's fields.", fix: 'Write detail: { "action-type": ["PUSH"] } (each value a list of what to match).' });
      } else checkDetail(value, at, problems);
      continue;
    }
    checkMatchList(value, at, problems, false);
  }
}

/** Under detail: every value is a list of matchers or a nested object of the same kind. */
function checkDetail(level: Record<string, unknown>, path: string, problems: PatternProblem[]): void {
  for (const [key, value] of Object.entries(level)) {
    const at = join(path, key);
    if (key === "$or") checkOr(value, at, problems, (alt, altPath) => checkDetail(alt, altPath, problems));
    else if (isObject(value)) {
      if (Object.keys(value).length === 0) problems.push({ path: at, message: `${at} is an empty object, so it matches nothing.`, fix: `Give ${key} the fields to match, or remove it.` });
      else checkDetail(value, at, problems);
    } else checkMatchList(value, at, problems, true);
  }
}

function checkOr(value: unknown, path: string, problems: PatternProblem[], each: (alt: Record<string, unknown>, path: string) => void): void {
  if (!Array.isArray(value) || value.length < 2 || !value.every((alt) => isObject(alt) && Object.keys(alt).length > 0)) {
    problems.push({ path, message: "$or must be a list of at least two non-empty patterns.", fix: '$or: [{ "detail-type": ["A"] }, { "detail-type": ["B"] }].' });
    return;
  }
  value.forEach((alt, i) => each(alt as Record<string, unknown>, `${path}[${i}]`));
}

/** The value of a field to match: a non-empty list of strings, numbers, booleans, null or matcher objects. */
function checkMatchList(value: unknown, path: string, problems: PatternProblem[], nestedAllowed: boolean): void {
  const field = path.split(".").pop()!;
  if (!Array.isArray(value)) {
    const wrapped = typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? JSON.stringify(value) : undefined;
    problems.push({
      path,
      message: `${field} must be a list of values to match${nestedAllowed ? " (or an object of nested fields)" : ""}; EventBridge matches only against lists.`,
      fix: wrapped ? `Wrap it in a list: "${field}": [${wrapped}].` : `Write "${field}": ["value"].`,
    });
    return;
  }
  if (value.length === 0) {
    problems.push({ path, message: `${field} is an empty list; EventBridge refuses empty lists in a pattern.`, fix: `List the values to match, or remove ${field}.` });
    return;
  }
  value.forEach((item, i) => {
    const ok = item === null || ["string", "number", "boolean"].includes(typeof item) || (isObject(item) && Object.keys(item).length > 0);
    if (!ok) {
      problems.push({
        path: `${path}[${i}]`,
        message: `${field}[${i}] is ${Array.isArray(item) ? "a list" : "not a value"}; list items are strings, numbers, booleans, null or matchers such as { prefix: "v" }.`,
        fix: Array.isArray(item) ? `Flatten it: "${field}": [${item.map((x) => JSON.stringify(x)).join(", ")}].` : `Write a value to match, e.g. "${field}": ["value"].`,
      });
    }
  });
}
