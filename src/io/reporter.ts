/* eslint-disable no-console -- the one module that writes to the terminal */
// All terminal output goes through a Reporter. Results (templates, JSON) go to stdout so
// `cody synth | cfn-lint -` works; everything for the human goes to stderr.
import pc from "picocolors";

export interface Reporter {
  /** Machine-readable or primary output: stdout. */
  result(text: string): void;
  info(text: string): void;
  success(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** Printed only with --debug. */
  debug(text: string): void;
  readonly color: boolean;
  readonly isTTY: boolean;
  readonly debugEnabled: boolean;
}

export interface ReporterOptions {
  debug?: boolean;
  /** Defaults to stderr being a TTY, not CI, and NO_COLOR unset. */
  color?: boolean;
  write?: { out(text: string): void; err(text: string): void };
}

export function createReporter(options: ReporterOptions = {}): Reporter {
  const isTTY = Boolean(process.stderr.isTTY) && process.env.CI !== "true";
  const color = options.color ?? (pc.isColorSupported && isTTY);
  const c = pc.createColors(color);
  const write = options.write ?? {
    out: (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text: string) => console.error(text),
  };
  return {
    color,
    isTTY,
    debugEnabled: Boolean(options.debug),
    result: (text) => write.out(text),
    info: (text) => write.err(text),
    success: (text) => write.err(c.green(text)),
    warn: (text) => write.err(`${c.yellow("warning")} ${text}`),
    error: (text) => write.err(text),
    debug: (text) => {
      if (options.debug) write.err(c.dim(`[debug] ${text}`));
    },
  };
}

/** Colour helpers bound to a reporter's colour decision, for formatting code outside this module. */
export function colors(reporter: Pick<Reporter, "color">) {
  return pc.createColors(reporter.color);
}
