// Turns any thrown value into what the user reads. Bad input prints file:line, field, problem and
// fix; a stack trace appears only with --debug.
import { isAbsolute, relative } from "node:path";
import { isCodyError, isConfigError, type Issue } from "../errors";
import { colors, type Reporter } from "../io/reporter";

export function displayPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith("..") ? rel : file;
}

export function formatIssue(issue: Issue, reporter: Pick<Reporter, "color">, cwd?: string): string {
  const c = colors(reporter);
  const where = issue.file ? `${displayPath(issue.file, cwd)}${issue.line ? `:${issue.line}` : ""}` : "";
  const head = [where && c.bold(where), issue.field && c.cyan(issue.field)].filter(Boolean).join(" ");
  const lines = [`${head ? `${head}: ` : ""}${issue.message}`];
  if (issue.fix) lines.push(`  ${c.yellow("fix:")} ${issue.fix}`);
  return lines.join("\n");
}

export function formatError(error: unknown, reporter: Pick<Reporter, "color" | "debugEnabled">, cwd?: string): string {
  const c = colors(reporter);
  const stack = reporter.debugEnabled && error instanceof Error && error.stack ? `\n${c.dim(error.stack)}` : "";
  if (isConfigError(error)) {
    const count = error.issues.length;
    // Problems in files are the project's; the rest come from flags and environment variables.
    const inProject = error.issues.some((i) => i.file);
    const title = inProject ? (count === 1 ? "invalid cody project" : `${count} problems in the cody project`) : count === 1 ? "invalid input" : `${count} problems in the input`;
    const body = error.issues.map((i) => formatIssue(i, reporter, cwd)).join("\n");
    const cause = reporter.debugEnabled && error.cause instanceof Error ? `\n${c.dim(String(error.cause.stack))}` : "";
    return `${c.red("error")} ${title}\n${body}${cause}${stack}`;
  }
  if (isCodyError(error)) {
    return `${c.red("error")} ${error.message}${error.hint ? `\n  ${c.yellow("hint:")} ${error.hint}` : ""}${stack}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${c.red("error")} ${message}\n  ${c.yellow("hint:")} this looks like a bug in cody; rerun with --debug and report it with the output.${stack}`;
}
