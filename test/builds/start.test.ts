// `cody start` over stubbed CodeBuild/CloudWatch clients: what StartBuild gets, --no-wait, --json,
// exit 2 when the build fails, and Ctrl-C that stops following but not the build.
import { BatchGetBuildsCommand, StartBuildCommand, StopBuildCommand, type StartBuildCommandInput } from "@aws-sdk/client-codebuild";
import { afterEach, describe, expect, it } from "vitest";
import { startCommand, type StartOptions } from "../../src/cli/commands/start";
import { formatError } from "../../src/cli/format-error";
import { ExitCode, isCodyError, isConfigError } from "../../src/errors";
import { fakeSleep } from "../_helpers/test-io";
import { BUILD_ID, GROUP, PROJECT, STREAM, SUCCESS_PHASES, at, build, emptyDir, ev, fakeStream, mockAws, phase, playBuild, recorder, restoreAws, type Mocks } from "./build-fakes";

afterEach(() => restoreAws());

const started = build({ buildComplete: false, buildStatus: "IN_PROGRESS", currentPhase: "SUBMITTED", endTime: undefined, phases: [] });

async function setup(region = "us-east-1"): Promise<Mocks> {
  const m = await mockAws(region);
  m.cb.on(StartBuildCommand).resolves({ build: started });
  return m;
}

async function start(options: StartOptions, extra: { signal?: AbortSignal; onSleep?: (call: number) => void; outIsTTY?: boolean } = {}) {
  const rec = recorder({ outIsTTY: extra.outIsTTY });
  const sleep = fakeSleep(extra.onSleep);
  let error: unknown;
  try {
    await startCommand(PROJECT, { region: "us-east-1", ...options }, rec.reporter, {
      cwd: emptyDir(),
      environment: {},
      sleep: sleep.sleep,
      signal: extra.signal ?? new AbortController().signal,
      drainMs: 0,
    });
  } catch (e) {
    error = e;
  }
  return { ...rec, error, sleep };
}

function startInput(m: Mocks): StartBuildCommandInput {
  const calls = m.cb.commandCalls(StartBuildCommand);
  expect(calls).toHaveLength(1);
  return calls[0]!.args[0].input;
}

describe("what StartBuild gets", () => {
  it("omits the source version and overrides unless given (the project's default branch builds)", async () => {
    const m = await setup();
    await start({ wait: false });
    expect(startInput(m)).toEqual({ projectName: PROJECT, idempotencyToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it("sends a fresh idempotency token per start, so a retried StartBuild starts no second build", async () => {
    const m = await setup();
    await start({ wait: false });
    m.cb.resetHistory();
    await start({ wait: false });
    const second = startInput(m).idempotencyToken;
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    m.cb.resetHistory();
    await start({ wait: false });
    expect(startInput(m).idempotencyToken).not.toBe(second);
  });

  it.each([
    [{ branch: "feature/x" }, "feature/x"],
    [{ sourceVersion: "3f2a9c1" }, "3f2a9c1"],
    [{ branch: "main", sourceVersion: "main" }, "main"],
  ])("sends %j as sourceVersion %s", async (flags, expected) => {
    const m = await setup();
    await start({ wait: false, ...flags });
    expect(startInput(m).sourceVersion).toBe(expected);
  });

  it("refuses --branch and --source-version that disagree, before any AWS call", async () => {
    const m = await setup();
    const run = await start({ branch: "main", sourceVersion: "v1.2.0" });
    expect(isConfigError(run.error)).toBe(true);
    expect(String((run.error as Error).message)).toMatch(/--branch main and --source-version v1.2.0 disagree/);
    expect(m.cb.calls()).toHaveLength(0);
  });

  it("sends -e overrides split at the first = only, with their types", async () => {
    const m = await setup();
    await start({ wait: false, envVars: ["K=a=b", "EMPTY=", "TOKEN=ssm:/demo/token", "DB=secret:prod/db:password"] });
    expect(startInput(m).environmentVariablesOverride).toEqual([
      { name: "K", value: "a=b", type: "PLAINTEXT" },
      { name: "EMPTY", value: "", type: "PLAINTEXT" },
      { name: "TOKEN", value: "/demo/token", type: "PARAMETER_STORE" },
      { name: "DB", value: "prod/db:password", type: "SECRETS_MANAGER" },
    ]);
  });

  it("-e production (meant as the env): the fix names --env too", async () => {
    await setup();
    const run = await start({ envVars: ["production"] });
    expect(isConfigError(run.error) && run.error.issues[0]?.fix).toBe(
      'Write e.g. APP_ENV=staging, TOKEN=ssm:/demo/token or DB_PASSWORD=secret:prod/db:password. If "production" is the project name, put it before -e (cody start production -e NAME=value); if it is the env, that is --env production (-e is short for --env-vars).',
    );
  });

  it("refuses a bad -e pair before any AWS call", async () => {
    const m = await setup();
    const run = await start({ envVars: ["NOVALUE"] });
    expect(isConfigError(run.error)).toBe(true);
    expect(m.cb.calls()).toHaveLength(0);
  });
});

describe("--no-wait", () => {
  it("prints the build id on stdout and the console link in the SDK's region, and does not poll", async () => {
    const m = await setup("eu-west-1");
    const run = await start({ wait: false, region: "eu-west-1" });
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual([BUILD_ID]);
    expect(run.err).toContain(`Console: https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/projects/demo/build/${encodeURIComponent(BUILD_ID)}/log?region=eu-west-1`);
    expect(run.err).toContain(`Follow it: cody logs --follow --build-id ${BUILD_ID} --region eu-west-1`);
    expect(m.cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(0);
  });

  it("on a terminal shows the build id once: no bare id on stdout when nobody captures it", async () => {
    await setup();
    const run = await start({ wait: false, branch: "main" }, { outIsTTY: true });
    expect(run.out).toEqual([]);
    expect(run.err.filter((l) => l.includes(BUILD_ID))).toEqual([
      `Started build ${BUILD_ID} of main`,
      `Follow it: cody logs --follow --build-id ${BUILD_ID} --region us-east-1`,
    ]);
    // Captured (id=$(cody start --no-wait)): the id alone on stdout, and the line for the human on stderr
    const piped = await start({ wait: false, branch: "main" });
    expect(piped.out).toEqual([BUILD_ID]);
    expect(piped.err[0]).toBe(`Started build ${BUILD_ID} of main`);
  });

  it("--json prints the result object only on stdout", async () => {
    await setup();
    const run = await start({ wait: false, json: true, envVars: ["K=secret-ish"] });
    expect(run.out).toHaveLength(1);
    expect(JSON.parse(run.out[0]!)).toEqual({
      command: "start",
      type: "started",
      buildId: BUILD_ID,
      buildNumber: 7,
      project: PROJECT,
      status: "IN_PROGRESS",
      complete: false,
      succeeded: false,
      waited: false,
      sourceVersion: null,
      resolvedSourceVersion: null,
      environmentOverrides: [{ name: "K", type: "PLAINTEXT" }],
      consoleUrl: expect.stringContaining("https://us-east-1.console.aws.amazon.com/") as string,
      logs: { group: GROUP, stream: STREAM },
      startTime: at(0).toISOString(),
      endTime: null,
      durationSeconds: null,
      failedPhases: [],
    });
    expect(run.out[0]).not.toContain("secret-ish");
  });
});

describe("waiting", () => {
  it("follows the build: log lines on stdout, phases and the summary on stderr, exit 0", async () => {
    const m = await setup();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => [ev(22, "npm test"), ev(49, "ok"), ev(52, "[Container] done")]);
    const run = await start({});
    expect(run.error).toBeUndefined();
    expect(run.out).toEqual(["npm test", "ok", "[Container] done"]);
    expect(run.err[0]).toBe(`Started build ${BUILD_ID}`);
    expect(run.err.at(-1)).toBe(`Build ${BUILD_ID} SUCCEEDED in 54s.`);
  });

  it("--json after a successful build: type succeeded", async () => {
    const m = await setup();
    playBuild(m.cb, build());
    fakeStream(m.cw, () => []);
    const run = await start({ json: true });
    expect(JSON.parse(run.out[0]!)).toMatchObject({ command: "start", type: "succeeded", status: "SUCCEEDED", waited: true });
  });

  it("a failed command names `cody logs --build-id` once: in the phase's hint, not again in the error's", async () => {
    const m = await setup();
    playBuild(m.cb, build({ buildStatus: "FAILED", phases: [...SUCCESS_PHASES.slice(0, 6), phase("BUILD", 21, 50, "FAILED", "boom", "COMMAND_EXECUTION_ERROR")] }));
    fakeStream(m.cw, () => []);
    const run = await start({});
    const hint = isCodyError(run.error) ? run.error.hint : undefined;
    expect(run.err.filter((l) => l.includes("cody logs --build-id"))).toHaveLength(1);
    expect(hint).toBe("The failed phases and what to do about them are listed above.");
    // A failure whose hint does not name the log still points to it.
    const m2 = await setup();
    playBuild(m2.cb, build({ buildStatus: "FAILED", phases: [...SUCCESS_PHASES.slice(0, 6), phase("BUILD", 21, 50, "FAILED", "odd", "SOMETHING_ELSE")] }));
    fakeStream(m2.cw, () => []);
    const other = await start({});
    expect(isCodyError(other.error) && other.error.hint).toBe(`The failed phases are listed above; \`cody logs --build-id ${BUILD_ID}\` prints the whole log.`);
  });

  it.each(["FAILED", "FAULT", "TIMED_OUT", "STOPPED"])("a %s build exits 2 with the failed phase, its message and a hint", async (status) => {
    const m = await setup();
    playBuild(
      m.cb,
      build({
        buildStatus: status as "FAILED",
        endTime: at(61),
        phases: [...SUCCESS_PHASES.slice(0, 6), phase("BUILD", 21, 50, status, "Error while executing command: npm test. Reason: exit status 1", "COMMAND_EXECUTION_ERROR"), phase("FINALIZING", 50, 52)],
      }),
    );
    fakeStream(m.cw, () => [ev(22, "npm test"), ev(49, "1 failing")]);
    const run = await start({});
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.failed);
    expect((run.error as Error).message).toBe(`build ${BUILD_ID} did not succeed (${status}).`);
    expect(run.err).toContain(`Build ${BUILD_ID} ${status} in 1m 1s.`);
    expect(run.err).toContain(`  BUILD ${status} (COMMAND_EXECUTION_ERROR): Error while executing command: npm test. Reason: exit status 1`);
    expect(run.err.some((l) => l.startsWith("    hint: "))).toBe(true);
    expect(run.out).toEqual(["npm test", "1 failing"]);
  });

  it("a pull-access failure gets the ECR hint", async () => {
    const m = await setup();
    playBuild(
      m.cb,
      build({
        buildStatus: "FAILED",
        phases: [...SUCCESS_PHASES.slice(0, 2), phase("PROVISIONING", 1, 9, "FAILED", "CannotPullContainerError: pull access denied for 123456789012.dkr.ecr.us-east-1.amazonaws.com/app, repository does not exist or may require 'docker login'", "CLIENT_ERROR")],
      }),
    );
    fakeStream(m.cw, () => "missing");
    const run = await start({});
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.failed);
    expect(run.err.join("\n")).toMatch(/hint: CodeBuild may not pull the build image.*sample-ecr\.html/);
  });

  it("--json with waiting: the JSON alone on stdout (log lines go to stderr), and still exit 2 on failure", async () => {
    const m = await setup();
    playBuild(m.cb, build({ buildStatus: "FAILED", phases: [...SUCCESS_PHASES.slice(0, 6), phase("BUILD", 21, 50, "FAILED", "boom", "COMMAND_EXECUTION_ERROR")] }));
    fakeStream(m.cw, () => [ev(22, "a log line")]);
    const run = await start({ json: true });
    expect(run.out).toHaveLength(1);
    const result = JSON.parse(run.out[0]!) as Record<string, unknown>;
    expect(result).toMatchObject({ command: "start", type: "failed", status: "FAILED", complete: true, succeeded: false, waited: true, durationSeconds: 54 });
    expect(result.failedPhases).toEqual([{ phase: "BUILD", status: "FAILED", statusCode: "COMMAND_EXECUTION_ERROR", message: "boom", hint: expect.any(String) as string }]);
    expect(run.err).toContain("a log line");
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.failed);
  });

  it("Ctrl-C stops following, not the build: exit 130 and how to follow again or stop it", async () => {
    const m = await setup();
    playBuild(m.cb, started);
    fakeStream(m.cw, () => []);
    const controller = new AbortController();
    const run = await start({ profile: "ci" }, { signal: controller.signal, onSleep: (call) => call === 3 && controller.abort() });
    expect(isCodyError(run.error) && run.error.exitCode).toBe(ExitCode.interrupted);
    expect((run.error as Error).message).toBe(`Stopped following build ${BUILD_ID}; the build itself is still running.`);
    const hint = isCodyError(run.error) ? (run.error.hint ?? "") : "";
    // Two lines, the second indented under the first's text (the CLI prints "  hint: " before it), labels aligned.
    expect(hint).toBe(
      `Follow it again: cody logs --follow --build-id ${BUILD_ID} --profile ci --region us-east-1\n` +
        `        Stop it:         cody stop --build-id ${BUILD_ID} --profile ci --region us-east-1`,
    );
    // As printed: both commands start in the same column.
    const printed = formatError(run.error, { color: false, debugEnabled: false }).split("\n");
    expect(printed[1]!.indexOf("cody logs")).toBe(printed[2]!.indexOf("cody stop"));
    expect(printed[1]!.indexOf("Follow it again")).toBe(printed[2]!.indexOf("Stop it"));
    expect(m.cb.commandCalls(StopBuildCommand)).toHaveLength(0);
    expect(m.cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(3);
  });
});
