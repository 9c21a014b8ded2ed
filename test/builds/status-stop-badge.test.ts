// `cody status`, `cody stop` and `cody badge` over real clients whose SDK send() is stubbed by
// aws-sdk-client-mock; each runs in a temp folder named "demo" (so the project is "demo").
import { CloudFormationClient, CloudFormationServiceException, DescribeStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  ListBuildsForProjectCommand,
  StopBuildCommand,
  type Build,
  type Project,
} from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { badgeCommand } from "../../src/cli/commands/badge";
import { statusCommand } from "../../src/cli/commands/status";
import { stopCommand, type StopIo } from "../../src/cli/commands/stop";
import { isCodyError } from "../../src/errors";
import { createReporter } from "../../src/io/reporter";
import { removeProjects, writeFile, writeProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";

const cb = mockClient(CodeBuildClient);
const cf = mockClient(CloudFormationClient);
const T = (s: number) => new Date(Date.UTC(2024, 4, 1, 10, 0, s));
const BUILD_ID = "demo:0c6d1f8e-8b7a-4c1e-9d7e-2f1a3b4c5d6e";
let root: string;

const finished: Build = {
  id: BUILD_ID,
  projectName: "demo",
  buildNumber: 7,
  buildStatus: "FAILED",
  buildComplete: true,
  currentPhase: "COMPLETED",
  sourceVersion: "main",
  resolvedSourceVersion: "4f2c9e1",
  initiator: "alice",
  startTime: T(0),
  endTime: T(75),
  phases: [
    { phaseType: "SUBMITTED", phaseStatus: "SUCCEEDED", durationInSeconds: 0, startTime: T(0), endTime: T(0) },
    { phaseType: "PROVISIONING", phaseStatus: "SUCCEEDED", durationInSeconds: 12, startTime: T(0), endTime: T(12) },
    { phaseType: "BUILD", phaseStatus: "FAILED", durationInSeconds: 60, startTime: T(12), endTime: T(72), contexts: [{ statusCode: "COMMAND_EXECUTION_ERROR", message: "Error while executing command: npm test. Reason: exit status 1" }] },
    { phaseType: "FINALIZING", phaseStatus: "SUCCEEDED", durationInSeconds: 3, startTime: T(72), endTime: T(75) },
    { phaseType: "COMPLETED", startTime: T(75) },
  ],
};
const running: Build = {
  id: BUILD_ID,
  projectName: "demo",
  buildStatus: "IN_PROGRESS",
  buildComplete: false,
  currentPhase: "BUILD",
  startTime: T(0),
  phases: [{ phaseType: "BUILD", startTime: T(12) }],
};

function project(extra: Partial<Project> = {}): Project {
  return { name: "demo", arn: "arn:aws:codebuild:us-east-1:123456789012:project/demo", source: { type: "GITHUB", location: "https://github.com/acme/demo" }, ...extra };
}

function knownProjects(...projects: Project[]): void {
  cb.on(BatchGetProjectsCommand).callsFake((input: { names: string[] }) => ({
    projects: projects.filter((p) => input.names.includes(p.name!)),
    projectsNotFound: input.names.filter((n) => !projects.some((p) => p.name === n)),
  }));
}

function builds(ids: string[], ...known: Build[]): void {
  cb.on(ListBuildsForProjectCommand).resolves({ ids });
  cb.on(BatchGetBuildsCommand).callsFake((input: { ids: string[] }) => ({
    builds: known.filter((b) => input.ids.includes(b.id!)),
    buildsNotFound: input.ids.filter((i) => !known.some((b) => b.id === i)),
  }));
}

const OPTS = { region: "us-east-1" };

beforeEach(() => {
  cb.reset();
  cf.reset();
  root = writeProject({ ".cody/project.ts": "export default {}" });
});
afterEach(() => removeProjects());

describe("cody status", () => {
  it("shows the latest build: status, source, initiator, times, duration and phases", async () => {
    knownProjects(project());
    builds([BUILD_ID, "demo:older"], finished);
    const rec = recordingReporter();
    await statusCommand(undefined, OPTS, rec.reporter, { cwd: root });
    expect(rec.out).toEqual([
      "Project   demo",
      `Build     ${BUILD_ID}`,
      "Status    FAILED",
      "Source    main (4f2c9e1)",
      "Initiator alice",
      "Started   2024-05-01 10:00:00 UTC",
      "Ended     2024-05-01 10:01:15 UTC",
      "Duration  1m 15s",
      "Phases",
      "  SUBMITTED     SUCCEEDED    0s",
      "  PROVISIONING  SUCCEEDED    12s",
      "  BUILD         FAILED       1m 0s",
      "    Error while executing command: npm test. Reason: exit status 1",
      "  FINALIZING    SUCCEEDED    3s",
      `Console   https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/demo/build/${encodeURIComponent(BUILD_ID)}/log?region=us-east-1`,
    ]);
    expect(cb.commandCalls(ListBuildsForProjectCommand)[0]!.args[0].input).toEqual({ projectName: "demo", sortOrder: "DESCENDING" });
    expect(cb.commandCalls(BatchGetBuildsCommand)[0]!.args[0].input.ids).toEqual([BUILD_ID]);
  });

  it("--json: the build as data with stable keys", async () => {
    knownProjects(project());
    builds([BUILD_ID], finished);
    const rec = recordingReporter();
    await statusCommand("demo", { ...OPTS, json: true }, rec.reporter, { cwd: root });
    const report = JSON.parse(rec.out.join("\n")) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([
      "command", "type", "project", "buildId", "buildNumber", "status", "currentPhase", "complete", "sourceVersion", "resolvedSourceVersion",
      "initiator", "startTime", "endTime", "durationSeconds", "phases", "logs", "consoleUrl",
    ]);
    expect(report).toMatchObject({ command: "status", type: "build", project: "demo", buildId: BUILD_ID, status: "FAILED", complete: true, durationSeconds: 75, startTime: "2024-05-01T10:00:00.000Z" });
    expect((report.phases as unknown[])[2]).toEqual({
      name: "BUILD", status: "FAILED", durationSeconds: 60, startTime: "2024-05-01T10:00:12.000Z", endTime: "2024-05-01T10:01:12.000Z",
      message: "Error while executing command: npm test. Reason: exit status 1",
    });
  });

  it("--json without builds: the same command and type keys, type no-builds", async () => {
    knownProjects(project());
    builds([]);
    const rec = recordingReporter();
    await statusCommand(undefined, { ...OPTS, json: true }, rec.reporter, { cwd: root });
    expect(JSON.parse(rec.out.join("\n"))).toEqual({ command: "status", type: "no-builds", project: "demo", buildId: null });
  });

  it("colours the status by stdout, where the lines go, not by stderr", async () => {
    knownProjects(project());
    builds([BUILD_ID], finished);
    // stdout a terminal, stderr not (cody status 2>log): coloured
    const out: string[] = [];
    const toTerminal = createReporter({ isTTY: false, color: undefined, outColor: true, write: { out: (t) => out.push(t), err: () => undefined } });
    await statusCommand(undefined, OPTS, toTerminal, { cwd: root });
    expect(out.find((l) => l.includes("Status"))).toContain("\x1b[31mFAILED\x1b[39m");
    // stdout a pipe (cody status | grep), even with stderr a terminal: plain
    const piped: string[] = [];
    const toPipe = createReporter({ isTTY: true, color: true, outColor: false, write: { out: (t) => piped.push(t), err: () => undefined } });
    await statusCommand(undefined, OPTS, toPipe, { cwd: root });
    expect(piped.join("\n")).not.toContain("\x1b[");
  });

  it("warns about an --env the project does not define, before looking the project up", async () => {
    writeFile(root, ".cody/variables/production.ts", "export default {}");
    knownProjects(project());
    builds([BUILD_ID], finished);
    const rec = recordingReporter();
    await statusCommand(undefined, { ...OPTS, env: "prodution" }, rec.reporter, { cwd: root, environment: {} });
    expect(rec.lines[0]).toBe(
      'warning env "prodution" (from --env) is not one this project defines (no .cody/variables/prodution.ts, no settings env of that name). Known envs: development (the default), production. Did you mean --env production?',
    );
    // A known env says nothing.
    const quiet = recordingReporter();
    await statusCommand(undefined, { ...OPTS, env: "production" }, quiet.reporter, { cwd: root, environment: {} });
    expect(quiet.lines).toEqual([]);
  });

  it("a running build: its current phase, no end time, the duration so far", async () => {
    knownProjects(project());
    builds([BUILD_ID], running);
    const rec = recordingReporter();
    await statusCommand(undefined, OPTS, rec.reporter, { cwd: root, now: () => T(90) });
    expect(rec.out).toContain("Status    IN_PROGRESS (BUILD)");
    expect(rec.out).toContain("Ended     (running)");
    expect(rec.out).toContain("Duration  1m 30s so far");
    expect(rec.out).toContain("  BUILD  IN_PROGRESS  1m 18s");
  });

  it("no builds: says so and returns normally (exit 0)", async () => {
    knownProjects(project());
    builds([]);
    const rec = recordingReporter();
    await statusCommand(undefined, OPTS, rec.reporter, { cwd: root });
    expect(rec.out).toEqual([]);
    expect(rec.lines).toEqual(["No builds found for project demo: start one with `cody start`."]);
    expect(cb.commandCalls(BatchGetBuildsCommand)).toHaveLength(0);
  });

  it("a full --build-id needs no project lookup; a bare uuid is completed with the project name", async () => {
    builds([], finished);
    const rec = recordingReporter();
    await statusCommand(undefined, { ...OPTS, buildId: BUILD_ID }, rec.reporter, { cwd: root });
    expect(cb.commandCalls(BatchGetProjectsCommand)).toHaveLength(0);
    expect(rec.out[2]).toBe("Status    FAILED");

    knownProjects(project());
    await statusCommand(undefined, { ...OPTS, buildId: BUILD_ID.split(":")[1] }, recordingReporter().reporter, { cwd: root });
    expect(cb.commandCalls(BatchGetBuildsCommand).at(-1)!.args[0].input.ids).toEqual([BUILD_ID]);
  });

  it("an unknown build id: exit 1 naming it", async () => {
    builds([]);
    const error: unknown = await statusCommand(undefined, { ...OPTS, buildId: "demo:nope" }, recordingReporter().reporter, { cwd: root }).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toBe("build demo:nope not found.");
  });

  it("project not found by name nor stack: exit 1 (cody exited 0)", async () => {
    knownProjects();
    cf.on(DescribeStackResourcesCommand).rejects(
      new CloudFormationServiceException({ name: "ValidationError", $fault: "client", $metadata: {}, message: "Stack with id demo-cody does not exist" }),
    );
    const error: unknown = await statusCommand(undefined, OPTS, recordingReporter().reporter, { cwd: root }).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toBe('CodeBuild project not found in us-east-1: tried project "demo", stack "demo-cody".');
  });

  it("finds the project through its stack (cody's status had no stack fallback)", async () => {
    knownProjects(project({ name: "demo-AbC123" }));
    cf.on(DescribeStackResourcesCommand).resolves({ StackResources: [{ LogicalResourceId: "CodeBuild", PhysicalResourceId: "demo-AbC123", ResourceType: "x", Timestamp: T(0), ResourceStatus: "CREATE_COMPLETE" }] });
    cb.on(ListBuildsForProjectCommand).resolves({ ids: [] });
    const rec = recordingReporter();
    await statusCommand(undefined, OPTS, rec.reporter, { cwd: root });
    expect(cb.commandCalls(ListBuildsForProjectCommand)[0]!.args[0].input.projectName).toBe("demo-AbC123");
  });
});

describe("cody stop", () => {
  const tty = (answer: boolean): StopIo & { asked: string[] } => {
    const asked: string[] = [];
    return { interactive: true, asked, ask: async (q) => (asked.push(q), answer) };
  };
  const noTty: StopIo = { interactive: false, ask: async () => { throw new Error("must not ask without a terminal"); } };

  beforeEach(() => {
    knownProjects(project());
    cb.on(StopBuildCommand).resolves({ build: { ...running, buildStatus: "STOPPED", buildComplete: true } });
  });

  it("refuses without a terminal unless --yes, and stops nothing", async () => {
    builds([BUILD_ID], running);
    const error: unknown = await stopCommand(undefined, OPTS, recordingReporter().reporter, { cwd: root, io: noTty }).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toBe(`not stopping build ${BUILD_ID}: there is no terminal to confirm it.`);
    expect(isCodyError(error) && error.hint).toBe("Pass --yes to stop it without a prompt (as in CI).");
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(0);
  });

  it("--yes stops the latest build and prints the resulting status", async () => {
    builds([BUILD_ID], running);
    const rec = recordingReporter();
    await stopCommand(undefined, { ...OPTS, yes: true }, rec.reporter, { cwd: root, io: noTty });
    expect(cb.commandCalls(StopBuildCommand)[0]!.args[0].input).toEqual({ id: BUILD_ID });
    expect(rec.lines).toEqual([`Stopped build ${BUILD_ID}; status: STOPPED.`]);
  });

  it("asks on a terminal: yes stops, anything else does not", async () => {
    builds([BUILD_ID], running);
    const yes = tty(true);
    await stopCommand(undefined, OPTS, recordingReporter().reporter, { cwd: root, io: yes });
    expect(yes.asked).toEqual([`Stop build ${BUILD_ID}?`]);
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(1);

    const rec = recordingReporter();
    await stopCommand(undefined, OPTS, rec.reporter, { cwd: root, io: tty(false) });
    expect(rec.lines).toEqual(["Not stopped."]);
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(1);
  });

  it("a finished build: says so, exit 0, no StopBuild and no question", async () => {
    builds([BUILD_ID], finished);
    const rec = recordingReporter();
    await stopCommand(undefined, OPTS, rec.reporter, { cwd: root, io: noTty });
    expect(rec.lines).toEqual([`Build ${BUILD_ID} already finished (FAILED): nothing to stop.`]);
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(0);
  });

  it("--noop stops nothing, even with --yes (cody's stop ignored --noop)", async () => {
    builds([BUILD_ID], running);
    const rec = recordingReporter();
    await stopCommand(undefined, { ...OPTS, yes: true, noop: true, json: true }, rec.reporter, { cwd: root, io: noTty });
    expect(cb.commandCalls(StopBuildCommand)).toHaveLength(0);
    expect(JSON.parse(rec.out.join(""))).toEqual({ command: "stop", type: "noop", project: "demo", buildId: BUILD_ID, status: "IN_PROGRESS" });
  });

  it("no builds: nothing to stop, exit 0; --json has the same keys, status null", async () => {
    builds([]);
    const rec = recordingReporter();
    await stopCommand(undefined, { ...OPTS, json: true }, rec.reporter, { cwd: root, io: noTty });
    expect(rec.lines).toEqual(["No builds found for project demo: nothing to stop."]);
    expect(JSON.parse(rec.out.join(""))).toEqual({ command: "stop", type: "no-builds", project: "demo", buildId: null, status: null });
  });

  it("--json after stopping: type stopped and the status CodeBuild returned", async () => {
    builds([BUILD_ID], running);
    const rec = recordingReporter();
    await stopCommand(undefined, { ...OPTS, yes: true, json: true }, rec.reporter, { cwd: root, io: noTty });
    expect(JSON.parse(rec.out.join(""))).toEqual({ command: "stop", type: "stopped", project: "demo", buildId: BUILD_ID, status: "STOPPED" });
  });

  it("a stop CodeBuild still reports IN_PROGRESS says it was requested", async () => {
    builds([BUILD_ID], running);
    cb.on(StopBuildCommand).resolves({ build: { ...running } });
    const rec = recordingReporter();
    await stopCommand(undefined, { ...OPTS, yes: true }, rec.reporter, { cwd: root, io: noTty });
    expect(rec.lines[0]).toBe(`Stop requested for build ${BUILD_ID}; status: IN_PROGRESS (BUILD).`);
  });
});

describe("cody badge", () => {
  const URL = "https://codebuild.us-east-1.amazonaws.com/badges?uuid=eyJlbmNyeXB0ZWREYXRhIjoiIn0%3D&branch=main";
  const badge = (badgeEnabled: boolean, badgeRequestUrl?: string) => ({ badgeEnabled, ...(badgeRequestUrl ? { badgeRequestUrl } : {}) });

  it("prints Markdown by default and the bare URL with --no-markdown", async () => {
    knownProjects(project({ badge: badge(true, "https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc") }));
    const rec = recordingReporter();
    await badgeCommand(undefined, OPTS, rec.reporter, { cwd: root });
    expect(rec.out).toEqual(["![Build status](https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc)"]);
    const raw = recordingReporter();
    await badgeCommand("demo", { ...OPTS, markdown: false }, raw.reporter, { cwd: root });
    expect(raw.out).toEqual(["https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc"]);
  });

  it("--json: command, type and the badge", async () => {
    knownProjects(project({ badge: badge(true, "https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc") }));
    const rec = recordingReporter();
    await badgeCommand(undefined, { ...OPTS, json: true, branch: "main" }, rec.reporter, { cwd: root });
    expect(JSON.parse(rec.out.join(""))).toEqual({
      command: "badge",
      type: "badge",
      project: "demo",
      branch: "main",
      url: "https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc&branch=main",
      markdown: "![Build status](https://codebuild.us-east-1.amazonaws.com/badges?uuid=abc&branch=main)",
    });
  });

  it("--branch is appended URL-encoded", async () => {
    knownProjects(project({ badge: badge(true, URL) }));
    const rec = recordingReporter();
    await badgeCommand(undefined, { ...OPTS, branch: "feature/a b&c", markdown: false }, rec.reporter, { cwd: root });
    expect(rec.out).toEqual([`${URL}&branch=feature%2Fa%20b%26c`]);
  });

  it("badges turned off on a source that supports them: exit 1 with the fix", async () => {
    knownProjects(project({ badge: badge(false) }));
    const error: unknown = await badgeCommand(undefined, OPTS, recordingReporter().reporter, { cwd: root }).catch((e: unknown) => e);
    expect(isCodyError(error) && error.exitCode).toBe(1);
    expect((error as Error).message).toBe("project demo has build badges turned off.");
    expect(isCodyError(error) && error.hint).toBe("Set `badge: true` in .cody/project.ts and run `cody deploy`.");
  });

  it("a source without badges: exit 1 naming the sources that have them", async () => {
    knownProjects(project({ source: { type: "NO_SOURCE" }, badge: badge(false) }));
    const error: unknown = await badgeCommand(undefined, OPTS, recordingReporter().reporter, { cwd: root }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "project demo has a NO_SOURCE source, and CodeBuild offers badges only for GITHUB, GITHUB_ENTERPRISE, BITBUCKET, CODECOMMIT sources.",
    );
  });
});
