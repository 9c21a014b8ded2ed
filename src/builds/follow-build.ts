// Following a CodeBuild build: one loop polls BatchGetBuilds and the build's CloudWatch stream and
// prints phase results and log lines merged by time, so nothing interleaves at random (cody ran the
// log tail on a background thread next to a 5 s poll). Readers page by token: no duplicates, no gaps.
import type { Build, BuildPhase } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi, LogsApi } from "../aws/clients";
import { errorChain } from "../aws/errors";
import { Interrupted, abortable, type Sleep } from "../deploy/wait";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { colors, type Reporter } from "../io/reporter";
import { formatDuration } from "./format";

// ---------------------------------------------------------------- builds

export function buildSucceeded(build: Build): boolean {
  return build.buildStatus === "SUCCEEDED";
}

/** The statuses a build never leaves. */
export const TERMINAL_BUILD_STATUSES: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"]);

/**
 * A build is over when CodeBuild says `buildComplete`, or when its status is terminal: some endpoints
 * (plain moto) never set `buildComplete`, and a follow that waited for it would never end.
 */
export function buildFinished(build: Pick<Build, "buildComplete" | "buildStatus">): boolean {
  return Boolean(build.buildComplete) || TERMINAL_BUILD_STATUSES.has(build.buildStatus ?? "");
}

/**
 * Each phase type once, the latest entry for it, in the order the types first appear. CodeBuild lists
 * each once; plain moto appends all of them again on every BatchGetBuilds.
 */
export function uniquePhases(build: Pick<Build, "phases">): BuildPhase[] {
  const byType = new Map<string, BuildPhase>();
  for (const phase of build.phases ?? []) byType.set(phase.phaseType ?? "UNKNOWN", phase);
  return [...byType.values()];
}

export async function getBuild(codebuild: CodeBuildApi, buildId: string): Promise<Build> {
  const out = await codebuild.batchGetBuilds({ ids: [buildId] });
  const build = out.builds?.find((b) => b.id === buildId || b.arn === buildId) ?? out.builds?.[0];
  if (!build) {
    throw new CodyError(`build ${buildId} not found${buildId.includes(":") ? "" : " (a build id looks like project:uuid)"}.`, {
      hint: "Check the id (`cody status` shows the latest build), and that --region/--profile point where the build ran.",
    });
  }
  return build;
}

/** Wall time from start to end (or to `now` while running), in ms; not a sum of phases. */
export function buildDurationMs(build: Build, now: number = Date.now()): number | undefined {
  if (!build.startTime) return undefined;
  const end = build.endTime?.getTime() ?? now;
  return Math.max(0, end - build.startTime.getTime());
}

// ---------------------------------------------------------------- where the logs are

export interface LogLocation {
  group: string;
  stream: string;
}

export type LogsState =
  | { kind: "cloudwatch"; location: LogLocation; deepLink?: string }
  /** CloudWatch logging is off for the project; `s3` is where logs go instead, if anywhere. */
  | { kind: "disabled"; s3?: string }
  /** Not known yet: the build has not reached a container (queued, provisioning). */
  | { kind: "pending" };

export function logsState(build: Build): LogsState {
  const logs = build.logs;
  if (logs?.groupName && logs.streamName) {
    return { kind: "cloudwatch", location: { group: logs.groupName, stream: logs.streamName }, ...(logs.deepLink ? { deepLink: logs.deepLink } : {}) };
  }
  if (logs?.cloudWatchLogs?.status === "DISABLED") {
    const s3 = logs.s3Logs?.status === "ENABLED" ? (logs.s3DeepLink ?? logs.s3LogsArn ?? logs.s3Logs.location) : undefined;
    return { kind: "disabled", ...(s3 ? { s3 } : {}) };
  }
  return { kind: "pending" };
}

// ---------------------------------------------------------------- reading logs

export interface LogLine {
  timestamp: number;
  message: string;
}

export interface LogPage {
  lines: LogLine[];
  /** The stream (or group) does not exist yet. */
  missing: boolean;
  /** No more events right now. */
  end: boolean;
}

function toLine(event: { timestamp?: number; message?: string }): LogLine {
  return { timestamp: event.timestamp ?? 0, message: event.message ?? "" };
}

/** CloudWatch says ResourceNotFoundException for a stream or group that does not exist (yet). */
function notFound(error: unknown): boolean {
  return errorChain(error).some((e) => e.name === "ResourceNotFoundException");
}

/**
 * GetLogEvents from the head (or `startTime`), forward. The token is the position in the stream, so
 * following it never repeats or skips an event; the end is when CloudWatch hands back the token it got
 * (an empty page alone does not mean the end). The cursor keeps its token between reads.
 */
export class StreamCursor {
  private token: string | undefined;

  constructor(
    private readonly logs: LogsApi,
    readonly location: LogLocation,
    private readonly startTime?: number,
  ) {}

  async page(): Promise<LogPage> {
    let out;
    try {
      out = await this.logs.getLogEvents({
        logGroupName: this.location.group,
        logStreamName: this.location.stream,
        startFromHead: true,
        ...(this.startTime !== undefined ? { startTime: this.startTime } : {}),
        ...(this.token ? { nextToken: this.token } : {}),
      });
    } catch (error) {
      if (notFound(error)) return { lines: [], missing: true, end: true };
      throw error;
    }
    const next = out.nextForwardToken;
    const end = !next || next === this.token;
    if (next) this.token = next;
    return { lines: (out.events ?? []).map(toLine), missing: false, end };
  }

  /** Every event available now, up to `maxPages` pages (the rest comes with the next read). */
  async read(maxPages = 50): Promise<LogPage> {
    const lines: LogLine[] = [];
    for (let i = 0; i < maxPages; i++) {
      const page = await this.page();
      lines.push(...page.lines);
      if (page.end) return { lines, missing: page.missing, end: true };
    }
    return { lines, missing: false, end: false };
  }
}

/**
 * FilterLogEvents on the build's stream from `startTime`, page by page until there is no next token.
 * Event ids guard against a page boundary that repeats an event.
 */
export async function* filterPages(logs: LogsApi, location: LogLocation, startTime: number, filterPattern?: string): AsyncGenerator<LogPage> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (;;) {
    let out;
    try {
      out = await logs.filterLogEvents({
        logGroupName: location.group,
        logStreamNames: [location.stream],
        startTime,
        ...(filterPattern !== undefined ? { filterPattern } : {}),
        ...(token ? { nextToken: token } : {}),
      });
    } catch (error) {
      if (notFound(error)) {
        yield { lines: [], missing: true, end: true };
        return;
      }
      throw error;
    }
    const lines: LogLine[] = [];
    for (const event of out.events ?? []) {
      if (event.eventId) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
      }
      lines.push(toLine(event));
    }
    const next = out.nextToken;
    const end = !next || next === token;
    yield { lines, missing: false, end };
    if (end) return;
    token = next;
  }
}

/** A log event's text as a line: CodeBuild's messages end with a newline of their own. */
export function logText(line: LogLine): string {
  return line.message.replace(/\r?\n$/, "");
}

// ---------------------------------------------------------------- phases, failures, hints

/** Phases that run in the build container and so write log lines. */
const CONTAINER_PHASES = new Set(["DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS"]);

export function formatPhase(phase: BuildPhase, reporter: Pick<Reporter, "color">): string {
  const c = colors(reporter);
  const status = phase.phaseStatus ?? "";
  const paint = status === "SUCCEEDED" ? c.green : status === "IN_PROGRESS" ? c.yellow : c.red;
  const seconds = phase.durationInSeconds ?? (phase.startTime && phase.endTime ? Math.round((phase.endTime.getTime() - phase.startTime.getTime()) / 1000) : undefined);
  return `${(phase.phaseType ?? "").padEnd(16)}  ${paint(status.padEnd(9))}  ${formatDuration(seconds)}`.trimEnd();
}

export interface FailedPhase {
  phase: string;
  status: string;
  statusCode?: string;
  message?: string;
  hint?: string;
}

const ECR_DOC = "https://docs.aws.amazon.com/codebuild/latest/userguide/sample-ecr.html";

/** What to do about a failed phase, from its status code and message; undefined when nothing useful. */
export function failureHint(failed: Omit<FailedPhase, "hint">, build: Pick<Build, "timeoutInMinutes" | "queuedTimeoutInMinutes" | "id">): string | undefined {
  const text = `${failed.statusCode ?? ""} ${failed.message ?? ""}`;
  if (/CannotPullContainerError/i.test(text) && /access ?denied|not authorized|403/i.test(text)) {
    return `CodeBuild may not pull the build image: for a private ECR image the repository policy must allow codebuild.amazonaws.com (or the role ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:GetAuthorizationToken) and the project must use SERVICE_ROLE pull credentials. See ${ECR_DOC}`;
  }
  if (/CannotPullContainerError/i.test(text)) {
    return "CodeBuild could not pull the build image: check linuxImage in .cody/project.ts (name, tag, region).";
  }
  if (failed.status === "TIMED_OUT" || /BUILD_TIMED_OUT|timed out/i.test(text)) {
    if (failed.phase === "QUEUED") {
      return `The build waited in the queue longer than queuedTimeoutInMinutes${build.queuedTimeoutInMinutes ? ` (${build.queuedTimeoutInMinutes} min)` : ""}: raise it in .cody/project.ts or lower concurrent builds, then cody deploy.`;
    }
    return `The build ran longer than timeoutInMinutes${build.timeoutInMinutes ? ` (${build.timeoutInMinutes} min)` : ""}: raise timeoutInMinutes in .cody/project.ts and run cody deploy, or make the build faster.`;
  }
  if (/YAML_FILE_ERROR/i.test(text)) {
    return "CodeBuild could not read the buildspec: check the buildspec path or YAML in .cody/ (cody synth shows what the project uses).";
  }
  if (/ParameterNotFound|parameter does not exist|Invalid parameters?:/i.test(text)) {
    return "A Parameter Store parameter the build reads does not exist in this region: create it, or fix the name in ssm(...) / -e NAME=ssm:/path.";
  }
  if (/ResourceNotFoundException.*secret|Secrets Manager can't find/i.test(text)) {
    return "A secret the build reads does not exist in this region: create it, or fix the id in secret(...) / -e NAME=secret:id.";
  }
  if (/AccessDenied|not authorized/i.test(text) && /ssm|parameter|secretsmanager|secret/i.test(text)) {
    return "The build's role may not read a parameter or secret. The role cody generates may read those named with ssm()/secret() in .cody/project.ts; a reference only given with -e is not in its policy: add it to the project and cody deploy.";
  }
  if (failed.phase === "DOWNLOAD_SOURCE") {
    return "CodeBuild could not fetch the source: check the repository URL and branch, and that CodeBuild is connected to the provider (aws codebuild import-source-credentials).";
  }
  if (failed.status === "STOPPED") return "The build was stopped (cody stop, the console or the API).";
  if (/COMMAND_EXECUTION_ERROR/i.test(text)) {
    return `A buildspec command exited non-zero; the log shows which one${build.id ? ` (cody logs --build-id ${build.id})` : ""}.`;
  }
  return undefined;
}

/** The phases that did not succeed, each with its last context message and a hint. */
export function failedPhases(build: Build): FailedPhase[] {
  const out: FailedPhase[] = [];
  for (const phase of uniquePhases(build)) {
    const status = phase.phaseStatus;
    if (!status || status === "SUCCEEDED" || status === "IN_PROGRESS") continue;
    const context = [...(phase.contexts ?? [])].reverse().find((c) => c.message || c.statusCode);
    const failed: Omit<FailedPhase, "hint"> = {
      phase: phase.phaseType ?? "UNKNOWN",
      status,
      ...(context?.statusCode ? { statusCode: context.statusCode } : {}),
      ...(context?.message ? { message: context.message } : {}),
    };
    const hint = failureHint(failed, build);
    out.push({ ...failed, ...(hint ? { hint } : {}) });
  }
  // A timed-out or stopped build whose phases say nothing still deserves a reason.
  if (out.length === 0 && buildFinished(build) && !buildSucceeded(build)) {
    const failed = { phase: build.currentPhase ?? "BUILD", status: build.buildStatus ?? "FAILED" };
    const hint = failureHint(failed, build);
    out.push({ ...failed, ...(hint ? { hint } : {}) });
  }
  return out;
}

/** The closing lines: final status, wall time, and for a failure each failed phase with its hint. */
export function printSummary(build: Build, reporter: Reporter): void {
  const c = colors(reporter);
  const duration = buildDurationMs(build);
  const took = duration === undefined ? "" : ` in ${formatDuration(duration / 1000)}`;
  const status = build.buildStatus ?? "UNKNOWN";
  if (!buildFinished(build)) {
    reporter.info(`Build ${build.id ?? ""} is ${status} (${build.currentPhase ?? "?"}) after ${formatDuration((duration ?? 0) / 1000)}.`);
    return;
  }
  if (buildSucceeded(build)) {
    reporter.success(`Build ${build.id ?? ""} SUCCEEDED${took}.`);
    return;
  }
  reporter.error(`Build ${build.id ?? ""} ${c.red(status)}${took}.`);
  for (const f of failedPhases(build)) {
    reporter.error(`  ${c.bold(f.phase)} ${c.red(f.status)}${f.statusCode ? ` (${f.statusCode})` : ""}${f.message ? `: ${f.message}` : ""}`);
    if (f.hint) reporter.error(`    ${c.yellow("hint:")} ${f.hint}`);
  }
}

// ---------------------------------------------------------------- following

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
