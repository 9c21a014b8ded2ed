// `cody status`, `stop`, `list` and `badge` end to end: the BUILT binary (bin/cody.cjs → dist/), run
// with piped stdio in an empty folder (no .cody/), against the run's moto. Projects and builds are
// made with the SDK; a stack with a `CodeBuild` resource shows the lookup through CloudFormation.
import { CreateStackCommand } from "@aws-sdk/client-cloudformation";
import { BatchGetBuildsCommand, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetMoto, setBuildOutcome } from "../support/moto";
import { expectPlain, motoClients, removeTempDirs, requireBuiltCli, runCli, sharedMoto, tempDir, type CliRun } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const ROLE = "arn:aws:iam::123456789012:role/cody/demo-role";
const { codebuild, cfn } = motoClients(url);

let cwd: string;

/** The built CLI in an empty folder, against moto; its output must be plain text. */
async function cody(args: string[]): Promise<CliRun> {
  const run = await runCli(args, { cwd, endpoint: url });
  expectPlain(run);
  return run;
}

async function createProject(name: string, source: { type: "GITHUB" | "NO_SOURCE"; location: string } = { type: "GITHUB", location: `https://github.com/acme/${name}` }) {
  await codebuild.send(
    new CreateProjectCommand({
      name,
      source,
      artifacts: { type: "NO_ARTIFACTS" },
      environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL" },
      serviceRole: ROLE,
    }),
  );
}

/** Starts a build and, unless it should keep running, polls it once so the launcher finishes it. */
async function build(project: string, outcome?: "FAILED" | "running"): Promise<string> {
  if (outcome === "FAILED") await setBuildOutcome(url, { projectName: project, status: "FAILED" });
  if (outcome === "running") await setBuildOutcome(url, { projectName: project, status: "SUCCEEDED", inProgressPolls: 5 });
  const started = await codebuild.send(new StartBuildCommand({ projectName: project, sourceVersion: "main" }));
  const id = started.build!.id!;
  if (outcome !== "running") await codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
  return id;
}

describe.skipIf(!endpoint)("cody status / stop / list / badge against moto", () => {
  let alpha: string;
  let beta: string;

  beforeAll(() => {
    requireBuiltCli();
    cwd = tempDir("cody-e2e-builds-");
  });
  afterAll(removeTempDirs);

  beforeEach(async () => {
    await resetMoto(url);
    for (const name of ["alpha", "beta", "gamma"]) await createProject(name);
    await build("alpha", "FAILED");
    alpha = await build("alpha");
    beta = await build("beta", "FAILED");
  });

  it("status: the latest build, its phases and source, as text and as JSON", async () => {
    const text = await cody(["status", "alpha"]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Build     ${alpha}\n`);
    expect(text.stdout).toContain("Status    SUCCEEDED\n");
    expect(text.stdout).toContain("Source    main");
    expect(text.stdout).toMatch(/^ {2}BUILD +SUCCEEDED +\d+s$/m);
    expect(text.stdout).toContain("Console   https://us-east-1.console.aws.amazon.com/codesuite/codebuild/projects/alpha/build/");

    const json = await cody(["status", "beta", "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { buildId: string; status: string; complete: boolean; phases: { name: string; status: string | null; message: string | null }[] };
    expect(report).toMatchObject({ command: "status", type: "build", buildId: beta, status: "FAILED", complete: true });
    expect(Object.keys(report).slice(0, 3)).toEqual(["command", "type", "project"]);
    expect(report.phases.find((p) => p.name === "BUILD")).toMatchObject({ status: "FAILED", message: expect.stringContaining("exit status 1") });
  });

  it("status and logs: no builds is a message and exit 0; an unknown project is exit 1", async () => {
    const none = await cody(["status", "gamma"]);
    expect(none).toMatchObject({ code: 0, stdout: "" });
    expect(none.stderr).toContain("No builds found for project gamma");
    const noneJson = await cody(["status", "gamma", "--json"]);
    expect(JSON.parse(noneJson.stdout)).toEqual({ command: "status", type: "no-builds", project: "gamma", buildId: null });
    // logs says the same, and exits 0 too (it used to fail)
    const noLogs = await cody(["logs", "gamma"]);
    expect(noLogs).toMatchObject({ code: 0, stdout: "" });
    expect(noLogs.stderr).toContain("No builds found for project gamma: start one with `cody start gamma`.");

    const missing = await cody(["status", "nope"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('CodeBuild project not found in us-east-1: tried project "nope", stack "nope-cody"');
  });

  it("list: every format, sorting, --status and --select", async () => {
    const table = await cody(["list"]);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Name +Status +Started +Duration$/);
    expect(lines.slice(1).map((l) => l.split(/ {2,}/).slice(0, 2))).toEqual([
      ["alpha", "SUCCEEDED"],
      ["beta", "FAILED"],
      ["gamma", "no builds"],
    ]);

    const json = await cody(["list", "--format", "json", "--sort-by", "status"]);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as Record<string, unknown>[];
    expect(rows.map((r) => [r.project, r.status, r.buildId])).toEqual([
      ["beta", "FAILED", beta],
      ["alpha", "SUCCEEDED", alpha],
      ["gamma", null, null],
    ]);
    expect(Object.keys(rows[0]!)).toEqual(["project", "status", "buildId", "startTime", "endTime", "durationSeconds"]);

    const csv = await cody(["list", "--format", "csv", "--status", "failed"]);
    expect(csv.stdout.trimEnd().split("\n")).toEqual([
      "project,status,buildId,startTime,endTime,durationSeconds",
      expect.stringMatching(new RegExp(`^beta,FAILED,${beta},\\d{4}-\\d\\d-\\d\\dT[^,]+Z,[^,]+Z,\\d+$`)),
    ]);

    const md = await cody(["list", "--format", "markdown", "--select", "^(alpha|gamma)$"]);
    expect(md.stdout.trimEnd().split("\n")).toEqual([
      "| Name | Status | Started | Duration |",
      "| --- | --- | --- | --- |",
      expect.stringMatching(/^\| alpha \| SUCCEEDED \| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \| \d+s \|$/),
      "| gamma | no builds |  |  |",
    ]);

    const bad = await cody(["list", "--select", "(["]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--select "([" is not a valid regular expression');
  });

  it("list: a running build sorts as the newest by time", async () => {
    await createProject("delta");
    await build("delta", "running");
    const json = await cody(["list", "--format", "json", "--sort-by", "time"]);
    expect(json.code, json.stderr).toBe(0);
    const rows = JSON.parse(json.stdout) as { name: string; status: string | null }[];
    expect(rows[0]).toMatchObject({ project: "delta", status: "IN_PROGRESS" });
    expect(rows.at(-1)).toMatchObject({ project: "gamma", status: null });
  });

  it("stop: refuses without a terminal, stops with --yes, then says the build is finished", async () => {
    await createProject("delta");
    const id = await build("delta", "running");

    const refused = await cody(["stop", "delta"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`not stopping build ${id}: there is no terminal to confirm it.`);
    expect(refused.stderr).toContain("--yes");

    const stopped = await cody(["stop", "delta", "--yes", "--json"]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stderr).toContain(`Stopped build ${id}; status: STOPPED.`);
    expect(JSON.parse(stopped.stdout)).toEqual({ command: "stop", type: "stopped", project: "delta", buildId: id, status: "STOPPED" });

    const status = await cody(["status", "delta", "--json"]);
    expect(JSON.parse(status.stdout)).toMatchObject({ buildId: id, status: "STOPPED" });

    const again = await cody(["stop", "delta", "--yes"]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain(`Build ${id} already finished (STOPPED): nothing to stop.`);
  });

  it("badge: a project without badges is exit 1 with the fix", async () => {
    // moto never turns badges on for CreateProject (and returns no badge URL), so only the refusals run here.
    const off = await cody(["badge", "alpha"]);
    expect(off.code).toBe(1);
    expect(off.stderr).toContain("project alpha has build badges turned off.");
    expect(off.stderr).toContain("`badge: true` in .cody/project.ts");

    await createProject("nosrc", { type: "NO_SOURCE", location: "none" });
    const unsupported = await cody(["badge", "nosrc", "--no-markdown"]);
    expect(unsupported.code).toBe(1);
    expect(unsupported.stderr).toContain("has a NO_SOURCE source, and CodeBuild offers badges only for GITHUB, GITHUB_ENTERPRISE, BITBUCKET, CODECOMMIT");
  });

  it("finds a project through its stack: by the conventional stack, the stack name itself, or --stack-name", async () => {
    await cfn.send(
      new CreateStackCommand({
        StackName: "web-cody",
        TemplateBody: JSON.stringify({
          Resources: {
            CodeBuild: {
              Type: "AWS::CodeBuild::Project",
              Properties: {
                Name: "web-build-x7",
                Source: { Type: "GITHUB", Location: "https://github.com/acme/web" },
                Artifacts: { Type: "NO_ARTIFACTS" },
                Environment: { Type: "LINUX_CONTAINER", Image: "aws/codebuild/standard:7.0", ComputeType: "BUILD_GENERAL1_SMALL" },
                ServiceRole: ROLE,
              },
            },
          },
        }),
      }),
    );
    const id = await build("web-build-x7");
    for (const args of [["status", "web"], ["status", "web-cody"], ["status", "--stack-name", "web-cody"]]) {
      const run = await cody([...args, "--json"]);
      expect(run.code, `${args.join(" ")}: ${run.stderr}`).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ project: "web-build-x7", buildId: id, status: "SUCCEEDED" });
    }
  });
});
