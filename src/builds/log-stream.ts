// Where a build's log is and how to read it: CloudWatch Logs streams paged by token, forward
// (GetLogEvents) or filtered (FilterLogEvents), never repeating or skipping an event.
import type { Build } from "@aws-sdk/client-codebuild";
import type { LogsApi } from "../aws/clients";
import { errorChain } from "../aws/errors";


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
