// Turns schema failures into Issues that name the file, the field and (where the source shows it)
// the line, each with a fix, so the edge can print "file:line field: what was wrong. fix: ...".
import { readFileSync } from "node:fs";
import type * as z from "zod";
import { ConfigError, type Issue } from "../errors";
import { closest } from "../util/did-you-mean";
import { decodeDetail, describe, KEY_ALIASES } from "./schema";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/** The inverse of formatPath: `a.b[0].c` → ["a", "b", 0, "c"]. */
export function parseFieldPath(field: string): PropertyKey[] {
  const path: PropertyKey[] = [];
  for (const match of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (match[2] !== undefined) path.push(Number(match[2]));
    else path.push(match[1]!);
  }
  return path;
}

/**
 * Best-effort line of a field in a DSL file: finds each named key of the path in turn, after the
 * previous one. Good enough to point an editor at the right place; undefined when not found.
 */
export function findLine(source: string, path: readonly PropertyKey[]): number | undefined {
  let from = 0;
  let found = -1;
  for (const segment of path) {
    if (typeof segment === "number") {
      // The n-th element of a list literal, so `iamPolicy[2].Effect` finds the third statement's Effect.
      const at = found < 0 ? -1 : elementStart(source, found, segment);
      if (at >= 0) {
        found = at;
        from = at;
      }
      continue;
    }
    if (typeof segment !== "string") continue;
    const re = new RegExp(`(^|[\\s{,])["']?${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:`, "m");
    const match = re.exec(source.slice(from));
    if (!match) break;
    found = from + match.index + match[1]!.length;
    from = found + 1;
  }
  return found < 0 ? undefined : source.slice(0, found).split("\n").length;
}

/**
 * Where the `index`-th element of the list literal at `at` starts (`at` is the list's `[` or its key),
 * skipping strings, comments and nested brackets; -1 when the value is not a list literal.
 */
function elementStart(source: string, at: number, index: number): number {
  let i = at;
  if (source[i] !== "[") {
    const colon = source.indexOf(":", i);
    if (colon < 0) return -1;
    i = colon + 1;
    while (/\s/.test(source[i] ?? "")) i++;
    if (source[i] !== "[") return -1;
  }
  let depth = 0;
  let count = 0;
  let waiting = true; // looking for the first character of element `count`
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (depth === 1 && waiting && !/[\s,]/.test(c) && c !== "]" && !(c === "/" && /[/*]/.test(source[i + 1] ?? ""))) {
      if (count === index) return i;
      waiting = false;
    }
    if (c === '"' || c === "'" || c === "`") {
      for (i++; i < source.length && source[i] !== c; i++) if (source[i] === "\\") i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      i = source.indexOf("*/", i + 2);
      if (i < 0) return -1;
      i++;
    } else if (c === "[" || c === "{" || c === "(") depth++;
    else if (c === "]" || c === "}" || c === ")") {
      depth--;
      if (depth === 0) return -1;
    } else if (c === "," && depth === 1) {
      count++;
      waiting = true;
    }
  }
  return -1;
}

/** Reads a file for line lookups; "" when it cannot be read (no line numbers then). */
export function readSource(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

/** Parses `value` with `schema`; on failure throws a ConfigError with one Issue per problem. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  file: string,
  prefix: readonly PropertyKey[] = [],
): z.infer<T> {
  // reportInput: the fallback messages below quote what the user wrote.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  throw new ConfigError(issuesFrom(result.error.issues, file, prefix));
}

interface Located extends Issue {
  path: PropertyKey[];
  /** For an unknown key: the known key it most likely meant. */
  meant?: string;
  /** A required key that is absent. */
  missing?: boolean;
}

export function issuesFrom(
  zodIssues: readonly z.core.$ZodIssue[],
  file: string,
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  const source = readSource(file);
  const located: Located[] = [];
  for (const issue of zodIssues) {
    const path = [...prefix, ...issue.path];
    // A record's bad key: the key schema's message says what is wrong with the name.
    const inner = issue.code === "invalid_key" ? issue.issues[0] : undefined;
    const detail = decodeDetail(issue.message) ?? (inner ? decodeDetail(inner.message) : undefined);
    if (issue.code === "unrecognized_keys") {
      // One issue per key, each pointing at its own line.
      for (const key of issue.keys) located.push(unknownKey(path, key, detail?.known ?? [], prefix.length));
      continue;
    }
    const input = (issue as { input?: unknown }).input;
    const { message, fix } = detail ?? fallback(issue, input);
    located.push({
      path,
      message,
      fix: fix?.replaceAll("{key}", keyName(path)),
      missing: issue.code === "invalid_type" && input === undefined,
    });
  }
  // "subnetIds" is unknown and "subnets" is missing: one problem, already explained by the unknown key.
  const meant = new Set(located.filter((i) => i.meant).map((i) => formatPath([...i.path.slice(0, -1), i.meant!])));
  const kept = located.filter((i) => !(i.missing && meant.has(formatPath(i.path))));
  const issues = kept.map(({ path, message, fix }) => ({
    file,
    line: findLine(source, path),
    field: formatPath(path) || undefined,
    message,
    fix,
  }));
  // Source order reads best; issues without a line keep their place at the end.
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index)
    .map(({ issue }) => issue);
}

function unknownKey(parent: PropertyKey[], key: string, known: readonly string[], topLength: number): Located {
  const alias = KEY_ALIASES[key.toLowerCase()];
  const meant = closest(key, known) ?? (alias && known.includes(alias) ? alias : undefined);
  const atTop = parent.length === topLength || (parent.length === topLength + 1 && (parent[topLength] === "role" || parent[topLength] === "schedule"));
  let fix = `Remove "${key}", or rename it to one of the known keys.`;
  if (meant) fix = `Rename "${key}" to "${meant}".`;
  else if (atTop && known.includes("githubUrl") && /^(project)?name$/i.test(key)) {
    fix = `Remove "${key}": the project name is cody's first argument (default: the folder name), e.g. cody deploy my-project.`;
  } else if (atTop && /^[A-Z]/.test(key) && known.includes("properties")) {
    fix = `Move it under properties: { ${key}: ... }, where raw CloudFormation properties go.`;
  }
  return {
    path: [...parent, key],
    meant,
    // A likely typo needs only its correction; the full list helps when there is no close match.
    message: `unknown key "${key}".${meant ? ` Did you mean "${meant}"?` : known.length ? ` Known keys: ${known.join(", ")}.` : ""}`,
    fix,
  };
}

/** The name a fix can use for the field: its own key, e.g. `timeoutInMinutes` or `costCenter`. */
function keyName(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (typeof path[i] === "string") return formatPath(path.slice(i));
  return formatPath(path) || "the value";
}

/** Messages for the few checks without a hand-written one (zod's defaults do not say what to do). */
function fallback(issue: z.core.$ZodIssue, input: unknown): { message: string; fix: string } {
  switch (issue.code) {
    case "invalid_type":
      return input === undefined
        ? { message: `is missing: expected ${issue.expected}.`, fix: `Add {key}.` }
        : { message: `expected ${issue.expected}; got ${describe(input)}.`, fix: `Set {key} to a ${issue.expected}.` };
    case "invalid_value":
      return {
        message: `${describe(input)} is not accepted. Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}.`,
        fix: "Use one of the listed values.",
      };
    case "too_small":
    case "too_big":
      return { message: `${issue.message.replace(/^Too (small|big): /, "")}; got ${describe(input)}.`, fix: "Change {key} to fit that limit." };
    default:
      return {
        message: `${describe(input)} is not accepted here (${issue.message}).`,
        fix: "Correct {key}; the types of defineProject/defineRole/defineSchedule show what each key accepts.",
      };
  }
}
