// A build on stock moto (the launcher's plain builds: buildComplete stays false while buildStatus is
// SUCCEEDED, and all phases are appended again on every BatchGetBuilds). cody start, logs -f and
// status must still end, show each phase once, and agree with each other. The worker's moto, switched
// to plain builds (POST /moto-api/codebuild/plain-builds) after withMoto's reset, which switches it back.
import { BatchGetBuildsCommand, CodeBuildClient, CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { IAMClient, CreateRoleCommand } from "@aws-sdk/client-iam";
import { beforeEach, describe, expect, it } from "vitest";
import { setPlainBuilds } from "../support/moto";
import { runCli, sharedMoto, tempDir, withMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const PROJECT = "plain-demo";

const cody = (args: string[], cwd: string) => runCli(args, { cwd, endpoint: url, killAfterMs: 40_000 });

describe.skipIf(!endpoint)("builds on plain moto (no build fixes)", () => {
  withMoto(url);
  beforeEach(async () => {
    await setPlainBuilds(url);
    const config = { region: "us-east-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    const role = await new IAMClient(config).send(
      new CreateRoleCommand({ RoleName: "plain-demo-role", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [] }) }),
    );
    await new CodeBuildClient(config).send(
      new CreateProjectCommand({
        name: PROJECT,
        source: { type: "GITHUB", location: "https://github.com/acme/plain-demo.git" },
        artifacts: { type: "NO_ARTIFACTS" },
        environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL" },
        serviceRole: role.Role!.Arn!,
      }),
    );
  });

  it("cody start and cody logs -f finish; each phase once; status text and --json agree", async () => {
    const dir = tempDir();
    const start = await cody(["start", PROJECT, "--json"], dir);
    expect(start.code, start.stderr).toBe(0);
    const started = JSON.parse(start.stdout) as { buildId: string; complete: boolean; succeeded: boolean; status: string };
    expect(started).toMatchObject({ complete: true, succeeded: true, status: "SUCCEEDED" });
    // The build really is stock moto's: never complete in the API, however often it is read.
    const config = { region: "us-east-1", endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
    const raw = (await new CodeBuildClient(config).send(new BatchGetBuildsCommand({ ids: [started.buildId] }))).builds?.[0];
    expect(raw).toMatchObject({ buildStatus: "SUCCEEDED", buildComplete: false });
    const phaseLines = start.stderr.split("\n").filter((l) => /^BUILD\s+SUCCEEDED/.test(l));
    expect(phaseLines).toHaveLength(1);

    const follow = await cody(["logs", PROJECT, "-f", "--build-id", started.buildId], dir);
    expect(follow.code, follow.stderr).toBe(0);
    expect(follow.stderr).toMatch(/SUCCEEDED/);
    expect(follow.stderr.split("\n").filter((l) => /^BUILD\s+SUCCEEDED/.test(l)).length).toBeLessThanOrEqual(1);

    const text = await cody(["status", PROJECT, "--build-id", started.buildId], dir);
    const json = await cody(["status", PROJECT, "--build-id", started.buildId, "--json"], dir);
    expect(text.code, text.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { complete: boolean; status: string; phases: Array<{ name: string }> };
    expect(report.complete).toBe(true);
    expect(report.status).toBe("SUCCEEDED");
    const names = report.phases.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(text.stdout).not.toMatch(/\(running\)/);
    expect(text.stdout.split("\n").filter((l) => /^\s+BUILD\s/.test(l))).toHaveLength(1);
  });
});
