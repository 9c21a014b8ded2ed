// Review before deploy, end to end: the BUILT cli against moto. `cody diff` shows values and the IAM
// table, `--fail` answers "are there changes?", and the names a template uses are checked (SSM
// parameters, secrets) before any change set.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { GetTemplateCommand, ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { DescribeLogGroupsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { CreateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { describe, expect, it, vi } from "vitest";
import { resetMoto } from "../support/moto";
import { DEMO_STACK as STACK, demoProject, expectPlain, motoClients, runCli, sharedMoto, stackStatus, type CliRun, withMoto } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
// Each test runs several deploys of the built CLI: on a loaded machine that takes longer than the default.
vi.setConfig({ testTimeout: 120_000 });
const REGION = "us-east-1";
const config = { region: REGION, endpoint: url, credentials: { accessKeyId: "test", secretAccessKey: "test" } };
const ssm = new SSMClient(config);
const secrets = new SecretsManagerClient(config);
const { cfn, logs } = motoClients(url);

async function logGroups(): Promise<string[]> {
  return ((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: "/aws/codebuild/" }))).logGroups ?? []).map((g) => g.logGroupName ?? "");
}

function cody(args: string[], dir: string, env: Record<string, string | undefined> = {}): Promise<CliRun> {
  return runCli(args, { cwd: dir, endpoint: url, killAfterMs: 60_000, env });
}

/** As a pipeline without CODY_REQUIRE_APPROVAL: cody's default, --require-approval broadening. */
const DEFAULT_APPROVAL = { CODY_REQUIRE_APPROVAL: undefined };

async function pendingChangeSets(): Promise<string[]> {
  const sets = (await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries ?? [];
  return sets.filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE").map((s) => s.ChangeSetName ?? "");
}

function edit(dir: string, file: string, from: RegExp, to: string): void {
  const path = join(dir, ".cody", file);
  const text = readFileSync(path, "utf8");
  expect(text, `${file} should match ${String(from)}`).toMatch(from);
  writeFileSync(path, text.replace(from, to));
}

/** Deploys the project as a test's starting point (no preflight: moto has no simulator). */
async function deployed(dir: string): Promise<void> {
  const run = await cody(["deploy", "--yes", "--skip-preflight"], dir);
  expect(run.code, run.stderr).toBe(0);
}

describe.skipIf(!endpoint)("review before deploy against moto (built CLI)", () => {
  withMoto(url);

  it("diff shows old → new values and the IAM table for an added statement; --fail exits 1, then 0 when nothing changes", async () => {
    const dir = demoProject();
    await deployed(dir);
    edit(dir, "project.ts", /computeType: "BUILD_GENERAL1_SMALL"/, 'computeType: "BUILD_GENERAL1_LARGE"');
    edit(dir, "role.ts", /iamPolicy: \[/, 'iamPolicy: [\n    { sid: "WriteArtifacts", action: ["s3:PutObject"], resource: ["arn:aws:s3:::acme-demo-artifacts/*"] },');

    const run = await cody(["diff"], dir);
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    const lines = run.stdout.split("\n");
    expect(lines).toContain('      Environment.ComputeType: "BUILD_GENERAL1_SMALL" → "BUILD_GENERAL1_LARGE"');
    expect(lines.find((l) => l.includes("Statement[WriteArtifacts]"))).toMatch(/^ {6}Policies\[CodeBuildAccess\]\.PolicyDocument\.Statement\[WriteArtifacts\]: \+ \{ Sid: "WriteArtifacts", Effect: "Allow", Action: \["s3:PutObject"\]/);
    expect(lines).toContain("IAM changes: 1 broadening (lets something do more than before)");
    expect(lines.find((l) => l.includes("s3:PutObject") && l.includes("broadening"))).toMatch(/^ {2}\+ {2}broadening {2}IamRole\/CodeBuildAccess +statement +Allow +s3:PutObject +arn:aws:s3:::acme-demo-artifacts\/\*$/);

    const json = await cody(["diff", "--json"], dir);
    const result = JSON.parse(json.stdout) as { changes: Array<{ logicalId: string; values: unknown[] }>; broadening: boolean; iam: unknown[] };
    expect(result.changes.find((c) => c.logicalId === "CodeBuild")?.values).toEqual([{ path: "Environment.ComputeType", old: "BUILD_GENERAL1_SMALL", new: "BUILD_GENERAL1_LARGE" }]);
    expect(result.broadening).toBe(true);
    expect(result.iam).toEqual([
      { change: "+", logicalId: "IamRole", kind: "statement", policy: "CodeBuildAccess", effect: "Allow", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::acme-demo-artifacts/*"], broadening: true, passRole: false },
    ]);

    const fail = await cody(["diff", "--fail"], dir);
    expect(fail.code).toBe(1);
    expect(fail.stderr).toContain("error 2 resources would change (--fail).");
    // Nothing was changed by any of it: no change set left, the stack as deployed.
    expect(((await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries ?? []).filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE")).toEqual([]);

    await deployed(dir);
    const same = await cody(["diff", "--fail"], dir);
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr).toContain("No changes");
  });

  it("warns about a missing SSM parameter and secret by name and where used; quiet once they exist; --strict exits 3", async () => {
    const dir = demoProject();
    edit(dir, "project.ts", /API_TOKEN: ssm\("\/demo\/api-token"\),/, 'API_TOKEN: ssm("/demo/api-token"),\n    DB_PASSWORD: { type: "SECRETS_MANAGER", value: "demo/db:password" },');

    const missing = await cody(["diff"], dir);
    expect(missing.code, missing.stderr).toBe(0);
    expect(missing.stderr).toContain("warning 2 names the template uses do not exist:");
    expect(missing.stderr).toContain("  SSM parameter /demo/api-token does not exist (used by CodeBuild environment variable API_TOKEN)");
    expect(missing.stderr).toContain("  secret demo/db does not exist (used by CodeBuild environment variable DB_PASSWORD)");

    const strict = await cody(["diff", "--strict"], dir);
    expect(strict.code).toBe(3);
    expect(strict.stderr).toContain("2 names the template uses do not exist (--strict):");
    expect(await stackStatus(cfn)).toBeUndefined(); // stopped before any change set

    await ssm.send(new PutParameterCommand({ Name: "/demo/api-token", Value: "s3cr3t-value", Type: "SecureString" }));
    const one = await cody(["diff"], dir);
    expect(one.stderr).toContain("warning 1 name the template uses does not exist:");
    expect(one.stderr).not.toContain("/demo/api-token does not exist");

    await secrets.send(new CreateSecretCommand({ Name: "demo/db", SecretString: '{"password":"hunter2"}' }));
    const none = await cody(["diff", "--strict"], dir);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stderr).not.toContain("does not exist");
    // Names only: no value ever reaches the output.
    expect(none.stdout + none.stderr + one.stdout + one.stderr).not.toMatch(/s3cr3t-value|hunter2/);
  });

  it("a stack-managed log group survives cody delete, and the question says it stays; retainLogGroup: false deletes it", async () => {
    const dir = demoProject();
    edit(dir, "project.ts", /tags: \{ team: "platform" \},/, 'tags: { team: "platform" },\n  logRetentionDays: 30,');
    await deployed(dir);
    expect(await logGroups()).toEqual(["/aws/codebuild/demo"]);

    const refused = await cody(["delete"], dir); // no terminal, no --yes
    expect(refused.code).toBe(1);
    const run = await cody(["delete", "--yes"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("Left behind: log group /aws/codebuild/demo, kept by its DeletionPolicy (delete it with: aws logs delete-log-group --log-group-name /aws/codebuild/demo)");
    expect(await stackStatus(cfn)).toBeUndefined();
    expect(await logGroups()).toEqual(["/aws/codebuild/demo"]);

    // The same project opting out: the group goes with the stack.
    await resetMoto(url);
    edit(dir, "project.ts", /logRetentionDays: 30,/, "logRetentionDays: 30,\n  retainLogGroup: false,");
    await deployed(dir);
    expect(await logGroups()).toEqual(["/aws/codebuild/demo"]);
    const gone = await cody(["delete", "--yes"], dir);
    expect(gone.code, gone.stderr).toBe(0);
    expect(gone.stderr).not.toContain("Left behind");
    expect(await logGroups()).toEqual([]);
  });

  it("--outputs-file writes the stack outputs as JSON keyed by stack name, also when nothing changed", async () => {
    const dir = demoProject();
    const file = join(dir, "out", "outputs.json");
    const run = await cody(["deploy", "--yes", "--skip-preflight", "--outputs-file", file], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Outputs written to ${file}`);
    const written = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, string>>;
    expect(Object.keys(written)).toEqual([STACK]);
    expect(written[STACK]).toMatchObject({ ProjectName: "demo", ProjectArn: "arn:aws:codebuild:us-east-1:123456789012:project/demo", ScheduleName: "cody-demo" });
    expect(written[STACK]!.RoleArn).toMatch(/^arn:aws:iam::123456789012:role\/cody\/demo-cody-IamRole-/);

    writeFileSync(file, "stale");
    const again = await cody(["deploy", "--outputs-file", file], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain("No changes");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(written);
  });

  it("a broadening deploy without a terminal is refused with exit 1 naming the flag; the change set is deleted and nothing changes", async () => {
    const dir = demoProject();
    const first = await cody(["deploy", "--skip-preflight"], dir, DEFAULT_APPROVAL);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("error not deployed: the change broadens IAM permissions (--require-approval broadening), and there is no terminal to approve it. The change set was deleted; nothing was executed.");
    expect(await stackStatus(cfn)).toBeUndefined(); // not even the empty review stack

    await deployed(dir); // --yes answers it
    const before = await cfn.send(new GetTemplateCommand({ StackName: STACK }));
    edit(dir, "role.ts", /iamPolicy: \[/, 'iamPolicy: [\n    { sid: "WriteArtifacts", action: ["s3:PutObject"], resource: ["arn:aws:s3:::acme-demo-artifacts/*"] },');
    const refused = await cody(["deploy", "--skip-preflight"], dir, DEFAULT_APPROVAL);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ {2}\+ {2}broadening {2}IamRole\/CodeBuildAccess +statement +Allow +s3:PutObject/m); // the table was shown
    expect(refused.stderr).toContain("--require-approval broadening");
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toBe(before.TemplateBody);
    expect(await pendingChangeSets()).toEqual([]);

    // A narrowing or non-IAM change goes ahead under the default; any-change asks for it too.
    edit(dir, "role.ts", /\n {4}\{ sid: "WriteArtifacts"[^\n]*/, "");
    edit(dir, "project.ts", /BUILD_GENERAL1_SMALL/, "BUILD_GENERAL1_MEDIUM");
    const anyChange = await cody(["deploy", "--skip-preflight", "--require-approval", "any-change"], dir, DEFAULT_APPROVAL);
    expect(anyChange.code).toBe(1);
    expect(anyChange.stderr).toContain("--require-approval any-change asks before every change");
    const ok = await cody(["deploy", "--skip-preflight"], dir, DEFAULT_APPROVAL);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("Deployed demo-cody (UPDATE_COMPLETE)");
  });

  it("--no-execute leaves one named change set, prints how to review and execute it, and changes nothing", async () => {
    const dir = demoProject();
    await deployed(dir);
    const before = await cfn.send(new GetTemplateCommand({ StackName: STACK }));
    edit(dir, "project.ts", /BUILD_GENERAL1_SMALL/, "BUILD_GENERAL1_LARGE");
    const run = await cody(["deploy", "--skip-preflight", "--no-execute", "--change-set-name", "review-1"], dir, DEFAULT_APPROVAL);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('      Environment.ComputeType: "BUILD_GENERAL1_SMALL" → "BUILD_GENERAL1_LARGE"');
    expect(run.stderr).toContain("Change set review-1 created for demo-cody; nothing was executed.");
    expect(run.stderr).toMatch(/^ {2}review it: https:\/\/us-east-1\.console\.aws\.amazon\.com\/cloudformation\/home\?region=us-east-1#\/stacks\/changesets\/changes\?stackId=arn%3Aaws%3Acloudformation.*&changeSetId=arn%3A/m);
    expect(run.stderr).toContain("  execute it: cody deploy --execute-only --change-set-name review-1");
    expect(await pendingChangeSets()).toEqual(["review-1"]);
    expect((await cfn.send(new GetTemplateCommand({ StackName: STACK }))).TemplateBody).toBe(before.TemplateBody);

    const bad = await cody(["deploy", "--execute-only"], dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--execute-only: needs the change set to execute.");
  });
});
