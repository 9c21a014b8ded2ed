// `cody logs` over stubbed clients: the latest build by default, GetLogEvents from the head,
// FilterLogEvents with --since, --follow to the end (exit 2 on failure), and logs that are not there.
import { FilterLogEventsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { BatchGetBuildsCommand, ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import { afterEach, describe, expect, it } from "vitest";
import { logsCommand, type LogsOptions } from "../../src/cli/commands/logs";
import { ExitCode, isCodyError, isConfigError } from "../../src/errors";
import { fakeSleep } from "../_helpers/test-io";
import { BUILD_ID, GROUP, PROJECT, STREAM, SUCCESS_PHASES, T0, build, emptyDir, ev, fakeStream, mockAws, phase, playBuild, recorder, restoreAws } from "./build-fakes";

afterEach(() => restoreAws());

const NOW = new Date(T0 + 3_600_000);

async function logs(options: LogsOptions, project: string | undefined = PROJECT, signal?: AbortSignal, onSleep?: (call: number) => void) {
  const rec = recorder();
  const sleep = fakeSleep(onSleep);
  let error: unknown;
  try {
    await logsCommand(project, { region: "us-east-1", ...options }, rec.reporter, {
      cwd: emptyDir(),
      environment: {},
      sleep: sleep.sleep,
      signal: signal ?? new AbortController().signal,
      drainMs: 0,
      now: () => NOW,
    });
  } catch (e) {
    error = e;
  }
  return { ...rec, error };
}

const LINES = Array.from({ length: 7 }, (_, i) => ev(10 + i, `line ${i + 1}`));

describe("cody logs", () => {
  it("prints the latest build's whole log from the head, paging without duplicates", async () => {
    const m = await mockAws();
    m.cb.on(ListBuildsForProjectCommand).resolves({ ids: [BUILD_ID, "demo:older"] });
    playBuild(m.cb, build());
    const stream = fakeStream(m.cw, () => LINES, 3);
    const run = await logs({});
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual(LINES.map((_, i) => `line ${i + 1}`));
    expect(m.cb.commandCalls(ListBuildsForProjectCommand)[0]?.args[0].input).toEqual({ projectName: PROJECT, sortOrder: "DESCENDING" });
    expect(stream.calls.map((c) => c.nextToken)).toEqual([undefined, "f3", "f6", "f7"]);
    expect(run.err[0]).toBe(`Log of build ${BUILD_ID} (SUCCEEDED)`);
  });

  it("--build-id needs no project: nothing looks the project up", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => LINES.slice(0, 2));
    const run = await logs({ buildId: BUILD_ID }, undefined);
    expect(run.out).toEqual(["line 1", "line 2"]);
    expect(m.cb.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual(["BatchGetBuildsCommand"]);
  });

  it.each([
    ["a bare uuid (the project is looked up)", STREAM, ["BatchGetProjectsCommand", "BatchGetBuildsCommand"]],
    ["a build ARN", `arn:aws:codebuild:us-east-1:123456789012:build/${BUILD_ID}`, ["BatchGetBuildsCommand"]],
  ])("--build-id takes %s", async (_name, id, commands) => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => LINES.slice(0, 1));
    const run = await logs({ buildId: id });
    expect(run.out).toEqual(["line 1"]);
    expect(m.cb.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual(commands);
    expect(m.cb.commandCalls(BatchGetBuildsCommand)[0]?.args[0].input).toEqual({ ids: [BUILD_ID] });
  });

  it("--since reads FilterLogEvents on the build's stream from that time", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    m.cw
      .on(FilterLogEventsCommand)
      .resolvesOnce({ events: [{ eventId: "a", timestamp: T0 + 1, message: "recent 1\n" }], nextToken: "n1" })
      .resolvesOnce({ events: [{ eventId: "a", timestamp: T0 + 1, message: "recent 1\n" }, { eventId: "b", timestamp: T0 + 2, message: "recent 2\n" }] });
    const run = await logs({ buildId: BUILD_ID, since: "10m" });
    expect(run.out).toEqual(["recent 1", "recent 2"]);
    const inputs = m.cw.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({ logGroupName: GROUP, logStreamNames: [STREAM], startTime: NOW.getTime() - 600_000 });
    expect(inputs[1]?.nextToken).toBe("n1");
    expect(m.cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
  });

  it("refuses a bad --since before any AWS call", async () => {
    const m = await mockAws();
    const run = await logs({ since: "10 minutes" });
    expect(isConfigError(run.error)).toBe(true);
    expect(m.cb.calls()).toHaveLength(0);
  });

  it("says so when the build has no log yet (still provisioning), and exits 0", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ buildComplete: false, buildStatus: "IN_PROGRESS", currentPhase: "PROVISIONING", logs: { cloudWatchLogs: { status: "ENABLED" } } }));
    const run = await logs({ buildId: BUILD_ID });
    expect(run.error).toBeUndefined();
    expect(run.err).toEqual([`Build ${BUILD_ID} has no log yet (IN_PROGRESS, PROVISIONING). Follow it: cody logs --follow --build-id ${BUILD_ID}`]);
    expect(m.cw.calls()).toHaveLength(0);
  });

  it("says so when the stream does not exist", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => "missing");
    const run = await logs({ buildId: BUILD_ID });
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual([]);
    expect(run.err.at(-1)).toBe(`No log for build ${BUILD_ID}: ${GROUP} has no stream ${STREAM} (the build wrote none, or the group's retention removed it).`);
  });

  it("a build with CloudWatch logs disabled is a clear error pointing at S3", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ logs: { cloudWatchLogs: { status: "DISABLED" }, s3Logs: { status: "ENABLED", location: "acme-logs/demo" }, s3DeepLink: "https://s3.console.aws.amazon.com/acme-logs/demo" } }));
    const run = await logs({ buildId: BUILD_ID });
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.input);
    expect((run.error as Error).message).toBe(`build ${BUILD_ID} has no CloudWatch log: CloudWatch logging is disabled for project demo.`);
    expect(isCodyError(run.error) && run.error.hint).toBe("Its log is in S3: https://s3.console.aws.amazon.com/acme-logs/demo");
  });

  it("an unknown build id is a clear error", async () => {
    const m = await mockAws();
    m.cb.on(BatchGetBuildsCommand).resolves({ builds: [], buildsNotFound: ["demo:nope"] });
    const run = await logs({ buildId: "demo:nope" });
    expect((run.error as Error).message).toBe("build demo:nope not found.");
  });

  it.each([[{}], [{ follow: true }]])("a project without builds says so and exits 0, as status and stop do (%j)", async (flags) => {
    const m = await mockAws();
    m.cb.on(ListBuildsForProjectCommand).resolves({ ids: [] });
    const run = await logs(flags);
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual([]);
    expect(run.err).toEqual(["No builds found for project demo: start one with `cody start demo`."]);
    expect(m.cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(0);
  });

  it("--follow follows to the end and exits 2 when the build failed", async () => {
    const m = await mockAws();
    const running = build({ buildComplete: false, buildStatus: "IN_PROGRESS", endTime: undefined, phases: SUCCESS_PHASES.slice(0, 5) });
    const failed = build({ buildStatus: "FAILED", phases: [...SUCCESS_PHASES.slice(0, 6), phase("BUILD", 21, 50, "FAILED", "boom", "COMMAND_EXECUTION_ERROR")] });
    const polls = playBuild(m.cb, running, running, failed);
    fakeStream(m.cw, () => (polls.polls() < 3 ? [ev(13, "npm ci")] : [ev(13, "npm ci"), ev(30, "npm test"), ev(49, "1 failing")]));
    const run = await logs({ buildId: BUILD_ID, follow: true });
    expect(run.out).toEqual(["npm ci", "npm test", "1 failing"]);
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.failed);
    expect(run.err).toContain("  BUILD FAILED (COMMAND_EXECUTION_ERROR): boom");
  });

  it("--follow on Ctrl-C exits 130 and says how to follow again", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ buildComplete: false, buildStatus: "IN_PROGRESS", endTime: undefined }));
    fakeStream(m.cw, () => []);
    const controller = new AbortController();
    const run = await logs({ buildId: BUILD_ID, follow: true }, undefined, controller.signal, () => controller.abort());
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.interrupted);
    expect(isCodyError(run.error) && run.error.hint).toContain(`cody logs --follow --build-id ${BUILD_ID}`);
  });
});
