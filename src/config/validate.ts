// Turns schema failures into Issues that name the file, the field and (where the source shows it)
// the line, so the edge can print "file:line field: what was wrong. fix".
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError, type Issue } from "../errors";

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else out += out ? `.${String(segment)}` : String(segment);
  }
  return out;
}

/**
 * Best-effort line of a field in a DSL file: finds each named key of the path in turn, after the
 * previous one. Good enough to point an editor at the right place; undefined when not found.
 */
export function findLine(source: string, path: readonly PropertyKey[]): number | undefined {
  let from = 0;
  let found = -1;
  for (const segment of path) {
    if (typeof segment !== "string") continue;
    const re = new RegExp(`(^|[\\s{,])["']?${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:`, "m");
    const match = re.exec(source.slice(from));
    if (!match) break;
    found = from + match.index + match[1]!.length;
    from = found + 1;
  }
  return found < 0 ? undefined : source.slice(0, found).split("\n").length;
}

/** Parses `value` with `schema`; on failure throws a ConfigError with one Issue per problem. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
  file: string,
  prefix: readonly PropertyKey[] = [],
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new ConfigError(issuesFrom(result.error.issues, file, prefix));
}

export function issuesFrom(
  zodIssues: readonly z.core.$ZodIssue[],
  file: string,
  prefix: readonly PropertyKey[] = [],
): Issue[] {
  let source = "";
  try {
    source = readFileSync(file, "utf8");
  } catch {
    // a virtual or removed file: no line numbers
  }
  return zodIssues.map((issue) => {
    const path = [...prefix, ...issue.path];
    // For an unknown key, the key itself is the field to point at.
    const fieldPath = issue.code === "unrecognized_keys" ? [...path, issue.keys[0] ?? ""] : path;
    return {
      file,
      line: findLine(source, fieldPath),
      field: formatPath(fieldPath) || undefined,
      message: issue.message,
    };
  });
}
