// Errors the CLI edge knows how to print. Deep code throws these; only src/cli/main.ts formats them
// and sets the exit code. Branded with a global symbol so two copies of the package still agree.
const BRAND = Symbol.for("codybuild.error");

/** Exit codes: docs/architecture.md#exit-codes. */
export const ExitCode = {
  ok: 0,
  input: 1,
  failed: 2,
  permissions: 3,
  /** `cody drift`: the stack differs from its template. */
  drifted: 4,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** One problem in the user's input: where it is, what was wrong, and how to fix it. */
export interface Issue {
  /** Path of the file, relative to the project root when inside it. */
  file?: string;
  line?: number;
  /** Dotted field path, e.g. `triggers.filterGroups[0][1].type`. */
  field?: string;
  message: string;
  fix?: string;
}

export class CodyError extends Error {
  readonly [BRAND] = true;
  readonly exitCode: ExitCode;
  readonly hint?: string;

  constructor(message: string, options: { exitCode?: ExitCode; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "CodyError";
    this.exitCode = options.exitCode ?? ExitCode.input;
    this.hint = options.hint;
  }
}

/** The user pressed Ctrl-C: exit 130 with a message that says how to continue. */
export class Interrupted extends CodyError {
  constructor(message = "Interrupted.", hint?: string) {
    super(message, { exitCode: ExitCode.interrupted, hint });
    this.name = "Interrupted";
  }
}

/** Bad input: one or more issues found before any AWS call. */
export class ConfigError extends CodyError {
  readonly issues: Issue[];

  constructor(issues: Issue[], options: { cause?: unknown } = {}) {
    const first = issues[0];
    super(first ? first.message : "invalid configuration", { exitCode: ExitCode.input, cause: options.cause });
    this.name = "ConfigError";
    this.issues = issues;
  }
}

export function isCodyError(x: unknown): x is CodyError {
  return typeof x === "object" && x !== null && BRAND in x;
}

export function isConfigError(x: unknown): x is ConfigError {
  return isCodyError(x) && Array.isArray((x as ConfigError).issues);
}

/** Shorthand for a ConfigError with a single issue. */
export function configError(issue: Issue, cause?: unknown): ConfigError {
  return new ConfigError([issue], { cause });
}
