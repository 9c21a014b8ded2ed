// Issue 11's flags end to end: the BUILT binary against the run's moto, requests through a counting
// proxy. `cody delete --noop` reads and changes nothing; `cody deploy --wait` is accepted (the default);
// `cody list --format tab|space` and `--json`; the SDK's own credential warning appears only with --debug;
// `.cody/` is found from a subfolder.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CreateProjectCommand } from "@aws-sdk/client-codebuild";
import { describe, expect, it } from "vitest";
import {
  DEMO_STACK as STACK,
  demoProject,
  expectPlain,
  motoClients,
  runCli,
  sharedMoto,
  stackStatus,
  tempDir,
  withMoto,
  type CliOptions,
  type CliRun,
} from "../_helpers/e2e";
import { startProxy, type RecordingProxy } from "../_helpers/recording-proxy";

const { endpoint, url } = sharedMoto();
const { cfn, codebuild } = motoClients(url);
let proxy: RecordingProxy;

function cody(args: string[], options: Omit<CliOptions, "endpoint">): Promise<CliRun> {
  return runCli(args, { ...options, endpoint: proxy.endpoint });
}

describe.skipIf(!endpoint)("issue 11 flags against moto (built CLI)", () => {
  withMoto(url, { start: async () => (proxy = await startProxy(url)) });

  it("deploy --wait is accepted and waits; delete --noop lists the stack's resources and only reads", async () => {
    const dir = demoProject();
    const deployed = await cody(["deploy", "--wait", "--yes", "--skip-preflight"], { cwd: dir });
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(deployed.stderr).toMatch(/Deployed demo-cody \(CREATE_COMPLETE\)/);
    proxy.clear();

    const run = await cody(["delete", "--noop"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    expect(run.stderr).toContain(`Would delete stack ${STACK} (us-east-1, CREATE_COMPLETE) and its 4 resources:`);
    expect(run.stderr).toMatch(/^ {2}CodeBuild +AWS::CodeBuild::Project +demo$/m);
    expect(run.stderr).toMatch(/^ {2}IamRole +AWS::IAM::Role +\S+/m);
    expect(run.stderr).toContain("Would leave behind: log group /aws/codebuild/demo");
    expect(run.stderr).toContain("Nothing was deleted (--noop).");
    // Only reads: no DeleteStack, no DescribeStackEvents wait, and no prompt (stdin is closed, no --yes).
    expect(new Set(proxy.actions)).toEqual(new Set(["DescribeStacks", "DescribeStackResources"]));
    expect(await stackStatus(cfn)).toBe("CREATE_COMPLETE");

    const json = await cody(["delete", "--noop", "--json"], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { type: string; exists: boolean; resources: Array<{ logicalId: string }> };
    expect(doc.type).toBe("noop");
    expect(doc.exists).toBe(true);
    expect(doc.resources.map((r) => r.logicalId).sort()).toEqual(["CodeBuild", "EventsRule", "EventsRuleRole", "IamRole"]);
  });

  it("delete --noop of a stack that does not exist says so and exits 0", async () => {
    const run = await cody(["delete", "--noop", "--stack-name", "nothing-here-cody"], { cwd: tempDir() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Stack nothing-here-cody does not exist in us-east-1: nothing would be deleted.");
    expect(proxy.actions).toEqual(["DescribeStacks"]);
  });

  it("list --format tab and space, and list --json, from moto's projects", async () => {
    for (const name of ["alpha", "beta"]) {
      await codebuild.send(
        new CreateProjectCommand({
          name,
          source: { type: "GITHUB", location: `https://github.com/acme/${name}` },
          artifacts: { type: "NO_ARTIFACTS" },
          environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL" },
          serviceRole: "arn:aws:iam::123456789012:role/cody/demo-role",
        }),
      );
    }
    const cwd = tempDir();
    const tab = await cody(["list", "--format", "tab"], { cwd });
    expect(tab.code, tab.stderr).toBe(0);
    const tabLines = tab.stdout.replace(/\n$/, "").split("\n");
    expect(tabLines[0]).toMatch(/^project\tstatus\t/); // a header line first
    expect(tabLines.slice(1).map((l) => l.split("\t").slice(0, 2))).toEqual([
      ["alpha", ""],
      ["beta", ""],
    ]);
    const space = await cody(["list", "--format", "space"], { cwd });
    expect(space.stdout.trimEnd().split("\n").slice(1)).toEqual(["alpha - - - - -", "beta - - - - -"]);
    const json = await cody(["list", "--json"], { cwd });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(json.stdout))).toContain('"alpha"');
  });

  it("the SDK's 'Multiple credential sources' warning reaches the user only with --debug", async () => {
    const cwd = tempDir();
    const config = join(cwd, "aws-config");
    writeFileSync(config, "[profile moto]\naws_access_key_id = test\naws_secret_access_key = test\nregion = us-east-1\n");
    // AWS_PROFILE and static keys both set: the SDK's credential chain warns about it with console.warn.
    const env = { AWS_PROFILE: "moto", AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: join(cwd, "none") };
    const quiet = await cody(["list"], { cwd, env });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain("Multiple credential sources");
    expect(quiet.stderr).not.toContain("@aws-sdk");
    const loud = await cody(["list", "--debug"], { cwd, env });
    expect(loud.code, loud.stderr).toBe(0);
    expect(loud.stderr).toMatch(/^\[debug\] library warning: @aws-sdk\/credential-provider-node .*WARNING:/m);
    expect(loud.stderr).toContain("Multiple credential sources detected");
  });

  it("finds .cody/ from a subfolder of the repository, and from anywhere with CODY_ROOT", async () => {
    const dir = demoProject();
    const sub = join(dir, "src", "lib");
    mkdirSync(sub, { recursive: true });
    const fromSub = await cody(["synth"], { cwd: sub });
    expect(fromSub.code, fromSub.stderr).toBe(0);
    expect(fromSub.stdout).toContain("AWS::CodeBuild::Project");
    const elsewhere = await cody(["synth"], { cwd: tempDir(), env: { CODY_ROOT: dir } });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stdout).toBe(fromSub.stdout);
    expect(proxy.total()).toBe(0);
  });
});
