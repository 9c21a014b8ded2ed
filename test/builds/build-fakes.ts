// Fakes for the start/logs/follow tests: the real CodeBuildApi/LogsApi (createCodeBuild/createLogs,
// with their error guard) over SDK clients stubbed by aws-sdk-client-mock; builds and phases placed
// in time; a CloudWatch stream whose forward tokens are positions; a reporter that records stdout and
// stderr in one ordered list.
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient, type Build, type BuildPhase } from "@aws-sdk/client-codebuild";
import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  ResourceNotFoundException,
  type GetLogEventsCommandInput,
  type GetLogEventsCommandOutput,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { onTestFinished } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCodeBuild, createLogs, type CodeBuildApi, type LogsApi } from "../../src/aws/clients";
import { createReporter, type Reporter } from "../../src/io/reporter";

export type CodeBuildMock = AwsClientStub<CodeBuildClient>;
export type LogsMock = AwsClientStub<CloudWatchLogsClient>;

export const PROJECT = "demo";
export const BUILD_ID = "demo:0b5e3c1e-8a57-4b7e-9d2a-6f1c2d3e4f50";
export const GROUP = `/aws/codebuild/${PROJECT}`;
export const STREAM = "0b5e3c1e-8a57-4b7e-9d2a-6f1c2d3e4f50";
/** The build's start; everything else is placed relative to it with `at`. */
export const T0 = Date.parse("2024-05-01T10:00:00.000Z");
export const at = (seconds: number): Date => new Date(T0 + seconds * 1000);

// Tests never reach AWS; the SDK notice about Node versions is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

export interface Mocks {
  cb: CodeBuildMock;
  cw: LogsMock;
  codebuild: CodeBuildApi;
  logs: LogsApi;
}

/** Stubs both SDK clients (every instance, including the ones commands create) and builds the real APIs. */
export async function mockAws(region = "us-east-1"): Promise<Mocks> {
  const cb = mockClient(CodeBuildClient);
  const cw = mockClient(CloudWatchLogsClient);
  cb.on(BatchGetProjectsCommand).resolves({ projects: [{ name: PROJECT }] });
  active.push(cb, cw);
  return { cb, cw, codebuild: await createCodeBuild({ region }), logs: await createLogs({ region }) };
}

const active: Array<{ restore(): void }> = [];

export function restoreAws(): void {
  for (const mock of active.splice(0)) mock.restore();
}

/** A finished phase from `from` to `to` seconds after T0. */
export function phase(type: string, from: number, to: number, status = "SUCCEEDED", message?: string, statusCode?: string): BuildPhase {
  return {
    phaseType: type as BuildPhase["phaseType"],
    phaseStatus: status as BuildPhase["phaseStatus"],
    startTime: at(from),
    endTime: at(to),
    durationInSeconds: to - from,
    ...(message || statusCode ? { contexts: [{ message, statusCode }] } : {}),
  };
}

export const SUCCESS_PHASES: BuildPhase[] = [
  phase("SUBMITTED", 0, 0),
  phase("QUEUED", 0, 1),
  phase("PROVISIONING", 1, 10),
  phase("DOWNLOAD_SOURCE", 10, 12),
  phase("INSTALL", 12, 20),
  phase("PRE_BUILD", 20, 21),
  phase("BUILD", 21, 50),
  phase("POST_BUILD", 50, 51),
  phase("UPLOAD_ARTIFACTS", 51, 52),
  phase("FINALIZING", 52, 54),
  { phaseType: "COMPLETED", startTime: at(54) },
];

export function build(extra: Partial<Build> = {}): Build {
  const complete = extra.buildComplete ?? true;
  return {
    id: BUILD_ID,
    arn: `arn:aws:codebuild:us-east-1:123456789012:build/${BUILD_ID}`,
    projectName: PROJECT,
    buildNumber: 7,
    startTime: at(0),
    ...(complete ? { endTime: at(54) } : {}),
    buildStatus: complete ? "SUCCEEDED" : "IN_PROGRESS",
    currentPhase: complete ? "COMPLETED" : "BUILD",
    buildComplete: complete,
    phases: SUCCESS_PHASES,
    timeoutInMinutes: 20,
    logs: { groupName: GROUP, streamName: STREAM, cloudWatchLogs: { status: "ENABLED" } },
    ...extra,
  };
}

/** BatchGetBuilds answers these builds in turn, then the last one forever; returns the poll count. */
export function playBuild(cb: CodeBuildMock, ...polls: Build[]): { polls(): number } {
  let n = 0;
  cb.on(BatchGetBuildsCommand).callsFake(() => {
    const b = polls[Math.min(n, polls.length - 1)];
    n++;
    return { builds: [b], buildsNotFound: [] };
  });
  return { polls: () => n };
}

export interface LogEvent {
  timestamp: number;
  message: string;
}

/** An event `seconds` after T0 (CodeBuild messages end with a newline). */
export const ev = (seconds: number, message: string): LogEvent => ({ timestamp: T0 + seconds * 1000, message: `${message}\n` });

/**
 * A CloudWatch stream for GetLogEvents: `available()` decides which events exist at call time; tokens
 * are positions ("f<index>"), `pageSize` events per page, and at the end the token sent comes back.
 */
export function fakeStream(cw: LogsMock, available: () => LogEvent[] | "missing", pageSize = 2): { calls: GetLogEventsCommandInput[] } {
  const calls: GetLogEventsCommandInput[] = [];
  cw.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput): GetLogEventsCommandOutput => {
    calls.push(input);
    const events = available();
    if (events === "missing") {
      throw new ResourceNotFoundException({ message: "The specified log stream does not exist.", $metadata: { httpStatusCode: 400 } });
    }
    const from = input.nextToken ? Number(input.nextToken.slice(1)) : events.findIndex((e) => e.timestamp >= (input.startTime ?? -Infinity));
    const start = from < 0 ? events.length : from;
    const page = events.slice(start, start + pageSize);
    return { $metadata: {}, events: page.map((e) => ({ ...e, ingestionTime: e.timestamp })), nextForwardToken: `f${start + page.length}`, nextBackwardToken: `b${start}` };
  });
  return { calls };
}

export interface Recorder {
  reporter: Reporter;
  /** stdout and stderr in the order written, as "out: ..." and "err: ...". */
  all: string[];
  out: string[];
  err: string[];
}

/** `isTTY`: stderr is a terminal (live lines are drawn); `outIsTTY`: so is stdout. Both false by default, as in CI. */
export function recorder(options: { isTTY?: boolean; outIsTTY?: boolean } = {}): Recorder {
  const all: string[] = [];
  const out: string[] = [];
  const err: string[] = [];
  const reporter = createReporter({
    color: false,
    isTTY: options.isTTY ?? false,
    outIsTTY: options.outIsTTY ?? false,
    write: {
      out: (text) => {
        out.push(text);
        all.push(`out: ${text}`);
      },
      err: (text) => {
        err.push(text);
        all.push(`err: ${text}`);
      },
    },
  });
  return { reporter, all, out, err };
}

/** A folder with no .cody/, so commands find the project by the name they are given; removed after the test. */
export function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cody-builds-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
