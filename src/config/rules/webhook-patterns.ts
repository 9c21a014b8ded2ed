// Webhook filter patterns. An EVENT filter's pattern is a comma-separated list of event names; every
// other filter type takes a regular expression (CodeBuild's WebhookFilter reference). CloudFormation
// passes either on unchecked, and a bad one fails the deploy or never matches: check both here.
import { closest } from "../../util/did-you-mean";

/** The events CodeBuild's WebhookFilter reference lists for EVENT filters. */
export const WEBHOOK_EVENTS = [
  "PUSH",
  "PULL_REQUEST_CREATED",
  "PULL_REQUEST_UPDATED",
  "PULL_REQUEST_CLOSED",
  "PULL_REQUEST_REOPENED",
  "PULL_REQUEST_MERGED",
  "RELEASED",
  "PRERELEASED",
  "WORKFLOW_JOB_QUEUED",
] as const;

export interface PatternProblem {
  message: string;
  fix: string;
}

/** What is wrong with an EVENT filter's pattern, or undefined. */
export function eventPatternProblem(pattern: string): PatternProblem | undefined {
  const names = pattern.split(",").map((n) => n.trim());
  for (const name of names) {
    if (name === "") {
      return { message: `"${pattern}" has an empty event name (a stray comma).`, fix: 'Separate event names with single commas, e.g. "PUSH, PULL_REQUEST_CREATED".' };
    }
    if ((WEBHOOK_EVENTS as readonly string[]).includes(name)) continue;
    const meant = closest(name, WEBHOOK_EVENTS);
    return {
      message: `"${name}" is not a webhook event.${meant ? ` Did you mean "${meant}"?` : ""} Events: ${WEBHOOK_EVENTS.join(", ")}.`,
      fix: meant
        ? `Write pattern: "${pattern.replace(name, meant)}"${meant === name.toUpperCase() ? " (event names are upper case)" : ""}.`
        : "Use event names from the list, separated by commas; branches and paths go in HEAD_REF and FILE_PATH filters.",
    };
  }
  return undefined;
}

/**
 * Constructs of Java's regular expressions that JavaScript's reject, rewritten to an equivalent for
 * the syntax check only: inline flags `(?i)`, flag groups `(?i:...)`, atomic groups `(?>...)` and
 * possessive quantifiers `a*+`. So a pattern valid on AWS is never reported because JS lacks them.
 */
function withoutJavaOnlySyntax(pattern: string): string {
  return pattern
    .replace(/\(\?[a-zA-Z]*-?[a-zA-Z]*\)/g, "")
    .replace(/\(\?[a-zA-Z]*-?[a-zA-Z]*:/g, "(?:")
    .replace(/\(\?>/g, "(?:")
    .replace(/([*+?}])\+/g, "$1");
}

/** What is wrong with a filter's regular expression, or undefined when it compiles. */
export function regexPatternProblem(pattern: string, type: string): PatternProblem | undefined {
  try {
    new RegExp(withoutJavaOnlySyntax(pattern));
    return undefined;
  } catch (error) {
    // V8: "Invalid regular expression: /(main/: Unterminated group" → "unterminated group".
    const reason = String((error as Error).message).replace(/^.*\/: /s, "");
    const why = reason.charAt(0).toLowerCase() + reason.slice(1);
    const glob = looksLikeGlob(pattern);
    return {
      message: `"${pattern}" is not a valid regular expression (${why}); ${type} filter patterns are regular expressions${glob ? ", not globs" : ""}.`,
      fix: glob
        ? `Write it as a regular expression, e.g. pattern: ${JSON.stringify(globToRegex(pattern))}.`
        : "Correct the expression: escape ( ) [ ] { } * + ? . with a backslash where you mean the character itself (\\\\. in a TypeScript string).",
    };
  }
}

/** `*.md`, `docs/**`, `src/*`: a shell glob where a regular expression is expected. */
function looksLikeGlob(pattern: string): boolean {
  return /^\*|\/\*|\*\*/.test(pattern);
}

/**
 * The regular expression a glob most likely meant: `**` any path, `*` within one segment, `?` one
 * character; a glob without a slash (`*.md`) names files at any depth, as in .gitignore.
 */
export function globToRegex(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === "*" && glob[i + 1] === "*") {
      const slash = glob[i + 2] === "/";
      out += slash ? "(.*/)?" : ".*";
      i += slash ? 2 : 1;
    } else if (ch === "*") out += "[^/]*";
    else if (ch === "?") out += ".";
    else out += /[.+^${}()|[\]\\]/.test(ch) ? `\\${ch}` : ch;
  }
  return `${glob.includes("/") ? "^" : "(^|/)"}${out}$`;
}
