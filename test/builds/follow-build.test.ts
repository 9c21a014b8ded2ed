// followBuild and its readers over stubbed SDK clients: token paging without duplicates or gaps, the
// repeated-token end, phases and log lines in time order, the bounded drain, failures with hints.
import { FilterLogEventsCommand, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { BatchGetBuildsCommand } from "@aws-sdk/client-codebuild";
import { afterEach, describe, expect, it } from "vitest";
import {
  DRAIN_MS,
  StreamCursor,
  failedPhases,
  failureHint,
  filterPages,
  followBuild,
  printSummary,
  runningPhase,
  type FollowOptions,
} from "../../src/builds/follow-build";
import { createReporter } from "../../src/io/reporter";
import { renderScreen } from "../_helpers/terminal";
import { Interrupted } from "../../src/util/wait";
import { fakeSleep } from "../_helpers/test-io";
import {
  BUILD_ID,
  GROUP,
  STREAM,
  SUCCESS_PHASES,
  T0,
  at,
  build,
  ev,
  fakeStream,
  mockAws,
  phase,
  playBuild,
  recorder,
  restoreAws,
  type LogEvent,
  type Mocks,
} from "./build-fakes";

afterEach(() => restoreAws());

const LOCATION = { group: GROUP, stream: STREAM };

function follow(m: Mocks, rec = recorder(), extra: Partial<FollowOptions> = {}) {
  const sleep = fakeSleep();
  // "Now" is just after the build ended, when late log lines are still to be expected.
  const run = followBuild({ codebuild: m.codebuild, logs: m.logs, buildId: BUILD_ID, reporter: rec.reporter, sleep: sleep.sleep, now: () => T0 + 60_000, ...extra });
  return { run, sleep, rec };
}

describe("StreamCursor (GetLogEvents)", () => {
  it("pages across forward tokens, each event once, and ends when the token comes back", async () => {
    const m = await mockAws();
    const events = [ev(1, "a"), ev(2, "b"), ev(3, "c"), ev(4, "d"), ev(5, "e")];
    const stream = fakeStream(m.cw, () => events, 2);
    const cursor = new StreamCursor(m.logs, LOCATION);

    const read = await cursor.read();
    expect(read.lines.map((l) => l.message.trim())).toEqual(["a", "b", "c", "d", "e"]);
    expect(read.end).toBe(true);
    // f0 → f2 → f4 → f5 → f5 (repeated: the end)
    expect(stream.calls.map((c) => c.nextToken)).toEqual([undefined, "f2", "f4", "f5"]);
    expect(stream.calls.every((c) => c.startFromHead === true && c.logGroupName === GROUP && c.logStreamName === STREAM)).toBe(true);

    // New events later: the cursor carries on from its token, not from the head.
    events.push(ev(6, "f"));
    const again = await cursor.read();
    expect(again.lines.map((l) => l.message.trim())).toEqual(["f"]);
    expect(stream.calls.slice(4).map((c) => c.nextToken)).toEqual(["f5", "f6"]);
  });

  it("does not stop at an empty page whose token is new: only a repeated token is the end", async () => {
    const m = await mockAws();
    const pages: Record<string, { events: LogEvent[]; next: string }> = {
      start: { events: [], next: "t1" },
      t1: { events: [], next: "t2" },
      t2: { events: [ev(9, "late but there")], next: "t3" },
      t3: { events: [], next: "t3" },
    };
    const sent: Array<string | undefined> = [];
    m.cw.on(GetLogEventsCommand).callsFake((input: { nextToken?: string }) => {
      sent.push(input.nextToken);
      const page = pages[input.nextToken ?? "start"]!;
      return { events: page.events, nextForwardToken: page.next };
    });
    const read = await new StreamCursor(m.logs, LOCATION).read();
    expect(read.lines.map((l) => l.message)).toEqual(["late but there\n"]);
    expect(sent).toEqual([undefined, "t1", "t2", "t3"]);
  });

  it("reports a stream that does not exist yet instead of failing", async () => {
    const m = await mockAws();
    fakeStream(m.cw, () => "missing");
    const read = await new StreamCursor(m.logs, LOCATION).read();
    expect(read).toEqual({ lines: [], missing: true, end: true });
  });

  it("passes startTime on every page, so a token never widens the window", async () => {
    const m = await mockAws();
    const stream = fakeStream(m.cw, () => [ev(1, "old"), ev(100, "new1"), ev(101, "new2"), ev(102, "new3")], 2);
    const read = await new StreamCursor(m.logs, LOCATION, T0 + 50_000).read();
    expect(read.lines.map((l) => l.message.trim())).toEqual(["new1", "new2", "new3"]);
    expect(stream.calls.every((c) => c.startTime === T0 + 50_000)).toBe(true);
  });
});

describe("filterPages (FilterLogEvents)", () => {
  it("pages by nextToken on the build's stream from startTime, and drops an event repeated across pages", async () => {
    const m = await mockAws();
    const answers = [
      { events: [{ eventId: "1", timestamp: T0, message: "one\n" }, { eventId: "2", timestamp: T0 + 1, message: "two\n" }], nextToken: "n1" },
      { events: [{ eventId: "2", timestamp: T0 + 1, message: "two\n" }, { eventId: "3", timestamp: T0 + 2, message: "three\n" }], nextToken: "n2" },
      { events: [], nextToken: "n3" },
      { events: [{ eventId: "4", timestamp: T0 + 3, message: "four\n" }] },
    ];
    let i = 0;
    m.cw.on(FilterLogEventsCommand).callsFake(() => answers[i++]);
    const lines: string[] = [];
    for await (const page of filterPages(m.logs, LOCATION, T0 - 5000)) lines.push(...page.lines.map((l) => l.message.trim()));
    expect(lines).toEqual(["one", "two", "three", "four"]);
    const inputs = m.cw.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs.map((x) => x.nextToken)).toEqual([undefined, "n1", "n2", "n3"]);
    expect(inputs.every((x) => x.startTime === T0 - 5000 && x.logGroupName === GROUP && x.logStreamNames?.[0] === STREAM)).toBe(true);
  });
});

describe("followBuild", () => {
  it("prints phases and log lines in time order, from one loop, without duplicates", async () => {
    const m = await mockAws();
    const running = (phases: typeof SUCCESS_PHASES, current: string) => build({ buildComplete: false, buildStatus: "IN_PROGRESS", currentPhase: current, endTime: undefined, phases });
    const polls = playBuild(
      m.cb,
      running(SUCCESS_PHASES.slice(0, 3), "DOWNLOAD_SOURCE"),
      running(SUCCESS_PHASES.slice(0, 5), "PRE_BUILD"),
      build(),
    );
    // What CloudWatch has at each poll: the lines lag the phases a little.
    const byPoll: LogEvent[][] = [
      [ev(9, "[Container] waiting for agent"), ev(11, "[Container] cloning")],
      [ev(9, "[Container] waiting for agent"), ev(11, "[Container] cloning"), ev(13, "npm ci"), ev(19, "added 200 packages")],
      [ev(9, "[Container] waiting for agent"), ev(11, "[Container] cloning"), ev(13, "npm ci"), ev(19, "added 200 packages"), ev(22, "npm test"), ev(49, "ok 12 tests"), ev(52, "[Container] upload done")],
    ];
    fakeStream(m.cw, () => byPoll[Math.min(polls.polls(), byPoll.length) - 1]!, 3);
    const { run, rec } = follow(m);
    const result = await run;

    expect(result.build.buildStatus).toBe("SUCCEEDED");
    expect(result.lines).toBe(7);
    const phaseOf = (line: string) => /^err: (\S+)\s+SUCCEEDED/.exec(line)?.[1];
    expect(rec.all.map((l) => (l.startsWith("out: ") ? l.slice(5) : phaseOf(l))).filter(Boolean)).toEqual([
      "SUBMITTED",
      "QUEUED",
      "[Container] waiting for agent",
      "PROVISIONING",
      "[Container] cloning",
      "DOWNLOAD_SOURCE",
      "npm ci",
      "added 200 packages",
      "INSTALL",
      "PRE_BUILD",
      "npm test",
      "ok 12 tests",
      "BUILD",
      "POST_BUILD",
      "[Container] upload done",
      "UPLOAD_ARTIFACTS",
      "FINALIZING",
    ]);
    expect(rec.err).toContain("BUILD             SUCCEEDED  29s");
  });

  it("polls adaptively: fast while output arrives, backing off to the maximum while quiet", async () => {
    const m = await mockAws();
    const quiet = build({ buildComplete: false, buildStatus: "IN_PROGRESS", currentPhase: "BUILD", endTime: undefined, phases: SUCCESS_PHASES.slice(0, 6) });
    playBuild(m.cb, quiet, quiet, quiet, quiet, quiet, quiet, quiet, build());
    fakeStream(m.cw, () => [ev(30, "a line")]);
    const { run, sleep } = follow(m, recorder(), { drainMs: 0 });
    await run;
    // Something new on the first poll → 1 s; then nothing new: 1.5 s, 2.25 s, ... capped at 5 s.
    expect(sleep.calls).toEqual([1000, 1500, 2250, 3375, 5000, 5000, 5000]);
  });

  it("waits a bounded time after completion for log lines that arrive late, without a fixed sleep", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    let reads = 0;
    fakeStream(m.cw, () => {
      reads++;
      // The first read (two pages) sees the log up to BUILD; the tail (to UPLOAD_ARTIFACTS at 52 s) lands by the next.
      return reads <= 2 ? [ev(20, "npm test")] : [ev(20, "npm test"), ev(51, "[Container] Phase complete: UPLOAD_ARTIFACTS")];
    });
    const { run, sleep, rec } = follow(m);
    await run;
    expect(rec.out).toEqual(["npm test", "[Container] Phase complete: UPLOAD_ARTIFACTS"]);
    expect(sleep.calls).toEqual([1000]); // one short drain step, then it had caught up
  });

  it("gives up on late lines after drainMs", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => [ev(20, "only this")]);
    const { run, sleep } = follow(m);
    await run;
    expect(sleep.calls.reduce((a, b) => a + b, 0)).toBe(DRAIN_MS);
  });

  it("does not wait for late lines of a build that ended long ago", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => [ev(20, "only this")]);
    const { run, sleep } = follow(m, recorder(), { now: () => T0 + 54_000 + 31_000 });
    await run;
    expect(sleep.calls).toEqual([]);
  });

  it("does not wait long for a stream that never appears", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => "missing");
    const { run, sleep, rec } = follow(m);
    const result = await run;
    expect(result.lines).toBe(0);
    expect(sleep.calls).toEqual([1000]);
    expect(rec.err.filter((l) => /SUCCEEDED/.test(l))).toHaveLength(10);
  });

  it("shows phases only, and says why, when CloudWatch logs are disabled", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ logs: { cloudWatchLogs: { status: "DISABLED" }, s3Logs: { status: "ENABLED", location: "acme-logs/demo" } } }));
    const { run, rec } = follow(m);
    const result = await run;
    expect(result.logs).toEqual({ kind: "disabled", s3: "acme-logs/demo" });
    expect(m.cw.commandCalls(GetLogEventsCommand)).toHaveLength(0);
    expect(rec.err[0]).toBe("CloudWatch logs are disabled for this project; the log goes to acme-logs/demo: showing phases only.");
    expect(rec.err.some((l) => l.startsWith("BUILD "))).toBe(true);
  });

  it("keeps following the phases, and says why, when the log may not be read", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ buildComplete: false, buildStatus: "IN_PROGRESS", endTime: undefined, phases: SUCCESS_PHASES.slice(0, 3) }), build());
    m.cw.on(GetLogEventsCommand).rejects(Object.assign(new Error("User: arn:aws:iam::123456789012:user/ci is not authorized to perform: logs:GetLogEvents"), { name: "AccessDeniedException" }));
    const { run, rec } = follow(m);
    const result = await run;
    expect(result.build.buildStatus).toBe("SUCCEEDED");
    expect(m.cw.commandCalls(GetLogEventsCommand)).toHaveLength(1);
    expect(rec.err.filter((l) => l.startsWith("warning "))).toEqual([
      "warning cannot read the build's log, following its phases only: access denied: your AWS identity may not call logs:GetLogEvents. `cody policy` prints the policy cody needs; `cody policy --format cli` prints the commands to grant it.",
    ]);
    expect(rec.err.filter((l) => /SUCCEEDED/.test(l))).toHaveLength(10);
  });

  it("stops with Interrupted on Ctrl-C, without stopping the build", async () => {
    const m = await mockAws();
    playBuild(m.cb, build({ buildComplete: false, buildStatus: "IN_PROGRESS", endTime: undefined, phases: SUCCESS_PHASES.slice(0, 3) }));
    fakeStream(m.cw, () => []);
    const controller = new AbortController();
    const sleep = fakeSleep((call) => {
      if (call === 2) controller.abort();
    });
    const rec = recorder();
    await expect(
      followBuild({ codebuild: m.codebuild, logs: m.logs, buildId: BUILD_ID, reporter: rec.reporter, sleep: sleep.sleep, signal: controller.signal }),
    ).rejects.toBeInstanceOf(Interrupted);
    expect(m.cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(2);
    expect(m.cb.calls().map((c) => (c.args[0] as object).constructor.name)).not.toContain("StopBuildCommand");
  });

  it("skips phases and lines before --since", async () => {
    const m = await mockAws();
    playBuild(m.cb, build());
    const stream = fakeStream(m.cw, () => [ev(5, "early"), ev(40, "late"), ev(52, "end")]);
    const { run, rec } = follow(m, recorder(), { since: at(30) });
    await run;
    expect(rec.out).toEqual(["late", "end"]);
    expect(stream.calls[0]?.startTime).toBe(T0 + 30_000);
    expect(rec.err.map((l) => l.split(/\s+/)[0])).toEqual(["BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING"]);
  });
});

describe("the live phase line (terminal only)", () => {
  /** A terminal where stdout and stderr meet, as on a developer's screen. */
  function terminal(isTTY: boolean) {
    const stream: string[] = [];
    const reporter = createReporter({
      color: false,
      isTTY,
      outIsTTY: isTTY,
      write: { out: (t) => stream.push(`${t}\n`), err: (t) => stream.push(`${t}\n`), raw: (t) => stream.push(t) },
    });
    return { reporter, stream };
  }
  const inBuild = build({
    buildComplete: false,
    buildStatus: "IN_PROGRESS",
    currentPhase: "BUILD",
    endTime: undefined,
    phases: [...SUCCESS_PHASES.slice(0, 6), { phaseType: "BUILD", startTime: at(21) }],
  });

  it("shows the running phase and its time while nothing else prints, and clears it before lines and at the end", async () => {
    const m = await mockAws();
    const polls = playBuild(m.cb, inBuild, inBuild, build());
    fakeStream(m.cw, () => (polls.polls() < 2 ? [ev(22, "npm test")] : [ev(22, "npm test"), ev(49, "ok 12 tests")]));
    const { reporter, stream } = terminal(true);
    const screens: string[][] = [];
    const sleep = fakeSleep(() => screens.push(renderScreen(stream)));
    // 1m 12s into BUILD (it started 21 s after T0)
    await followBuild({ codebuild: m.codebuild, logs: m.logs, buildId: BUILD_ID, reporter, sleep: sleep.sleep, now: () => T0 + 93_000, drainMs: 0 });

    // WHILE it ran: the log so far, then the live line at the bottom
    expect(screens[0]!.slice(-2)).toEqual(["npm test", "BUILD             in progress  1m 12s"]);
    // THEN at the end no live line is left, and nothing it drew over was lost
    const screen = renderScreen(stream);
    expect(screen.some((l) => l.includes("in progress"))).toBe(false);
    expect(screen).toContain("npm test");
    expect(screen).toContain("ok 12 tests");
    expect(screen).toContain("BUILD             SUCCEEDED  29s");
    expect(screen.at(-1)).toBe("FINALIZING        SUCCEEDED  2s");
  });

  it("is not drawn in CI or a pipe", async () => {
    const m = await mockAws();
    playBuild(m.cb, inBuild, build());
    fakeStream(m.cw, () => [ev(22, "npm test")]);
    const { reporter, stream } = terminal(false);
    await followBuild({ codebuild: m.codebuild, logs: m.logs, buildId: BUILD_ID, reporter, sleep: fakeSleep().sleep, now: () => T0 + 93_000, drainMs: 0 });
    expect(stream.join("")).not.toContain("in progress");
    expect(stream.join("")).not.toContain("\x1b[");
  });

  it("runningPhase: the current phase and its start; nothing once completed", () => {
    expect(runningPhase(inBuild)).toEqual({ name: "BUILD", since: at(21) });
    expect(runningPhase(build())).toBeUndefined();
    expect(runningPhase(build({ buildComplete: false, currentPhase: "QUEUED", phases: [] }))).toEqual({ name: "QUEUED" });
  });
});

describe("failures", () => {
  const failedBuild = build({
    buildStatus: "FAILED",
    endTime: at(95),
    phases: [
      ...SUCCESS_PHASES.slice(0, 6),
      phase("BUILD", 21, 50, "FAILED", "Error while executing command: npm test. Reason: exit status 1", "COMMAND_EXECUTION_ERROR"),
      phase("FINALIZING", 50, 52),
    ],
  });

  it("lists each failed phase with its message and a hint, and the wall time (not a sum of phases)", () => {
    const rec = recorder();
    printSummary(failedBuild, rec.reporter);
    expect(rec.err).toEqual([
      `Build ${BUILD_ID} FAILED in 1m 35s.`,
      "  BUILD FAILED (COMMAND_EXECUTION_ERROR): Error while executing command: npm test. Reason: exit status 1",
      `    hint: A buildspec command exited non-zero; the log shows which one (cody logs --build-id ${BUILD_ID}).`,
    ]);
  });

  it("says SUCCEEDED with the wall time", () => {
    const rec = recorder();
    printSummary(build(), rec.reporter);
    expect(rec.err).toEqual([`Build ${BUILD_ID} SUCCEEDED in 54s.`]);
  });

  it.each([
    [
      "ECR pull denied",
      { phase: "PROVISIONING", status: "FAILED", statusCode: "CLIENT_ERROR", message: "CannotPullContainerError: Error response from daemon: pull access denied for 1234.dkr.ecr.us-east-1.amazonaws.com/app" },
      /sample-ecr\.html/,
    ],
    ["timeout", { phase: "BUILD", status: "TIMED_OUT", statusCode: "BUILD_TIMED_OUT", message: "Build has timed out. " }, /timeoutInMinutes \(20 min\)/],
    ["queued timeout", { phase: "QUEUED", status: "TIMED_OUT" }, /queuedTimeoutInMinutes \(480 min\)/],
    ["buildspec", { phase: "DOWNLOAD_SOURCE", status: "FAILED", statusCode: "YAML_FILE_ERROR", message: "stat /codebuild/output/src1/buildspec.yml: no such file or directory" }, /buildspec/],
    ["missing parameter", { phase: "DOWNLOAD_SOURCE", status: "FAILED", statusCode: "CLIENT_ERROR", message: "Parameter does not exist: /demo/token" }, /Parameter Store parameter .* does not exist/],
    ["parameter denied", { phase: "DOWNLOAD_SOURCE", status: "FAILED", statusCode: "ACCESS_DENIED", message: "AccessDeniedException: not authorized to perform: ssm:GetParameters" }, /-e is not in its policy|given with -e/],
    ["source", { phase: "DOWNLOAD_SOURCE", status: "FAILED", statusCode: "CLIENT_ERROR", message: "authorization failed for primary source" }, /import-source-credentials/],
    ["stopped", { phase: "BUILD", status: "STOPPED" }, /stopped/],
  ])("hint: %s", (_name, failed, hint) => {
    expect(failureHint(failed, { id: BUILD_ID, timeoutInMinutes: 20, queuedTimeoutInMinutes: 480 })).toMatch(hint);
  });

  it("gives a timed-out build whose phases say nothing a reason", () => {
    const timedOut = build({ buildStatus: "TIMED_OUT", currentPhase: "BUILD", phases: SUCCESS_PHASES.slice(0, 6) });
    expect(failedPhases(timedOut)).toEqual([{ phase: "BUILD", status: "TIMED_OUT", hint: expect.stringMatching(/timeoutInMinutes \(20 min\)/) as string }]);
  });

});
