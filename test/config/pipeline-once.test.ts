// Each derivation runs once per command: the source is resolved once and the schedule expression parsed
// once between argv and a template (the rules and the synthesis read what load settled), and a build
// command evaluates settings.ts once (its env warning, its AWS options and its project lookup share one
// target). Counted with spies wrapped around the real functions.
import { BatchGetBuildsCommand, BatchGetProjectsCommand, CodeBuildClient, ListBuildsForProjectCommand } from "@aws-sdk/client-codebuild";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { statusCommand } from "../../src/cli/commands/status";
import { resolveTarget } from "../../src/config/target";
import { evaluateFile } from "../../src/config/evaluate-file";
import { checkAt, checkCron, checkRate } from "../../src/config/rules/schedule-expression";
import { resolveSource } from "../../src/config/source";
import { synthTarget } from "../../src/synth/pipeline";
import { minimalProject, removeProjects, writeProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";

vi.mock("../../src/config/source", async (original) => {
  const real = await original<typeof import("../../src/config/source")>();
  return { ...real, resolveSource: vi.fn(real.resolveSource) };
});
vi.mock("../../src/config/rules/schedule-expression", async (original) => {
  const real = await original<typeof import("../../src/config/rules/schedule-expression")>();
  return { ...real, checkRate: vi.fn(real.checkRate), checkCron: vi.fn(real.checkCron), checkAt: vi.fn(real.checkAt) };
});
vi.mock("../../src/config/evaluate-file", async (original) => {
  const real = await original<typeof import("../../src/config/evaluate-file")>();
  return { ...real, evaluateFile: vi.fn(real.evaluateFile) };
});

const settingsReads = () => vi.mocked(evaluateFile).mock.calls.filter(([file]) => file.endsWith("settings.ts")).length;
const scheduleParses = () => vi.mocked(checkRate).mock.calls.length + vi.mocked(checkCron).mock.calls.length + vi.mocked(checkAt).mock.calls.length;

beforeEach(() => vi.clearAllMocks());
afterAll(() => removeProjects());

describe("synth: one derivation of each value", () => {
  it("resolves the source once and parses a rate schedule once", async () => {
    const root = writeProject(minimalProject('schedule: { rate: "1 day" },'));
    const synth = await synthTarget(await resolveTarget({}, { cwd: root, environment: {}, requireProject: true }));
    expect(synth.template.Resources.EventsRule?.Properties).toMatchObject({ ScheduleExpression: "rate(1 day)" });
    expect(vi.mocked(resolveSource)).toHaveBeenCalledTimes(1);
    expect(scheduleParses()).toBe(1);
  });

  it("parses a cron schedule of a Scheduler schedule once", async () => {
    const root = writeProject(minimalProject('schedule: { engine: "scheduler", cron: "0 10 * * ? *" },'));
    const synth = await synthTarget(await resolveTarget({}, { cwd: root, environment: {}, requireProject: true }));
    expect(synth.template.Resources.Schedule?.Properties).toMatchObject({ ScheduleExpression: "cron(0 10 * * ? *)" });
    expect(vi.mocked(resolveSource)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(checkCron)).toHaveBeenCalledTimes(1);
  });
});

describe("cody status: settings.ts evaluated once", () => {
  const cb = mockClient(CodeBuildClient);
  const BUILD_ID = "demo:0c6d1f8e-8b7a-4c1e-9d7e-2f1a3b4c5d6e";
  beforeEach(() => {
    cb.reset();
    cb.on(BatchGetProjectsCommand).resolves({ projects: [{ name: "demo" }] });
    cb.on(ListBuildsForProjectCommand).resolves({ ids: [BUILD_ID] });
    cb.on(BatchGetBuildsCommand).resolves({ builds: [{ id: BUILD_ID, projectName: "demo", buildStatus: "SUCCEEDED", buildComplete: true }] });
  });
  afterEach(() => cb.reset());
  // The SDK stays loaded in this thread for the next file (test/aws/clients.test.ts needs its real handler).
  afterAll(() => cb.restore());

  const files = {
    ".cody/project.ts": "export default {}",
    ".cody/settings.ts": 'export default { envs: { production: { region: "eu-west-1" } } };\n',
  };

  it("with --env (the env warning), no --region (settings bind one) and a lookup by name", async () => {
    const root = writeProject(files);
    const rec = recordingReporter();
    await statusCommand(undefined, { env: "prodution" }, rec.reporter, { cwd: root, environment: { AWS_REGION: "us-east-1" } });
    expect(rec.lines.join("\n")).toContain('env "prodution" (from --env) is not one this project defines');
    expect(rec.out.join("\n")).toContain("SUCCEEDED");
    expect(settingsReads()).toBe(1);
  });

  it("the region settings bind to the env reaches the client", async () => {
    const root = writeProject(files);
    const rec = recordingReporter();
    await statusCommand(undefined, { env: "production", json: true }, rec.reporter, { cwd: root, environment: {} });
    expect(await cb.call(0).thisValue.config.region()).toBe("eu-west-1");
    expect(settingsReads()).toBe(1);
  });
});
