/* eslint-disable no-console -- the one module that writes to the terminal */
// All terminal output goes through a Reporter, and every confirmation through the Prompt below.
// Results (templates, JSON) go to stdout so `cody synth | cfn-lint -` works; everything for the
// human goes to stderr.
import type * as Readline from "node:readline/promises";
import { Chalk, type ChalkInstance } from "chalk";
import { Interrupted } from "../errors";

export interface Reporter {
  /** Machine-readable or primary output: stdout. */
  result(text: string): void;
  info(text: string): void;
  success(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  /** Printed only with --debug. */
  debug(text: string): void;
  /** Redraws a block of lines in place (TTY only; elsewhere nothing is drawn); `[]` clears it. */
  live(lines: string[]): void;
  /** Leaves the live block as it is and continues below it. */
  endLive(): void;
  /**
   * Ctrl-C was pressed: the terminal echoed `^C` where the cursor is, so the next message needs a
   * line of its own. A live block needs nothing: clearing it wipes the `^C` too.
   */
  interrupted(): void;
  /** Colour for stderr, where the human lines go. */
  readonly color: boolean;
  /** Colour for stdout results meant for people (status, list tables): decided by stdout, not stderr. */
  readonly outColor: boolean;
  /** stderr is a terminal (outside CI): live blocks are drawn. */
  readonly isTTY: boolean;
  /** stdout is a terminal: nobody captures the result, so it need not be repeated for the human. */
  readonly outIsTTY: boolean;
  readonly debugEnabled: boolean;
}

export interface ReporterOptions {
  debug?: boolean;
  /** Defaults to `wantsColor(stderr is a TTY)`: FORCE_COLOR, then NO_COLOR, then the terminal. */
  color?: boolean;
  write?: { out(text: string): void; err(text: string): void; raw?(text: string): void };
  /** Draw live blocks; defaults to stderr being a TTY outside CI. */
  isTTY?: boolean;
  /** Defaults to stdout being a TTY. */
  outIsTTY?: boolean;
  /** Colour on stdout; defaults to `color` when given, else `wantsColor(stdout is a TTY)`. */
  outColor?: boolean;
}

export function createReporter(options: ReporterOptions = {}): Reporter {
  const isTTY = options.isTTY ?? (Boolean(process.stderr.isTTY) && process.env.CI !== "true");
  const color = options.color ?? wantsColor(Boolean(process.stderr.isTTY));
  const outIsTTY = options.outIsTTY ?? Boolean(process.stdout.isTTY);
  const outColor = options.outColor ?? options.color ?? wantsColor(outIsTTY);
  const c = palette(color);
  if (!options.write) quietOnClosedPipe();
  const write = options.write ?? {
    out: (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text: string) => console.error(text),
    raw: (text: string) => process.stderr.write(text),
  };
  const raw = write.raw ?? ((text: string) => write.err(text));
  let liveHeight = 0;
  const clearLive = () => {
    // Cursor up over the old block, then clear to the end of the screen.
    if (liveHeight > 0) raw(`\x1b[${liveHeight}A\r\x1b[0J`);
    liveHeight = 0;
  };
  const err = (text: string) => {
    clearLive();
    write.err(text);
  };
  return {
    color,
    isTTY,
    outIsTTY,
    outColor,
    debugEnabled: Boolean(options.debug),
    // stdout and stderr often share the terminal: the live block goes before a result line too.
    result: (text) => {
      clearLive();
      write.out(text);
    },
    info: (text) => err(text),
    success: (text) => err(c.green(text)),
    warn: (text) => err(`${c.yellow("warning")} ${text}`),
    error: (text) => err(text),
    debug: (text) => {
      if (options.debug) err(c.dim(`[debug] ${text}`));
    },
    live: (lines) => {
      if (!isTTY) return;
      clearLive();
      if (lines.length === 0) return;
      raw(`${lines.join("\n")}\n`);
      liveHeight = lines.length;
    },
    endLive: () => {
      liveHeight = 0;
    },
    interrupted: () => {
      if (isTTY && liveHeight === 0) raw("\n");
    },
  };
}

let pipeWatched = false;

/** `cody status | head -2`: the reader went away, so there is no one left to tell; end without a stack trace. */
function quietOnClosedPipe(): void {
  if (pipeWatched) return;
  pipeWatched = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

/**
 * Whether a stream gets colour. FORCE_COLOR wins when set (0/false turn colour off, anything else on,
 * piped or not: https://force-color.org), then NO_COLOR (https://no-color.org), then a terminal outside
 * CI. `--no-color` is decided before this, in main.ts.
 */
export function wantsColor(isTTY: boolean, env: Record<string, string | undefined> = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return !/^(0|false)$/i.test(force);
  if (env.NO_COLOR) return false;
  return isTTY && env.CI !== "true" && env.TERM !== "dumb";
}

/** 16 colours are all cody uses; FORCE_COLOR=2/3 asks for more and gets it. */
function colorLevel(env: Record<string, string | undefined> = process.env): 1 | 2 | 3 {
  const forced = Number(env.FORCE_COLOR);
  return forced === 2 || forced === 3 ? forced : 1;
}

const palettes = new Map<boolean, ChalkInstance>();

function palette(color: boolean): ChalkInstance {
  let chalk = palettes.get(color);
  if (!chalk) palettes.set(color, (chalk = new Chalk({ level: color ? colorLevel() : 0 })));
  return chalk;
}

/** Colour helpers bound to a reporter's colour decision, for formatting code outside this module. */
export function colors(reporter: Pick<Reporter, "color">): ChalkInstance {
  return palette(reporter.color);
}

/** A yes/no question for the person at the terminal, asked before a command changes something. */
export interface Prompt {
  /** Whether someone can answer: stdin and stderr are terminals. */
  readonly interactive: boolean;
  /** y or yes (any case) is yes; anything else is no. */
  ask(question: string): Promise<boolean>;
  /**
   * Set when this is one job of a fleet run (it never asks, even on a terminal: several stacks run at
   * once): the command that runs this stack alone, where cody would ask. Refusals say so.
   */
  readonly fleetJob?: { alone: string };
}

/** The prompt on stdin and stderr (stdout stays for results). Ctrl-C at the prompt is Interrupted. */
export function terminalPrompt(): Prompt {
  return {
    // Read when asked, stderr first: without a terminal there (CI, pipes) process.stdin is never made,
    // which for a pipe costs a socket's set-up (~7 ms of a deploy's start).
    get interactive() {
      return Boolean(process.stderr.isTTY && process.stdin.isTTY);
    },
    ask: async (question) => {
      // Imported on the first question: node:readline costs every command's start-up, and most never ask.
      const { createInterface }: typeof Readline = await import("node:readline/promises");
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} (y/N) `)).trim());
      } catch (error) {
        if ((error as Error).name === "AbortError") {
          // The answer line was left open after "(y/N) ": the message goes on a line of its own.
          process.stderr.write("\n");
          throw new Interrupted("Interrupted at the prompt: nothing was changed.");
        }
        throw error;
      } finally {
        rl.close();
      }
    },
  };
}
