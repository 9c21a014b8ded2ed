// Following a CodeBuild build: one loop polls BatchGetBuilds and the build's CloudWatch stream and
// prints phase results and log lines merged by time, so nothing interleaves at random (cody ran the
// log tail on a background thread next to a 5 s poll). Readers page by token: no duplicates, no gaps.
// The pieces live next door: build.ts (a build as a value), log-stream.ts (reading the log), failures.ts
// (failed phases, hints, the summary); this file stays the entry of the idea and re-exports them.
import type { Build, BuildPhase } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi, LogsApi } from "../aws/clients";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { colors, type Reporter } from "../io/reporter";
import { abortable, Interrupted, type Sleep } from "../util/wait";
import { buildFinished, CONTAINER_PHASES, getBuild, uniquePhases } from "./build";
import { formatPhase } from "./failures";
import { formatDuration } from "./format";
import { logsState, logText, StreamCursor, type LogLine, type LogPage, type LogsState } from "./log-stream";

export { buildDurationMs, buildFinished, buildSucceeded, getBuild, TERMINAL_BUILD_STATUSES, uniquePhases } from "./build";
export { failedPhases, failureHint, formatPhase, printSummary, type FailedPhase } from "./failures";
export { filterPages, logsState, logText, StreamCursor, type LogLine, type LogLocation, type LogPage, type LogsState } from "./log-stream";


export interface FollowOptions {
  codebuild: CodeBuildApi;
  logs: LogsApi;
  buildId: string;
  reporter: Reporter;
  sleep: Sleep;
  signal?: AbortSignal;
  /** Where log lines go; default the command's result (stdout). */
  printLine?: (text: string) => void;
  /** Show only log lines and phases from this time on (`cody logs --since`). */
  since?: Date;
  /** Longest wait for late log events once the build has completed. */
  drainMs?: number;
  now?: () => number;
  /** Longest follow (--timeout); default: the build's own timeouts plus a margin (followLimitMs). */
  timeoutMs?: number;
}

/**
 * How long a follow may last unless --timeout says: the longest CodeBuild lets this build queue and
 * run, plus ten minutes. Past that, something is wrong with the endpoint, not the build.
 */
export function followLimitMs(build: Pick<Build, "timeoutInMinutes" | "queuedTimeoutInMinutes">): number {
  return ((build.timeoutInMinutes ?? 60) + (build.queuedTimeoutInMinutes ?? 480) + 10) * 60_000;
}

/** The follow reached its limit; the build goes on. */
export class FollowLimitReached extends CodyError {
  constructor(
    readonly build: Build,
    limitMs: number,
  ) {
    const limit = limitMs % 60_000 === 0 ? `${limitMs / 60_000} min` : `${Math.round(limitMs / 1000)} s`;
    super(`stopped following build ${build.id ?? ""} after ${limit} (--timeout): it is still ${build.buildStatus ?? "IN_PROGRESS"}${build.currentPhase ? ` (${build.currentPhase})` : ""}.`, {
      exitCode: ExitCode.failed,
    });
    this.name = "FollowLimitReached";
  }
}

export interface FollowResult {
  build: Build;
  /** Log lines printed. */
  lines: number;
  logs: LogsState;
}

export const POLL_MIN_MS = 1000;
export const POLL_MAX_MS = 5000;
export const DRAIN_MS = 5000;
const DRAIN_STEP_MS = 1000;
/** Polls a finished phase waits for the log lines before it to arrive, before it is printed anyway. */
const PHASE_HOLD_POLLS = 2;
/** Phase times come from the service, log timestamps from the container: allow some skew. */
const CLOCK_SKEW_MS = 2000;
/** A build that ended longer ago than this has all its log lines in CloudWatch: no waiting for more. */
const LATE_LOGS_MS = 30_000;

interface PendingPhase {
  end: number;
  phase: BuildPhase;
  polls: number;
}

/**
 * Polls until the build completes, then drains late log events for at most `drainMs`. Every phase is
 * printed when it has finished, after the log lines written before it ended. Ctrl-C (the signal) stops
 * following with Interrupted; it never stops the build.
 */
export async function followBuild(options: FollowOptions): Promise<FollowResult> {
  const { codebuild, reporter, sleep, signal } = options;
  const printLine = options.printLine ?? ((text: string) => reporter.result(text));
  const since = options.since?.getTime();
  const drainMs = options.drainMs ?? DRAIN_MS;
  const now = options.now ?? Date.now;

  const shown = new Set<string>();
  let pending: PendingPhase[] = [];
  let cursor: StreamCursor | undefined;
  let state: LogsState = { kind: "pending" };
  let lastLogTime = -Infinity;
  let printed = 0;
  let missingReads = 0;
  let said = "";

  const printPhase = (p: PendingPhase) => reporter.info(formatPhase(p.phase, reporter));
  const flushPhases = (ready: (p: PendingPhase) => boolean) => {
    while (pending[0] && ready(pending[0])) printPhase(pending.shift()!);
  };
  const emit = (lines: LogLine[]) => {
    for (const line of lines) {
      flushPhases((p) => p.end < line.timestamp);
      printLine(logText(line));
      printed++;
      lastLogTime = Math.max(lastLogTime, line.timestamp);
    }
  };
  const say = (text: string) => {
    // A status note (logs disabled) once, not on every poll.
    if (text !== said) reporter.info(text);
    said = text;
  };
  const queuePhases = (build: Build): boolean => {
    let added = false;
    for (const phase of build.phases ?? []) {
      if (!phase.phaseStatus || !phase.phaseType) continue;
      // Once per phase type: an endpoint that lists the phases again (plain moto) prints nothing twice.
      const key = phase.phaseType;
      if (shown.has(key)) continue;
      shown.add(key);
      const end = phase.endTime?.getTime() ?? phase.startTime?.getTime() ?? 0;
      if (since !== undefined && end < since) continue;
      pending.push({ end, phase, polls: 0 });
      added = true;
    }
    pending = pending.sort((a, b) => a.end - b.end);
    return added;
  };
  let unreadable = false;
  const readLogs = async (): Promise<number> => {
    if (!cursor) return 0;
    let page: LogPage;
    try {
      page = await abortable(cursor.read(), signal);
    } catch (error) {
      if (error instanceof Interrupted) throw error;
      // The build's result matters more than its log: say why the log is missing and follow the phases.
      unreadable = true;
      cursor = undefined;
      const why = isCodyError(error) ? `${error.message}${error.hint ? ` ${error.hint}` : ""}` : String(error);
      reporter.warn(`cannot read the build's log, following its phases only: ${why}`);
      return 0;
    }
    missingReads = page.missing ? missingReads + 1 : 0;
    emit(page.lines);
    return page.lines.length;
  };

  // On a terminal, a line that shows the running phase and its time, so a long phase does not look hung.
  const ticker = reporter.isTTY ? new PhaseTicker(reporter, now) : undefined;
  const poll = async (): Promise<FollowResult> => {
    let delay = POLL_MIN_MS;
    const startedAt = now();
    let limit = options.timeoutMs;
    for (;;) {
      const build = await abortable(getBuild(codebuild, options.buildId), signal);
      limit ??= followLimitMs(build);
      const newPhases = queuePhases(build);
      if (!cursor && !unreadable) {
        state = logsState(build);
        if (state.kind === "cloudwatch") cursor = new StreamCursor(options.logs, state.location, since);
        else if (state.kind === "disabled") say(`CloudWatch logs are disabled for this project${state.s3 ? `; the log goes to ${state.s3}` : ""}: showing phases only.`);
      }
      const newLines = await readLogs();
      for (const p of pending) p.polls++;
      // Without a log stream to wait for, a phase prints at once; otherwise after its log lines, or late.
      flushPhases((p) => !cursor || p.polls > PHASE_HOLD_POLLS || p.end < lastLogTime);
      ticker?.show(buildFinished(build) ? undefined : runningPhase(build));

      if (buildFinished(build)) {
        // Logs arrive after the build says it is done: wait (bounded) until they reach the last container phase.
        const ended = build.endTime?.getTime() ?? now();
        const target = now() - ended > LATE_LOGS_MS ? undefined : lastContainerPhaseEnd(build);
        let waited = 0;
        while (cursor && target !== undefined && lastLogTime < target - CLOCK_SKEW_MS && waited < drainMs && missingReads < 2) {
          const step = Math.min(DRAIN_STEP_MS, drainMs - waited);
          await abortable(sleep(step), signal);
          waited += step;
          await readLogs();
        }
        flushPhases(() => true);
        return { build, lines: printed, logs: state };
      }

      if (now() - startedAt >= limit) {
        flushPhases(() => true);
        throw new FollowLimitReached(build, limit);
      }
      delay = newLines > 0 || newPhases ? POLL_MIN_MS : Math.min(POLL_MAX_MS, Math.round(delay * 1.5));
      await abortable(sleep(delay), signal);
    }
  };

  try {
    return await poll();
  } finally {
    ticker?.stop();
  }
}

/** The phase a running build is in, and since when (server time), if CodeBuild says. */
export function runningPhase(build: Build): { name: string; since?: Date } | undefined {
  const name = build.currentPhase;
  if (!name || name === "COMPLETED") return undefined;
  const phase = uniquePhases(build).find((p) => p.phaseType === name && !p.endTime);
  return { name, ...(phase?.startTime ? { since: phase.startTime } : {}) };
}

/**
 * The live line `BUILD  in progress  1m 12s`, redrawn every second. The reporter clears it before any
 * other line is printed; it is drawn again on the next tick or poll, and cleared for good at the end.
 */
export class PhaseTicker {
  private phase?: { name: string; since: number };
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly reporter: Reporter,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  show(phase: { name: string; since?: Date } | undefined): void {
    if (!phase) {
      this.phase = undefined;
    } else if (this.phase?.name !== phase.name || phase.since) {
      // Without a start time from CodeBuild, count from when the phase was first seen.
      this.phase = { name: phase.name, since: phase.since?.getTime() ?? (this.phase?.name === phase.name ? this.phase.since : this.now()) };
    }
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.phase = undefined;
    this.reporter.live([]);
  }

  private draw(): void {
    if (!this.phase) return this.reporter.live([]);
    const c = colors(this.reporter);
    const seconds = Math.max(0, (this.now() - this.phase.since) / 1000);
    this.reporter.live([`${this.phase.name.padEnd(16)}  ${c.yellow("in progress")}  ${formatDuration(seconds)}`]);
  }
}

function lastContainerPhaseEnd(build: Build): number | undefined {
  let last: number | undefined;
  for (const phase of uniquePhases(build)) {
    if (!phase.phaseType || !CONTAINER_PHASES.has(phase.phaseType) || !phase.endTime) continue;
    last = Math.max(last ?? 0, phase.endTime.getTime());
  }
  return last;
}
