// The stack-set lifecycle end to end (built CLI, plain moto with the project's launcher): a stack set
// with instances in two regions created, updated (template change), a no-op, status --stack-set,
// deleted. moto runs every StackSets operation synchronously (SUCCEEDED at once) and, for SELF_MANAGED,
// creates each instance's stack in its region, so the CodeBuild project is looked up there.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CloudFormationClient, DescribeStackSetCommand, ListStackSetOperationsCommand } from "@aws-sdk/client-cloudformation";
import { BatchGetProjectsCommand, CodeBuildClient } from "@aws-sdk/client-codebuild";
import { describe, expect, it, vi } from "vitest";
import { DEMO_STACK as NAME, demoProject, expectPlain, runCli, sharedMoto, withMoto } from "../_helpers/e2e";
import { stackSetDeleteSchema, stackSetDeploySchema, stackSetStatusSchema } from "../_helpers/json-schemas";

const { endpoint, url } = sharedMoto();
vi.setConfig({ testTimeout: 120_000 });
const credentials = { accessKeyId: "test", secretAccessKey: "test" };
const cfn = new CloudFormationClient({ region: "us-east-1", endpoint: url, credentials });
const projectIn = async (region: string) => {
  const found = await new CodeBuildClient({ region, endpoint: url, credentials }).send(new BatchGetProjectsCommand({ names: ["demo"] }));
  return found.projects?.[0];
};

const cody = (args: string[], dir: string) => runCli(args, { cwd: dir, endpoint: url, killAfterMs: 60_000 });
const json = async (args: string[], dir: string) => {
  const run = await cody([...args, "--json"], dir);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as unknown;
};

describe.skipIf(!endpoint)("cody --stack-set against moto (built CLI)", () => {
  withMoto(url);

  it("creates a set with instances in two regions, updates it, does nothing when nothing changed, lists and deletes it", async () => {
    const dir = demoProject();
    writeFileSync(
      join(dir, ".cody", "settings.ts"),
      'import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  stackSet: { regions: ["us-east-1", "eu-west-1"], maxConcurrentPercentage: 100 },\n});\n',
    );

    // Created: the set, then one CreateStackInstances for both regions of the caller's account.
    const created = await cody(["deploy", "--stack-set", "--skip-preflight"], dir);
    expect(created.code, created.stderr).toBe(0);
    expectPlain(created);
    expect(created.stderr).toContain("Created stack set demo-cody (SELF_MANAGED).");
    expect(created.stderr).toMatch(/demo-cody create instances {2}123456789012 {2}eu-west-1 +SUCCEEDED/);
    expect(created.stderr).toMatch(/demo-cody create instances {2}123456789012 {2}us-east-1 +SUCCEEDED/);
    expect(created.stderr).toContain("Deployed stack set demo-cody (created, 2 instances)");
    const set = (await cfn.send(new DescribeStackSetCommand({ StackSetName: NAME }))).StackSet;
    expect(set?.Tags).toEqual(expect.arrayContaining([{ Key: "cody:tool", Value: "codybuild" }]));
    expect((await projectIn("us-east-1"))?.name).toBe("demo");
    expect((await projectIn("eu-west-1"))?.name).toBe("demo");

    // No-op: nothing changed, every instance exists, so no operation is started.
    const operations = async () => (await cfn.send(new ListStackSetOperationsCommand({ StackSetName: NAME }))).Summaries ?? [];
    const before = (await operations()).length;
    const noop = expectShape(stackSetDeploySchema, await json(["deploy", "--stack-set", "--skip-preflight"], dir));
    expect(noop.type).toBe("no-changes");
    expect(noop.operations).toEqual([]);
    expect(noop.instances.map((i) => i.region)).toEqual(["eu-west-1", "us-east-1"]);
    expect((await operations()).length).toBe(before);

    // Updated: a template change reaches the set through UpdateStackSet.
    const projectFile = join(dir, ".cody", "project.ts");
    writeFileSync(projectFile, readFileSync(projectFile, "utf8").replace('githubUrl: "https://github.com/acme/demo",', 'githubUrl: "https://github.com/acme/demo",\n  description: "rolled out by StackSets",'));
    const updated = expectShape(stackSetDeploySchema, await json(["deploy", "--stack-set", "--skip-preflight"], dir));
    expect(updated.type).toBe("updated");
    expect(updated.operations.map((o) => [o.action, o.status])).toEqual([["update", "SUCCEEDED"]]);
    const body = (await cfn.send(new DescribeStackSetCommand({ StackSetName: NAME }))).StackSet?.TemplateBody;
    expect(body).toContain("rolled out by StackSets");

    // Status lists the instances, for people and as JSON.
    const status = await cody(["status", "--stack-set"], dir);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/123456789012 {2}eu-west-1 +CURRENT/);
    const listed = expectShape(stackSetStatusSchema, await json(["status", "--stack-set"], dir));
    expect(listed.type).toBe("stack-set");
    expect(listed.instances).toHaveLength(2);

    // Delete asks (refused without a terminal), then with --yes removes the instances and the set.
    const refused = await cody(["delete", "--stack-set"], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("not deleting stack set demo-cody (us-east-1): there is no terminal to confirm it.");
    const deleted = expectShape(stackSetDeleteSchema, await json(["delete", "--stack-set", "--yes"], dir));
    expect(deleted.type).toBe("deleted");
    expect(deleted.instances).toHaveLength(2);
    await expect(cfn.send(new DescribeStackSetCommand({ StackSetName: NAME }))).rejects.toThrow(/not found/i);
    expect(await projectIn("eu-west-1")).toBeUndefined();
    const gone = expectShape(stackSetStatusSchema, await json(["status", "--stack-set"], dir));
    expect(gone.type).toBe("no-stack-set");
  });

  it("--stack-set without settings' stackSet is bad input, before any AWS call", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--stack-set"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--stack-set deploys to the regions and accounts of settings' stackSet");
    expect(run.stderr).toContain("fix:");
  });
});

function expectShape<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`not the documented shape: ${String(parsed.error)}\n${JSON.stringify(value, null, 2)}`);
  return parsed.data;
}
