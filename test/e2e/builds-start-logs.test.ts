// `cody start` and `cody logs` end to end: the BUILT binary against the run's moto, in a copy of
// examples/demo deployed with `cody deploy`. moto never writes build logs, so tests write them with
// PutLogEvents into /aws/codebuild/<project>/<build uuid>, and choose build outcomes with
// setBuildOutcome (test/support/moto/launcher.py). Piped stdio, as in CI.
import {
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
} from "@aws-sdk/client-cloudwatch-logs";
import { BatchGetBuildsCommand, ListBuildsForProjectCommand, StopBuildCommand, type Build } from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetMoto, setBuildOutcome } from "../support/moto";
import {
  DEMO_PROJECT as PROJECT,
  demoProject,
  expectPlain,
  motoClients,
  removeTempDirs,
  requireBuiltCli,
  runCli,
  sharedMoto,
  spawnCli,
  tempDir,
  type CliRun as Run,
} from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const GROUP = `/aws/codebuild/${PROJECT}`;
const BUILD_ID = /^demo:[0-9a-f-]{36}$/;

// ---------------------------------------------------------------- running the CLI

const spawnCody = (args: string[], cwd: string) => spawnCli(args, { cwd, endpoint: url });

/** The built CLI against moto; its output must be plain text. */
async function cody(args: string[], cwd: string): Promise<Run> {
  const run = await runCli(args, { cwd, endpoint: url });
  expectPlain(run);
  return run;
}

// ---------------------------------------------------------------- moto side

const { codebuild, logs: cloudwatch } = motoClients(url);

async function buildIds(): Promise<string[]> {
  return (await codebuild.send(new ListBuildsForProjectCommand({ projectName: PROJECT }))).ids ?? [];
}

/** Reads a build. Careful: in moto every BatchGetBuilds is a poll that moves an unfinished build on. */
async function getBuild(id: string): Promise<Build> {
  const build = (await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }))).builds?.[0];
  if (!build) throw new Error(`no build ${id}`);
  return build;
}

/** The build a running `cody start` started (ListBuildsForProject does not move builds on). */
async function newBuild(before: string[]): Promise<string> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const fresh = (await buildIds()).find((id) => !before.includes(id));
    if (fresh) return fresh;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("no new build appeared");
}

/** Writes log events into the build's stream, as CodeBuild would. */
async function writeLogs(buildId: string, events: Array<{ timestamp: number; message: string }>): Promise<void> {
  const stream = buildId.split(":")[1]!;
  try {
    await cloudwatch.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  }
  try {
    await cloudwatch.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: stream }));
  } catch (error) {
    if (!(error instanceof ResourceAlreadyExistsException)) throw error;
  }
  for (let i = 0; i < events.length; i += 5000) {
    await cloudwatch.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: stream, logEvents: events.slice(i, i + 5000) }));
  }
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

// ---------------------------------------------------------------- tests

describe.skipIf(!endpoint)("cody start / cody logs against moto (built CLI)", () => {
  let dir: string;

  beforeAll(async () => {
    requireBuiltCli();
    await resetMoto(url);
    dir = demoProject();
    const deploy = await cody(["deploy", "--yes", "--skip-preflight"], dir);
    expect(deploy.code, deploy.stderr).toBe(0);
  }, 60_000);

  afterAll(removeTempDirs);

  it("start --no-wait prints the build id and the console link; --branch reaches the build", async () => {
    const run = await cody(["start", "--no-wait", "--branch", "feature/x"], dir);
    expect(run.code, run.stderr).toBe(0);
    const id = run.stdout.trim();
    expect(id).toMatch(BUILD_ID);
    expect(run.stderr).toContain(`Console: https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/demo/build/${encodeURIComponent(id)}/log?region=us-east-1`);
    expect(run.stderr).toContain(`cody logs --follow --build-id ${id}`);
    expect((await getBuild(id)).sourceVersion).toBe("feature/x");
  });

  it("-e K=a=b reaches the build's environment whole, next to the project's variables", async () => {
    const run = await cody(["start", "--no-wait", "-e", "K=a=b", "EMPTY=", "TOKEN=ssm:/demo/other-token"], dir);
    expect(run.code, run.stderr).toBe(0);
    const vars = (await getBuild(run.stdout.trim())).environment?.environmentVariables ?? [];
    expect(vars).toEqual(
      expect.arrayContaining([
        { name: "K", value: "a=b", type: "PLAINTEXT" },
        { name: "EMPTY", value: "", type: "PLAINTEXT" },
        { name: "TOKEN", value: "/demo/other-token", type: "PARAMETER_STORE" },
        { name: "APP_ENV", value: "development", type: "PLAINTEXT" },
      ]),
    );
  });

  it("a bad -e pair fails before any build starts", async () => {
    const before = await buildIds();
    const run = await cody(["start", "-e", "NOVALUE"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('-e/--env-vars: "NOVALUE" has no "="');
    expect(await buildIds()).toEqual(before);
  });

  it("start waits, prints the log lines CloudWatch gets while it follows, and exits 0", async () => {
    await setBuildOutcome(url, { projectName: PROJECT, status: "SUCCEEDED", inProgressPolls: 2 });
    const before = await buildIds();
    const started = Date.now();
    const running = spawnCody(["start"], dir);
    const id = await newBuild(before);
    // moto's phases are 1 s each from the start: INSTALL ends at +3 s, BUILD at +5 s, UPLOAD_ARTIFACTS at +7 s.
    await writeLogs(id, [
      { timestamp: started + 2500, message: "[Container] Running command npm ci\n" },
      { timestamp: started + 4500, message: "[Container] Running command npm test\n" },
      { timestamp: started + 4600, message: "  12 passing = all good\n" },
      { timestamp: started + 6500, message: "[Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED\n" },
    ]);
    const run = await running.done;
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout)).toEqual([
      "[Container] Running command npm ci",
      "[Container] Running command npm test",
      "  12 passing = all good",
      "[Container] Phase complete: UPLOAD_ARTIFACTS State: SUCCEEDED",
    ]);
    expect(run.stderr).toContain(`Started build ${id}`);
    expect(run.stderr).toMatch(/^BUILD +SUCCEEDED +1s$/m);
    expect(run.stderr).toMatch(new RegExp(`Build ${id} SUCCEEDED in 8s\\.`));
  });

  it("a failing build exits 2 with the failed phase and its message", async () => {
    await setBuildOutcome(url, { projectName: PROJECT, status: "FAILED", phase: "BUILD", message: "Error while executing command: npm test. Reason: exit status 1" });
    const run = await cody(["start"], dir);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/^BUILD +FAILED +1s$/m);
    expect(run.stderr).toContain("  BUILD FAILED (COMMAND_EXECUTION_ERROR): Error while executing command: npm test. Reason: exit status 1");
    expect(run.stderr).toMatch(/hint: A buildspec command exited non-zero/);
    expect(run.stderr).toMatch(/error build demo:\S+ did not succeed \(FAILED\)\./);
    // The way to the whole log is given once, in the phase's hint, not again in the error's.
    expect(run.stderr.match(/cody logs --build-id/g)).toHaveLength(1);
  });

  it("-e production: the fix also suggests --env production", async () => {
    const run = await cody(["start", "-e", "production"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("if it is the env, that is --env production (-e is short for --env-vars).");
  });

  it("--json: a timed-out build gives the result object on stdout, the timeout hint, and exit 2", async () => {
    await setBuildOutcome(url, { projectName: PROJECT, status: "TIMED_OUT", phase: "BUILD" });
    const run = await cody(["start", "--json"], dir);
    expect(run.code, run.stderr).toBe(2);
    const result = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ command: "start", type: "failed", project: PROJECT, status: "TIMED_OUT", complete: true, succeeded: false, waited: true, durationSeconds: 6 });
    expect(result.failedPhases).toEqual([
      { phase: "BUILD", status: "TIMED_OUT", statusCode: "BUILD_TIMED_OUT", message: "Build timed out", hint: expect.stringContaining("timeoutInMinutes (20 min)") as string },
    ]);
  });

  it("logs prints the build's log from the head across moto's pages, and only what is recent with --since", async () => {
    const start = await cody(["start", "--no-wait"], dir);
    const id = start.stdout.trim();
    const now = Date.now();
    const old = Array.from({ length: 3 }, (_, i) => ({ timestamp: now - 2 * 3_600_000 + i, message: `old ${i}\n` }));
    // More than one GetLogEvents/FilterLogEvents page (10,000 events) of recent lines.
    const recent = Array.from({ length: 10_050 }, (_, i) => ({ timestamp: now - 60_000 + Math.floor(i / 10), message: `line ${i} a=b\n` }));
    await writeLogs(id, [...old, ...recent]);

    const all = await cody(["logs", "--build-id", id], dir);
    expect(all.code, all.stderr).toBe(0);
    const printed = lines(all.stdout);
    expect(printed).toHaveLength(old.length + recent.length);
    expect(printed).toEqual([...old, ...recent].map((e) => e.message.trimEnd()));

    const since = await cody(["logs", "--build-id", id, "--since", "1h"], dir);
    expect(since.code, since.stderr).toBe(0);
    expect(lines(since.stdout)).toEqual(recent.map((e) => e.message.trimEnd()));

    // Without --build-id: the latest build of the project in this folder, the one just started.
    const latest = await cody(["logs", "--since", "1h"], dir);
    expect(latest.stderr).toContain(`Log of build ${id}`);
    expect(lines(latest.stdout)).toHaveLength(recent.length);
  });

  it("logs --follow on a finished build prints its log and its final status", async () => {
    const start = await cody(["start", "--no-wait"], dir);
    const id = start.stdout.trim();
    // Lines from INSTALL to UPLOAD_ARTIFACTS (moto's phases: 1 s each), so the log is complete.
    const began = (await getBuild(id)).startTime?.getTime() ?? Date.now();
    await writeLogs(id, [
      { timestamp: began + 2500, message: "hello\n" },
      { timestamp: began + 6500, message: "bye\n" },
    ]);
    const t0 = Date.now();
    const run = await cody(["logs", "--follow", "--build-id", id], dir);
    // The log is complete, so no waiting for late lines (the drain would take 5 s, cody slept 10 s).
    expect(Date.now() - t0).toBeLessThan(4500);
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout)).toEqual(["hello", "bye"]);
    expect(run.stderr).toContain(`Build ${id} SUCCEEDED`);
  });

  it("logs works outside a project with --build-id, and says so when the log is not there", async () => {
    const start = await cody(["start", "--no-wait"], dir);
    const id = start.stdout.trim();
    const elsewhere = tempDir("cody-e2e-nowhere-");
    const run = await cody(["logs", "--build-id", id], elsewhere);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`No log for build ${id}: ${GROUP} has no stream ${id.split(":")[1]!}`);

    const unknown = await cody(["logs", "--build-id", "demo:00000000-0000-0000-0000-000000000000"], elsewhere);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error build demo:00000000-0000-0000-0000-000000000000 not found.");
  });

  it("Ctrl-C stops following, not the build: exit 130 with how to follow again or stop it", async () => {
    await setBuildOutcome(url, { projectName: PROJECT, status: "SUCCEEDED", inProgressPolls: 1000 });
    const before = await buildIds();
    const running = spawnCody(["start"], dir);
    const id = await newBuild(before);
    // Interrupt once it is following (its first phase line is out).
    const deadline = Date.now() + 10_000;
    while (!/SUBMITTED/.test(running.stderr()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    running.child.kill("SIGINT");
    const run = await running.done;
    try {
      expect(run.code, run.stderr).toBe(130);
      expect(run.stderr).toContain(`Stopped following build ${id}; the build itself is still running.`);
      // The hint's two commands line up under each other.
      const followLine = run.stderr.split("\n").find((l) => l.includes(`cody logs --follow --build-id ${id}`)) ?? "";
      const stopLine = run.stderr.split("\n").find((l) => l.includes(`cody stop --build-id ${id}`)) ?? "";
      expect(followLine).toMatch(/^ {2}hint: Follow it again: cody logs/);
      expect(stopLine.indexOf("cody stop")).toBe(followLine.indexOf("cody logs"));
      expect((await getBuild(id)).buildStatus).toBe("IN_PROGRESS");
    } finally {
      await codebuild.send(new StopBuildCommand({ id }));
    }
  });
});
