// `cody logs --filter PATTERN` (CloudWatch filter syntax, applied by FilterLogEvents) and `--json`
// (the lines as one document, in docs/json.md's vocabulary), with the flag combinations refused first.
import { FilterLogEventsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterEach, describe, expect, it } from "vitest";
import { logsCommand, type LogsOptions } from "../../src/cli/commands/logs";
import { isCodyError } from "../../src/errors";
import { fakeSleep } from "../_helpers/test-io";
import { BUILD_ID, GROUP, STREAM, T0, build, emptyDir, fakeStream, ev, mockAws, playBuild, recorder, restoreAws } from "./build-fakes";

afterEach(() => restoreAws());

const NOW = new Date(T0 + 3_600_000);

async function logs(options: LogsOptions) {
  const rec = recorder();
  let error: unknown;
  try {
    await logsCommand(undefined, { region: "us-east-1", buildId: BUILD_ID, ...options }, rec.reporter, {
      cwd: emptyDir(),
      environment: {},
      sleep: fakeSleep().sleep,
      signal: new AbortController().signal,
      drainMs: 0,
      now: () => NOW,
    });
  } catch (e) {
    error = e;
  }
  return { ...rec, error };
}

describe("cody logs --filter", () => {
  it("hands the pattern to FilterLogEvents on the build's stream, from the start of the log", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    m.cw.on(FilterLogEventsCommand).resolves({ events: [{ eventId: "e1", timestamp: T0 + 5, message: "npm ERR! missing script\n" }] });
    const run = await logs({ filter: '"npm ERR"' });
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual(["npm ERR! missing script"]);
    expect(m.cw.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toEqual({
      logGroupName: GROUP,
      logStreamNames: [STREAM],
      startTime: 0,
      filterPattern: '"npm ERR"',
    });
    expect(m.cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
    expect(run.err[0]).toBe(`Log of build ${BUILD_ID} (SUCCEEDED) matching "npm ERR"`);
  });

  it("with --since, filters from that time; no match says so on stderr", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    m.cw.on(FilterLogEventsCommand).resolves({ events: [] });
    const run = await logs({ filter: "ERROR", since: "10m" });
    expect(m.cw.commandCalls(FilterLogEventsCommand)[0]?.args[0].input).toMatchObject({ startTime: NOW.getTime() - 600_000, filterPattern: "ERROR" });
    expect(run.out).toEqual([]);
    expect(run.err).toContain(`No log lines since ${new Date(NOW.getTime() - 600_000).toISOString()} match ERROR.`);
  });

  it.each([
    [{ filter: "  " }, "--filter is empty."],
    [{ filter: "ERROR", follow: true }, "--filter reads the log as it is; it does not combine with --follow."],
    [{ json: true, follow: true }, "--json prints the log once, as one document; it does not combine with --follow."],
  ])("refuses %o before any AWS call", async (options, message) => {
    const m = await mockAws();
    const run = await logs(options);
    expect(isCodyError(run.error)).toBe(true);
    expect((run.error as Error).message).toBe(message);
    expect((run.error as { hint?: string }).hint).toBeTruthy();
    expect(m.cb.calls()).toHaveLength(0);
  });
});

describe("cody logs --json", () => {
  it("prints one document: project, build, status, logs.group/stream and the lines with ISO times", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => [ev(10, "line 1"), ev(11, "line 2")]);
    const run = await logs({ json: true });
    expect(run.error).toBeUndefined();
    expect(run.out).toHaveLength(1);
    const doc = JSON.parse(run.out[0]!) as Record<string, unknown>;
    expect(doc).toEqual({
      command: "logs",
      type: "lines",
      project: "demo",
      buildId: BUILD_ID,
      status: "SUCCEEDED",
      complete: true,
      logs: { group: GROUP, stream: STREAM },
      since: null,
      filter: null,
      lines: [
        { timestamp: new Date(T0 + 10_000).toISOString(), message: "line 1" },
        { timestamp: new Date(T0 + 11_000).toISOString(), message: "line 2" },
      ],
    });
  });

  it("a build without a log yet is type pending, with no lines", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ buildComplete: false, buildStatus: "IN_PROGRESS", currentPhase: "PROVISIONING", logs: { cloudWatchLogs: { status: "ENABLED" } } }));
    const run = await logs({ json: true });
    expect(JSON.parse(run.out[0]!)).toMatchObject({ type: "pending", status: "IN_PROGRESS", complete: false, logs: null, lines: [] });
  });
});
