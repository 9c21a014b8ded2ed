// Turns any thrown value into what the user reads. Bad input prints file:line, field, problem and
// fix; a stack trace appears only with --debug.
import { isAbsolute, relative } from "node:path";
import { CodyError, isCodyError, isConfigError, type ConfigError, type Issue } from "../errors";
import { colors, type Reporter } from "../io/reporter";
import { closest } from "../util/did-you-mean";

/**
 * A path as the user can type it from where cody runs: relative below the current folder, and also a
 * few levels up (cody found `.cody/` in a parent: `../../.cody/project.ts`); absolute when farther.
 */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  if (!rel || isAbsolute(rel)) return file;
  const up = rel.split(/[\\/]/).filter((part) => part === "..").length;
  return up <= 3 ? rel : file;
}

export function formatIssue(issue: Issue, reporter: Pick<Reporter, "color">, cwd?: string): string {
  const c = colors(reporter);
  const where = issue.file ? `${displayPath(issue.file, cwd)}${issue.line ? `:${issue.line}` : ""}` : "";
  const head = [where && c.bold(where), issue.field && c.cyan(issue.field)].filter(Boolean).join(" ");
  const lines = [`${head ? `${head}: ` : ""}${issue.message}`];
  if (issue.fix) lines.push(`  ${c.yellow("fix:")} ${issue.fix}`);
  return lines.join("\n");
}

/** A file of the cody project: anything under a `.cody` folder. */
function inCodyFolder(file: string): boolean {
  return file.split(/[\\/]/).includes(".cody");
}

/**
 * The heading of a ConfigError: problems in .cody/ files are the project's; a file elsewhere (a
 * policy for `policy --check`, a buildspec in the repository) is named; the rest are flags and
 * environment variables.
 */
export function configErrorTitle(error: Pick<ConfigError, "issues">, cwd?: string): string {
  const count = error.issues.length;
  const files = [...new Set(error.issues.flatMap((i) => (i.file ? [i.file] : [])))];
  if (files.some(inCodyFolder)) return count === 1 ? "invalid cody project" : `${count} problems in the cody project`;
  if (files.length === 1) return count === 1 ? `invalid file ${displayPath(files[0]!, cwd)}` : `${count} problems in ${displayPath(files[0]!, cwd)}`;
  return count === 1 ? "invalid input" : `${count} problems in the input`;
}

/** The SDK's stack of a wrapped AWS error, without its advice to inspect fields of the error object. */
function causeStack(cause: unknown): string | undefined {
  if (!(cause instanceof Error) || !cause.stack) return undefined;
  return cause.stack
    .split("\n")
    .filter((l) => !/Deserialization error: to see the raw response/.test(l))
    .join("\n");
}

export function formatError(error: unknown, reporter: Pick<Reporter, "color" | "debugEnabled">, cwd?: string): string {
  const c = colors(reporter);
  const stack = reporter.debugEnabled && error instanceof Error && error.stack ? `\n${c.dim(error.stack)}` : "";
  // With --debug, what cody wrapped (an SDK error, a user's exception) is shown too.
  const cause = reporter.debugEnabled && error instanceof Error && causeStack(error.cause) ? `\n${c.dim(causeStack(error.cause)!)}` : "";
  if (isConfigError(error)) {
    const body = error.issues.map((i) => formatIssue(i, reporter, cwd)).join("\n");
    return `${c.red("error")} ${configErrorTitle(error, cwd)}\n${body}${cause}${stack}`;
  }
  if (isCodyError(error)) {
    return `${c.red("error")} ${error.message}${error.hint ? `\n  ${c.yellow("hint:")} ${error.hint}` : ""}${cause}${stack}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${c.red("error")} ${message}\n  ${c.yellow("hint:")} this looks like a bug in cody; rerun with --debug and report it with the output.${stack}`;
}

/** A command-line parser error: commander's code and message (`error: unknown option '--frce'` ...). */
export interface UsageErrorInput {
  code: string;
  message: string;
}

/**
 * Commander's own errors, said the way cody says its errors: the problem, then a hint with
 * commander's did-you-mean (or the closest choice) and where the options are listed.
 */
export function usageError(error: UsageErrorInput, command?: string): CodyError {
  const text = error.message.replace(/^error: /, "");
  const suggestion = /\n\(Did you mean (?:one of )?(.+)\?\)\s*$/.exec(text)?.[1];
  const problem = text.replace(/\n\(Did you mean[^)]*\)\s*$/, "").trim();
  const help = command ? `\`cody ${command} --help\` lists its options` : "`cody --help` lists the commands and options";
  const meant = suggestion ? `Did you mean ${suggestion}? ` : "";

  const choice = /^option '([^']+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/s.exec(problem);
  if (choice) {
    const flag = longFlag(choice[1]!);
    const choices = choice[3]!.split(", ");
    const close = closest(choice[2]!, choices);
    return new CodyError(`${flag} "${choice[2]}" is not one of ${choices.join(", ")}.`, {
      hint: close ? `Did you mean ${flag} ${close}?` : `Use one of them, e.g. ${flag} ${choices[0]}.`,
    });
  }
  const missingValue = /^option '([^']+)' argument missing$/.exec(problem);
  if (missingValue) {
    return new CodyError(`${longFlag(missingValue[1]!)} needs a value: ${missingValue[1]}.`, { hint: `Give it one; ${help}.` });
  }
  if (error.code === "commander.unknownCommand") {
    return new CodyError(`${problem}.`, { hint: `${meant}\`cody --help\` lists the commands.` });
  }
  if (error.code === "commander.excessArguments") {
    return new CodyError(problem, { hint: `Options start with - or --, and a value with spaces needs quotes. ${help}.` });
  }
  return new CodyError(problem.replace(/\.?$/, "."), { hint: `${meant}${help}.` });
}

/** `-t, --type <type>` → `--type`. */
function longFlag(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0]!;
}
