// Terminal stand-ins for deploy-engine tests: a Reporter that records what it prints, a DeployIo
// whose confirm() answers from a script, and a sleep that resolves at once and counts its calls.
import type { DeployIo } from "../../src/deploy/deploy-stack";
import { createPrinter } from "../../src/deploy/printers";
import type { Sleep } from "../../src/deploy/wait";
import { createReporter, type Reporter } from "../../src/io/reporter";

export interface RecordingReporter {
  reporter: Reporter;
  /** Lines for the human (stderr), in order, without colour. */
  lines: string[];
  /** stdout results. */
  out: string[];
  /** Everything in terminal order: stderr lines (with their newline) and raw live-block writes. */
  stream: string[];
}

export function recordingReporter(options: { isTTY?: boolean; debug?: boolean } = {}): RecordingReporter {
  const lines: string[] = [];
  const out: string[] = [];
  const stream: string[] = [];
  const reporter = createReporter({
    color: false,
    isTTY: options.isTTY ?? false,
    debug: options.debug,
    write: {
      out: (text) => out.push(text),
      err: (text) => {
        lines.push(text);
        stream.push(`${text}\n`);
      },
      raw: (text) => stream.push(text),
    },
  });
  return { reporter, lines, out, stream };
}

export interface TestIo extends DeployIo, RecordingReporter {
  /** Questions asked through confirm(), in order. */
  questions: string[];
  /** Titles of the printers the engine opened, e.g. "Creating demo-cody". */
  printers: string[];
}

/** `answers` are consumed in order; a question beyond them fails the test. */
export function testIo(options: { answers?: boolean[]; isTTY?: boolean } = {}): TestIo {
  const recording = recordingReporter({ isTTY: options.isTTY });
  const answers = [...(options.answers ?? [])];
  const questions: string[] = [];
  const printers: string[] = [];
  return {
    ...recording,
    questions,
    printers,
    printer: (title) => {
      printers.push(title);
      return createPrinter(recording.reporter, title);
    },
    confirm: async (question) => {
      questions.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected question: ${question}`);
      return answer;
    },
  };
}

export interface FakeSleep {
  sleep: Sleep;
  /** The delay of every call, in order. */
  calls: number[];
}

/** Resolves immediately; `onSleep` runs first (e.g. to abort a signal on the n-th wait). */
export function fakeSleep(onSleep?: (call: number, ms: number) => void): FakeSleep {
  const calls: number[] = [];
  return {
    calls,
    sleep: async (ms) => {
      calls.push(ms);
      onSleep?.(calls.length, ms);
    },
  };
}
