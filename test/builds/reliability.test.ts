// Builds on any endpoint and under faults (issue 9): a build is over when buildComplete is true OR its
// status is terminal (plain moto never sets buildComplete and repeats the phases on every poll), each
// phase is shown once, status and start agree, --timeout bounds a follow, and errors after StartBuild
// say the build goes on and how to follow it.
import { BatchGetBuildsCommand, CodeBuildServiceException, StartBuildCommand, type Build } from "@aws-sdk/client-codebuild";
import { afterEach, describe, expect, it } from "vitest";
import { buildFinished, followBuild, uniquePhases } from "../../src/builds/follow-build";
import { startCommand, type StartOptions } from "../../src/cli/commands/start";
import { buildReport, formatReport } from "../../src/cli/commands/status";
import { CodyError, ExitCode, isCodyError } from "../../src/errors";
import { fakeSleep } from "../_helpers/test-io";
import { BUILD_ID, PROJECT, SUCCESS_PHASES, at, build, emptyDir, fakeStream, mockAws, playBuild, recorder, restoreAws } from "./build-fakes";

afterEach(() => restoreAws());

/** What plain moto answers: SUCCEEDED, but buildComplete false, and the phases listed again at each poll. */
function plainMotoBuild(poll: number): Build {
  return build({ buildComplete: false, buildStatus: "SUCCEEDED", currentPhase: "COMPLETED", phases: Array.from({ length: poll + 1 }, () => SUCCESS_PHASES).flat() });
}

describe("a build is finished when buildComplete is true or its status is terminal", () => {
  it.each([
    [{ buildComplete: true, buildStatus: "SUCCEEDED" }, true],
    [{ buildComplete: false, buildStatus: "SUCCEEDED" }, true],
    [{ buildComplete: false, buildStatus: "FAILED" }, true],
    [{ buildComplete: false, buildStatus: "FAULT" }, true],
    [{ buildComplete: false, buildStatus: "TIMED_OUT" }, true],
    [{ buildComplete: false, buildStatus: "STOPPED" }, true],
    [{ buildComplete: false, buildStatus: "IN_PROGRESS" }, false],
  ] as const)("%j → %s", (b, expected) => {
    expect(buildFinished(b)).toBe(expected);
  });

  it("a follow on plain moto ends, printing each phase once", async () => {
    const m = await mockAws();
    playBuild(m.cb, plainMotoBuild(0), plainMotoBuild(1), plainMotoBuild(2));
    fakeStream(m.cw, () => []);
    const rec = recorder();
    const result = await followBuild({ codebuild: m.codebuild, logs: m.logs, buildId: BUILD_ID, reporter: rec.reporter, sleep: fakeSleep().sleep, drainMs: 0 });
    expect(result.build.buildStatus).toBe("SUCCEEDED");
    const phaseLines = rec.err.filter((l) => /^[A-Z_]+\s+SUCCEEDED/.test(l));
    expect(phaseLines.map((l) => l.split(/\s+/)[0])).toEqual(SUCCESS_PHASES.filter((p) => p.phaseStatus).map((p) => p.phaseType));
  });

  it("status lists each phase once and says complete, in text and --json alike", () => {
    const b = plainMotoBuild(30);
    expect(b.phases!.length).toBe(SUCCESS_PHASES.length * 31);
    const report = buildReport(b, "us-east-1", at(100));
    expect(report.complete).toBe(true);
    expect(report.phases.map((p) => p.name)).toEqual(SUCCESS_PHASES.map((p) => p.phaseType));
    const text = formatReport(report, { color: false });
    expect(text.filter((l) => /^\s+BUILD\s/.test(l))).toHaveLength(1);
    expect(text.join("\n")).not.toMatch(/\(running\)|so far/);
    expect(uniquePhases(b)).toHaveLength(SUCCESS_PHASES.length);
  });
});

async function start(m: Awaited<ReturnType<typeof mockAws>>, options: StartOptions, now?: () => Date) {
  const rec = recorder();
  const error = await startCommand(PROJECT, { region: "us-east-1", ...options }, rec.reporter, {
    cwd: emptyDir(),
    environment: {},
    sleep: fakeSleep().sleep,
    signal: new AbortController().signal,
    drainMs: 0,
    ...(now ? { now } : {}),
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ...rec, error: error as CodyError | undefined };
}

describe("cody start on a plain endpoint and under faults", () => {
  it("start --json on plain moto: complete and succeeded, as status says", async () => {
    const m = await mockAws();
    m.cb.on(StartBuildCommand).resolves({ build: build({ buildComplete: false, buildStatus: "IN_PROGRESS", phases: [] }) });
    playBuild(m.cb, plainMotoBuild(0), plainMotoBuild(1));
    fakeStream(m.cw, () => []);
    const run = await start(m, { json: true });
    expect(run.error).toBeUndefined();
    const json = JSON.parse(run.out.join("\n")) as { complete: boolean; succeeded: boolean; status: string };
    expect(json).toMatchObject({ complete: true, succeeded: true, status: "SUCCEEDED" });
  });

  it("--timeout reached: exit 2, the build goes on, and how to follow or stop it", async () => {
    const m = await mockAws();
    m.cb.on(StartBuildCommand).resolves({ build: build({ buildComplete: false, buildStatus: "IN_PROGRESS", phases: [] }) });
    playBuild(m.cb, build({ buildComplete: false }));
    fakeStream(m.cw, () => []);
    let clock = at(0).getTime();
    const run = await start(m, { timeout: "2m" }, () => new Date((clock += 30_000)));
    expect(run.error?.exitCode).toBe(ExitCode.failed);
    expect(run.error?.message).toBe(`stopped following build ${BUILD_ID} after 2 min (--timeout): it is still IN_PROGRESS (BUILD).`);
    expect(run.error?.hint).toContain(`cody logs -f --build-id ${BUILD_ID} --region us-east-1 follows it`);
  });

  it("a bad --timeout is bad input, before any AWS call", async () => {
    const m = await mockAws();
    const run = await start(m, { timeout: "soon" });
    expect(run.error?.exitCode).toBe(ExitCode.input);
    expect(run.error?.message).toBe('--timeout "soon" is not a duration.');
    expect(m.cb.commandCalls(StartBuildCommand)).toHaveLength(0);
  });

  it("an error while following, after StartBuild: says the build is still running and how to follow it", async () => {
    const m = await mockAws();
    m.cb.on(StartBuildCommand).resolves({ build: build({ buildComplete: false, buildStatus: "IN_PROGRESS", phases: [] }) });
    m.cb.on(BatchGetBuildsCommand).rejects(new CodeBuildServiceException({ name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 500, attempts: 8 }, message: "down" }));
    const run = await start(m, {});
    expect(isCodyError(run.error)).toBe(true);
    expect(run.error?.message).toMatch(/^codebuild:BatchGetBuilds failed: AWS answered with a server error, HTTP 500/);
    expect(run.error?.hint).toContain(`Build ${BUILD_ID} is still running: cody logs -f --build-id ${BUILD_ID} --region us-east-1 follows it`);
  });

  it("a StartBuild whose answer was lost: says a build may have started and where to look", async () => {
    const m = await mockAws();
    m.cb.on(StartBuildCommand).rejects(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const run = await start(m, {});
    expect(run.error?.hint).toMatch(/A build of demo may have started although its answer was lost: cody status --region us-east-1 shows the latest build\./);
  });

  it("a StartBuild refused (4xx): no 'may have started'", async () => {
    const m = await mockAws();
    m.cb.on(StartBuildCommand).rejects(new CodeBuildServiceException({ name: "InvalidInputException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "bad" }));
    const run = await start(m, {});
    expect(run.error?.hint ?? "").not.toMatch(/may have started/);
  });
});
