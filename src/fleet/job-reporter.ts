// A reporter for one job of the fleet: the engines write to it as they would to the terminal, and it
// decides where each line goes. Plain (CI, pipes): every line, prefixed `[stack] `. Live (a terminal):
// info lines become the job's row's "last event"; warnings and errors are printed above the view.
// Results (the command's --json) are kept for the fleet, never printed.
import { colors, type Reporter } from "../io/reporter";

export interface JobSink {
  /** The latest thing the job said, for its row. */
  event(text: string): void;
}

export interface JobReporter extends Reporter {
  /** Everything the engine printed with result(), joined. */
  results(): string;
}

// eslint-disable-next-line no-control-regex -- stripping terminal colours is the point
const ANSI = /\x1b\[[0-9;]*m/g;

export function plainText(text: string): string {
  return text.replace(ANSI, "");
}

export function createJobReporter(parent: Reporter, label: string, sink: JobSink, mode: "live" | "plain"): JobReporter {
  const c = colors(parent);
  const prefix = `[${label}]`;
  const results: string[] = [];
  const lastLine = (text: string) => {
    const lines = plainText(text).split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length > 0) sink.event(lines[lines.length - 1]!);
  };
  const print = (text: string, tag?: string) => {
    for (const line of text.split("\n")) parent.error(`${c.dim(prefix)} ${tag ? `${tag} ` : ""}${line}`);
  };
  const say = (text: string, tag?: string, always = false) => {
    lastLine(text);
    if (mode === "plain" || always) print(text, tag);
  };
  return {
    // Engines see no terminal: they print plain lines (never their own live block), and never ask.
    color: parent.color,
    outColor: false,
    isTTY: false,
    outIsTTY: false,
    debugEnabled: parent.debugEnabled,
    result: (text) => {
      results.push(text);
    },
    info: (text) => say(text),
    success: (text) => say(text),
    warn: (text) => say(text, c.yellow("warning"), true),
    error: (text) => say(text, undefined, true),
    debug: (text) => {
      if (parent.debugEnabled) print(text, c.dim("[debug]"));
    },
    live: (lines) => {
      if (lines.length > 0) lastLine(lines[0]!);
    },
    endLive: () => undefined,
    interrupted: () => parent.interrupted(),
    results: () => results.join("\n"),
  };
}
