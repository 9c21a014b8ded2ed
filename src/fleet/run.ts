// Runs one command on every target with a pool, each job writing through its own prefixed reporter,
// and turns what each printed (its --json result) or threw (its exit code) into a row of the summary.
// One failing stack does not stop the others (unless failFast); Ctrl-C stops starting new jobs, and
// the jobs in flight abort themselves as the single-stack commands do (src/cli/interrupt.ts).
import { ExitCode, isCodyError } from "../errors";
import type { Reporter } from "../io/reporter";
import { createJobReporter, plainText } from "./job-reporter";
import { runPool } from "./pool";
import type { FleetTarget, JobResult } from "./types";
import { FleetView } from "./view";

export interface RunFleetInput {
  targets: readonly FleetTarget[];
  concurrency: number;
  /** Stop starting jobs after the first failure (the ones running finish). */
  failFast?: boolean;
  reporter: Reporter;
  /** What a row says while its job runs: "deploying", "deleting". */
  verb: string;
  /** Runs the command on one target; it prints its --json result through `reporter.result`. */
  job: (target: FleetTarget, reporter: Reporter) => Promise<void>;
  /** How errors read (src/cli/format-error.ts), passed in so this module stays below the CLI. */
  formatError: (error: unknown, reporter: Reporter) => string;
  /** Aborted on Ctrl-C; defaults to SIGINT on this process. */
  interrupt?: AbortSignal;
  now?: () => number;
}

/** What a command's --json result says: its type, how many changes, and the region it used. */
export function interpretResult(detail: unknown): { result?: string; changes: number | null; region?: string } {
  if (!detail || typeof detail !== "object") return { changes: null };
  const d = detail as Record<string, unknown>;
  return {
    ...(typeof d.type === "string" ? { result: d.type } : {}),
    changes: Array.isArray(d.changes) ? d.changes.length : null,
    ...(typeof d.region === "string" ? { region: d.region } : {}),
  };
}

function parseDetail(text: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const FAILED_WORDS: Record<number, string> = {
  [ExitCode.interrupted]: "interrupted",
  [ExitCode.failed]: "failed",
  [ExitCode.permissions]: "missing permissions",
  [ExitCode.drifted]: "drifted",
};

/** The error's first line, without the "error" word formatError starts with. */
function firstLine(text: string): string {
  const line = plainText(text).split("\n").find((l) => l.trim())?.trim() ?? "";
  return line.replace(/^error:?\s+/, "");
}

/** Listens for Ctrl-C: no new jobs once it is pressed. */
function interruption(signal: AbortSignal | undefined): { stopped(): boolean; dispose(): void } {
  if (signal) return { stopped: () => signal.aborted, dispose: () => undefined };
  let pressed = false;
  const onSigint = () => {
    pressed = true;
  };
  process.on("SIGINT", onSigint);
  return { stopped: () => pressed, dispose: () => process.off("SIGINT", onSigint) };
}

export async function runFleet(input: RunFleetInput): Promise<JobResult[]> {
  const now = input.now ?? Date.now;
  const view = new FleetView(input.reporter, input.targets, input.verb, now);
  // Each job in flight listens for Ctrl-C itself (withInterrupt), beside the fleet's own listener.
  process.setMaxListeners(Math.max(process.getMaxListeners(), input.concurrency + 10));
  const interrupt = interruption(input.interrupt);
  let failed = false;
  const runOne = async (target: FleetTarget, index: number): Promise<JobResult> => {
    const started = now();
    view.jobStarted(index);
    const reporter = createJobReporter(input.reporter, target.label, { event: (text) => view.event(index, text) }, view.mode);
    let exitCode: number = ExitCode.ok;
    let error: string | undefined;
    try {
      await input.job(target, reporter);
    } catch (thrown) {
      exitCode = isCodyError(thrown) ? thrown.exitCode : ExitCode.input;
      const text = input.formatError(thrown, reporter);
      reporter.error(text);
      error = firstLine(text);
    }
    const detail = parseDetail(reporter.results());
    const said = interpretResult(detail);
    const result: JobResult = {
      target,
      ...((said.region ?? target.region) ? { region: said.region ?? target.region } : {}),
      result: said.result ?? (exitCode === ExitCode.ok ? "done" : (FAILED_WORDS[exitCode] ?? "error")),
      exitCode,
      changes: said.changes,
      elapsedMs: now() - started,
      ...(error ? { error } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
    if (exitCode !== ExitCode.ok) failed = true;
    view.jobDone(index, result);
    return result;
  };
  view.start();
  try {
    const outcomes = await runPool(input.targets, input.concurrency, runOne, () => !interrupt.stopped() && !(input.failFast && failed));
    return outcomes.map((outcome, index): JobResult => {
      if (outcome.status === "done") return outcome.value;
      const target = input.targets[index]!;
      // runOne catches what the job throws; a throw here is the fleet's own bug, reported as such.
      if (outcome.status === "threw") return { target, result: "error", exitCode: ExitCode.input, changes: null, elapsedMs: null, error: String(outcome.error) };
      const why = interrupt.stopped() ? "interrupted" : "--fail-fast";
      return {
        target,
        ...(target.region ? { region: target.region } : {}),
        result: "not started",
        exitCode: interrupt.stopped() ? ExitCode.interrupted : ExitCode.input,
        changes: null,
        elapsedMs: null,
        error: `not started (${why})`,
      };
    });
  } finally {
    interrupt.dispose();
    view.stop();
  }
}
