// `cody deploy`, `cody diff` and `cody delete` end to end: the BUILT binary (bin/cody.cjs → dist/) in a
// copy of examples/demo, against the run's moto (test/support/global-setup.ts), checked with the JS SDK.
// The CLI runs with piped stdio, as in CI. Requests go through a counting proxy on 127.0.0.1, so a test
// can tell how many calls a command made, or that it made none.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateChangeSetCommand,
  GetTemplateCommand,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  ListStacksCommand,
  UpdateStackCommand,
  waitUntilChangeSetCreateComplete,
  type ChangeSetSummary,
} from "@aws-sdk/client-cloudformation";
import { BatchGetProjectsCommand, type Project } from "@aws-sdk/client-codebuild";
import { DescribeRuleCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { GetRoleCommand, GetRolePolicyCommand } from "@aws-sdk/client-iam";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_PROJECT as PROJECT,
  DEMO_STACK as STACK,
  demoProject,
  expectPlain,
  motoClients,
  runCli,
  sharedMoto,
  spawnCli,
  stackStatus as statusOf,
  withMoto,
  type CliOptions,
  type CliRun as Run,
} from "../_helpers/e2e";
import { startProxy, type RecordingProxy } from "../_helpers/recording-proxy";

const { endpoint, url } = sharedMoto();
const LEFT_BEHIND = `log group /aws/codebuild/${PROJECT}, if any build ran (delete it with: aws logs delete-log-group --log-group-name /aws/codebuild/${PROJECT})`;
const REGION = "us-east-1";

let proxy: RecordingProxy;

/** The built CLI in `cwd`, its AWS requests through the counting proxy; `env` adds or removes variables. */
function cody(args: string[], options: Omit<CliOptions, "endpoint">): Promise<Run> {
  return runCli(args, { ...options, endpoint: proxy.endpoint });
}

// ---------------------------------------------------------------- the project

/** Replaces `from` in a project file; fails when it is not there, so a changed example cannot make an edit silently vanish. */
function edit(dir: string, file: string, from: RegExp, to: string): void {
  const path = join(dir, ".cody", file);
  const text = readFileSync(path, "utf8");
  expect(text, `${file} should match ${String(from)}`).toMatch(from);
  writeFileSync(path, text.replace(from, to));
}

/** The update every update/diff test makes: image, one more env var, schedule rate, one more role statement. */
const NEW_IMAGE = "aws/codebuild/standard:6.0";
function editProject(dir: string): void {
  const project = readFileSync(join(dir, ".cody", "project.ts"), "utf8");
  if (/linuxImage:/.test(project)) edit(dir, "project.ts", /linuxImage: "[^"]*"/, `linuxImage: "${NEW_IMAGE}"`);
  else edit(dir, "project.ts", /^(\s*)computeType:/m, `$1linuxImage: "${NEW_IMAGE}",\n$1computeType:`);
  edit(dir, "project.ts", /APP_ENV: env,/, 'APP_ENV: env,\n    LOG_LEVEL: "debug",');
  edit(dir, "schedule.ts", /rate: "1 day"/, 'rate: "12 hours"');
  edit(dir, "role.ts", /iamPolicy: \[/, 'iamPolicy: [\n    { sid: "WriteArtifacts", action: ["s3:PutObject"], resource: ["arn:aws:s3:::acme-demo-artifacts/*"] },');
}

interface TemplateJson {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/** The template cody would deploy, from `cody synth --format json` (no AWS call). */
async function synthJson(dir: string): Promise<TemplateJson> {
  const run = await cody(["synth", "--format", "json"], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as TemplateJson;
}

// ---------------------------------------------------------------- AWS (moto) side

const { cfn, codebuild, iam, events } = motoClients(url);
const stackStatus = () => statusOf(cfn);

/** Logical ID → physical ID of the stack's resources. */
async function physicalIds(): Promise<Record<string, string>> {
  const res = await cfn.send(new ListStackResourcesCommand({ StackName: STACK }));
  return Object.fromEntries((res.StackResourceSummaries ?? []).map((r) => [r.LogicalResourceId ?? "", r.PhysicalResourceId ?? ""]));
}

async function project(): Promise<Project | undefined> {
  return (await codebuild.send(new BatchGetProjectsCommand({ names: [PROJECT] }))).projects?.[0];
}

/** The outputs cody's template declares, as the live stack must have them (ids from physicalIds()). */
function expectedOutputs(ids: Record<string, string>): Record<string, string> {
  return {
    ProjectName: PROJECT,
    ProjectArn: `arn:aws:codebuild:us-east-1:123456789012:project/${PROJECT}`,
    RoleArn: `arn:aws:iam::123456789012:role/cody/${ids.IamRole}`,
    ScheduleName: ids.EventsRule,
  };
}

async function rolePolicy(roleName: string): Promise<string> {
  const res = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: "CodeBuildAccess" }));
  return decodeURIComponent(res.PolicyDocument ?? "");
}

/** moto lists every change set of the region, executed ones included (AWS would drop those). */
async function changeSets(): Promise<ChangeSetSummary[]> {
  return (await cfn.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries ?? [];
}
const pending = (sets: ChangeSetSummary[]) => sets.filter((s) => s.ExecutionStatus !== "EXECUTE_COMPLETE");

/**
 * Deploys that only set a test up skip the IAM preflight: moto has no policy simulator, and the SDK
 * retries its HTTP 500 for seconds (test/e2e/preflight.test.ts covers the preflight itself). The
 * deploys a test is about run as a user would, preflight included.
 */
const SETUP = ["--skip-preflight"];

async function deployOk(dir: string, extra: string[] = []): Promise<Run> {
  const run = await cody(["deploy", ...extra], { cwd: dir });
  expect(run.code, run.stderr).toBe(0);
  expectPlain(run);
  return run;
}

// ---------------------------------------------------------------- tests

describe.skipIf(!endpoint)("cody deploy / diff / delete against moto (built CLI)", () => {
  withMoto(url, {
    start: async () => (proxy = await startProxy(url)),
    eachTest: () => {
      proxy.onRequest = undefined;
    },
  });

  it("creates the stack: CodeBuild project, role under /cody/ and schedule as in the template", async () => {
    const dir = demoProject();
    const template = await synthJson(dir);
    const run = await deployOk(dir);
    expect(run.stderr).toContain(`Deploying stack ${STACK} (us-east-1)`);
    expect(run.stderr).toMatch(/^ {2}\+ CodeBuild +AWS::CodeBuild::Project$/m);
    expect(run.stderr).toMatch(/CREATE_COMPLETE +AWS::CloudFormation::Stack +demo-cody/); // one plain line per event
    expect(run.stderr).toMatch(new RegExp(`Deployed ${STACK} \\(CREATE_COMPLETE\\) in \\d+\\.\\d+s`));
    expect(run.stdout).toBe(""); // results go to stdout only with --json
    expect(await stackStatus()).toBe("CREATE_COMPLETE");

    const ids = await physicalIds();
    // The stack's outputs follow the Deployed line, one "  Key  value" line each.
    const printed = run.stderr.slice(run.stderr.indexOf("Deployed ")).split("\n").slice(1, -1);
    expect(printed.map((line) => line.trim().split(/ {2,}/))).toEqual(Object.entries(expectedOutputs(ids)));
    const want = template.Resources.CodeBuild.Properties as {
      Environment: { Image: string; EnvironmentVariables: { Name: string; Type: string; Value: string }[] };
      Source: { Location: string };
    };
    const live = await project();
    expect(live?.name).toBe(PROJECT);
    expect(live?.environment?.image).toBe(want.Environment.Image);
    expect(live?.environment?.environmentVariables).toEqual(
      want.Environment.EnvironmentVariables.map((v) => ({ name: v.Name, type: v.Type, value: v.Value })),
    );
    expect(live?.source?.location).toBe(want.Source.Location);

    const role = (await iam.send(new GetRoleCommand({ RoleName: ids.IamRole }))).Role;
    expect(role?.Path).toBe("/cody/");
    expect(live?.serviceRole).toBe(role?.Arn);
    const wantRole = template.Resources.IamRole.Properties as { Policies: { PolicyDocument: { Statement: { Sid?: string }[] } }[] };
    const sids = wantRole.Policies[0].PolicyDocument.Statement.map((st) => st.Sid).filter((sid): sid is string => Boolean(sid));
    expect(sids.length).toBeGreaterThan(0);
    const livePolicy = await rolePolicy(ids.IamRole);
    for (const sid of sids) expect(livePolicy).toContain(sid);

    const wantRule = template.Resources.EventsRule.Properties as { ScheduleExpression: string };
    const rule = await events.send(new DescribeRuleCommand({ Name: ids.EventsRule }));
    expect(rule.ScheduleExpression).toBe(wantRule.ScheduleExpression);
    expect(rule.State).toBe("ENABLED");
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: ids.EventsRule }));
    expect(targets.Targets?.[0]?.Arn).toBe(live?.arn);
  });

  it("warns about an --env the project does not define, naming the ones it does (diff and delete)", async () => {
    const dir = demoProject();
    mkdirSync(join(dir, ".cody", "variables"));
    writeFileSync(join(dir, ".cody", "variables", "production.ts"), "export default { tier: 'prod' };\n");
    const warning =
      'warning env "prodution" (from --env) is not one this project defines (no .cody/variables/prodution.ts, no settings env of that name). Known envs: development (the default), production. Did you mean --env production?';
    const diff = await cody(["diff", "--env", "prodution"], { cwd: dir });
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stderr.split("\n")).toContain(warning);
    const del = await cody(["delete", "--env", "prodution"], { cwd: dir });
    expect(del.stderr.split("\n")).toContain(warning);
    // A known env is quiet.
    const known = await cody(["diff", "--env", "production"], { cwd: dir });
    expect(known.stderr).not.toContain("warning env");
  });

  it("diff of a stack that does not exist lists + lines and leaves no stack behind", async () => {
    const dir = demoProject();
    const run = await cody(["diff"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    expect(run.stderr).toContain(`New stack ${STACK} (${REGION}):`);
    for (const id of ["CodeBuild", "IamRole", "EventsRule", "EventsRuleRole"]) expect(run.stdout).toMatch(new RegExp(`^ {2}\\+ ${id} `, "m"));
    expect(await stackStatus()).toBeUndefined();
    const stacks = (await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [];
    expect(stacks.filter((s) => s.StackStatus !== "DELETE_COMPLETE")).toEqual([]);
    expect(pending(await changeSets())).toEqual([]);
  });

  it("deploys over a stack left in REVIEW_IN_PROGRESS, reusing it", async () => {
    const dir = demoProject();
    // What an interrupted first deploy leaves: a CREATE change set that was never executed.
    const review = await cfn.send(
      new CreateChangeSetCommand({
        StackName: STACK,
        ChangeSetName: "abandoned",
        ChangeSetType: "CREATE",
        TemplateBody: JSON.stringify(await synthJson(dir)),
        Capabilities: ["CAPABILITY_NAMED_IAM"],
      }),
    );
    await waitUntilChangeSetCreateComplete(
      { client: cfn, maxWaitTime: 30, minDelay: 1, maxDelay: 2 },
      { StackName: STACK, ChangeSetName: "abandoned" },
    );
    expect(await stackStatus()).toBe("REVIEW_IN_PROGRESS");

    const run = await deployOk(dir, SETUP);
    expect(run.stderr).toMatch(/^ {2}\+ CodeBuild +AWS::CodeBuild::Project$/m);
    expect(run.stderr).toMatch(new RegExp(`Deployed ${STACK} \\(CREATE_COMPLETE\\)`));
    const stacks = ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? []).filter((s) => s.StackStatus !== "DELETE_COMPLETE");
    expect(stacks).toEqual([expect.objectContaining({ StackName: STACK, StackId: review.StackId, StackStatus: "CREATE_COMPLETE" })]);
    expect(await project()).toBeDefined();
  });

  it("deleting a stack that does not exist is not an error", async () => {
    const dir = demoProject();
    const run = await cody(["delete"], { cwd: dir }); // no --yes needed: there is nothing to confirm
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Stack ${STACK} does not exist in ${REGION}: nothing to delete.`);
    expect(proxy.calls().DeleteStack).toBeUndefined();
  });

  it("--json prints one parsable result with stable keys on stdout", async () => {
    const dir = demoProject();
    const json = async (args: string[]): Promise<Record<string, unknown>> => {
      const run = await cody([...args, "--json"], { cwd: dir });
      expect(run.code, run.stderr).toBe(0);
      expectPlain(run);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    // Every --json result: command and type first, then the same keys whatever the type.
    const keys = (value: Record<string, unknown>) => Object.keys(value);
    const changeKeys = ["action", "logicalId", "resourceType", "replacement", "properties"];
    const DEPLOY_KEYS = ["command", "type", "stackName", "region", "status", "changes", "outputs", "elapsedMs", "warnings", "changeSetName"];
    const DIFF_KEYS = ["command", "type", "stackName", "region", "isNew", "recreate", "changes", "iam", "broadening", "missingReferences"];
    const diffChangeKeys = [...changeKeys, "values"];
    const DELETE_KEYS = ["command", "type", "stackName", "region", "leftBehind", "elapsedMs"];

    const diffNew = await json(["diff"]);
    expect(keys(diffNew)).toEqual(DIFF_KEYS);
    expect(diffNew).toMatchObject({ command: "diff", type: "changes", stackName: STACK, region: REGION, isNew: true, recreate: null });
    expect((diffNew.changes as Record<string, unknown>[]).map(keys)).toEqual(Array(4).fill(diffChangeKeys));

    const created = await json(["deploy"]); // preflight included: its warning stays on stderr
    expect(keys(created)).toEqual(DEPLOY_KEYS);
    expect(created).toMatchObject({ command: "deploy", type: "deployed", stackName: STACK, region: REGION, status: "CREATE_COMPLETE" });
    expect(typeof created.elapsedMs).toBe("number");
    const outputs = expectedOutputs(await physicalIds());
    expect(created.outputs).toEqual(outputs);
    expect((created.changes as Record<string, unknown>[]).map((c) => [c.action, c.logicalId])).toEqual([
      ["Add", "CodeBuild"],
      ["Add", "IamRole"],
      ["Add", "EventsRule"],
      ["Add", "EventsRuleRole"],
    ]);

    const noop = await json(["deploy", ...SETUP]);
    expect(noop).toEqual({ command: "deploy", type: "no-changes", stackName: STACK, region: REGION, status: "CREATE_COMPLETE", changes: [], outputs, elapsedMs: null, warnings: [], changeSetName: null });

    const diffSame = await json(["diff"]);
    expect(diffSame).toMatchObject({ command: "diff", type: "no-changes", stackName: STACK, region: REGION, isNew: false, recreate: null, changes: [], iam: [], broadening: false });

    editProject(dir);
    const updated = await json(["deploy", ...SETUP]);
    expect(keys(updated)).toEqual(DEPLOY_KEYS);
    expect(updated).toMatchObject({ type: "deployed", status: "UPDATE_COMPLETE", outputs });

    const deleted = await json(["delete", "--yes"]);
    expect(keys(deleted)).toEqual(DELETE_KEYS);
    expect(deleted).toMatchObject({ command: "delete", type: "deleted", stackName: STACK, region: REGION, leftBehind: [LEFT_BEHIND] });

    const missing = await json(["delete", "--yes"]);
    expect(missing).toEqual({ command: "delete", type: "missing", stackName: STACK, region: REGION, leftBehind: [], elapsedMs: null });
  });

  it("prints plain text without CI too, when stdout and stderr are pipes", async () => {
    const dir = demoProject();
    const run = await cody(["deploy"], { cwd: dir, env: { CI: undefined, TERM: "xterm-256color" } });
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    expect(run.stderr).toMatch(/^\d\d:\d\d:\d\d {2}CREATE_COMPLETE/m); // the CI-style line per event, not a live view
  });

  it("rejects bad input (an invalid cron) with exit 1 before any AWS request", async () => {
    const dir = demoProject();
    writeFileSync(join(dir, ".cody", "schedule.ts"), 'import { defineSchedule } from "codybuild";\n\nexport default defineSchedule({ cron: "0 25 * * ? *" });\n');
    for (const args of [["deploy"], ["diff"], ["deploy", "--json"]]) {
      const run = await cody(args, { cwd: dir });
      expect(run.code, args.join(" ")).toBe(1);
      expectPlain(run);
      expect(run.stderr).toMatch(/schedule\.ts:\d+ cron: hours/);
      expect(run.stdout).toBe("");
    }
    expect(proxy.calls()).toEqual({});
    expect(await stackStatus()).toBeUndefined();
  });
});

// One deployed stack, then each test in turn: a deploy that changes nothing, a refused delete, a diff
// and an interrupted deploy from an edited copy (all leave the stack as it was), a formatting-only
// update, a real update, and the delete. Each test asserts the state it starts from.
describe.skipIf(!endpoint)("cody deploy / diff / delete on one deployed stack, in turn (built CLI)", () => {
  withMoto(
    url,
    {
      start: async () => (proxy = await startProxy(url)),
      eachTest: () => {
        proxy.onRequest = undefined;
      },
    },
    { resetEach: false },
  );
  let dir: string;
  beforeAll(async () => {
    dir = demoProject();
    await deployOk(dir, SETUP);
  });

  it("a second deploy says there is nothing to change, in at most 3 calls and without a change set", async () => {
    const before = await changeSets();
    // The engine's own calls: preflight's (STS, IAM simulator) are covered by test/e2e/preflight.test.ts.
    const run = await deployOk(dir, SETUP);
    expect(run.stderr).toContain(`No changes: stack ${STACK} is up to date.`);
    expect(proxy.total(), JSON.stringify(proxy.calls())).toBeLessThanOrEqual(3);
    expect(proxy.calls().CreateChangeSet).toBeUndefined();
    expect(await changeSets()).toEqual(before);
    expect(pending(await changeSets())).toEqual([]);
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("delete without --yes and without a terminal refuses (exit 1) and keeps the stack", async () => {
    const run = await cody(["delete"], { cwd: dir });
    expect(run.code).toBe(1);
    expectPlain(run);
    expect(run.stderr).toContain(`error not deleting stack ${STACK} (${REGION}): there is no terminal to confirm it.`);
    expect(run.stderr).toContain("--yes");
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
    expect(await project()).toBeDefined();
  });

  it("diff shows the changed logical IDs with ~ and changes nothing", async () => {
    const image = (await project())?.environment?.image;
    const before = await changeSets();
    const edited = demoProject(); // another copy of the project: the same stack
    editProject(edited);

    const run = await cody(["diff"], { cwd: edited });
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    expect(run.stderr).toContain(`Changes to stack ${STACK} (${REGION}):`);
    expect(run.stdout).toMatch(/^ {2}~ CodeBuild +AWS::CodeBuild::Project$/m);
    expect(run.stdout).toMatch(/^ {2}~ IamRole +AWS::IAM::Role$/m);
    expect(run.stdout).toMatch(/^ {2}~ EventsRule +AWS::Events::Rule$/m);
    expect(run.stdout).not.toContain("EventsRuleRole"); // untouched resources are not listed
    expect(proxy.calls().ExecuteChangeSet).toBeUndefined();

    expect(await stackStatus()).toBe("CREATE_COMPLETE");
    expect((await project())?.environment?.image).toBe(image);
    expect(await changeSets()).toEqual(before); // its change set was deleted
  });

  it("Ctrl-C before the change set runs deletes it, exits 130 and leaves the stack as it was", async () => {
    const edited = demoProject(); // another copy of the project: the same stack
    editProject(edited);
    // moto answers at once, so hold DescribeChangeSet while the user "presses" Ctrl-C. Requests only
    // come once the CLI runs, so `running` is set by then.
    let pressed = false;
    proxy.onRequest = async (action) => {
      if (action !== "DescribeChangeSet" || pressed) return;
      pressed = true; // once: a second Ctrl-C would exit at once, skipping the cleanup
      running.child.kill("SIGINT");
      await new Promise((resolve) => setTimeout(resolve, 500));
    };
    const running = spawnCli(["deploy"], { cwd: edited, endpoint: proxy.endpoint });
    const run = await running.done;
    expect(run.code, run.stderr).toBe(130);
    expect(run.stderr).toMatch(/Interrupted: deleted change set cody-\d+; nothing was deployed\./);
    expect(run.stderr).toContain("cody deploy");
    expect(proxy.calls().ExecuteChangeSet).toBeUndefined();
    expect(pending(await changeSets())).toEqual([]);
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
    expect((await project())?.environment?.image).not.toBe(NEW_IMAGE);
  });

  it("deletes the empty change set when only the template's formatting differs", async () => {
    // Same template as JSON: GetTemplate no longer matches byte for byte, so cody makes a change set,
    // which CloudFormation reports FAILED "didn't contain changes".
    await cfn.send(new UpdateStackCommand({ StackName: STACK, TemplateBody: JSON.stringify(await synthJson(dir)), Capabilities: ["CAPABILITY_NAMED_IAM"] }));
    proxy.clear();
    const run = await deployOk(dir, SETUP);
    expect(run.stderr).toContain(`No changes: stack ${STACK} is up to date.`);
    expect(proxy.calls()).toMatchObject({ CreateChangeSet: 1, DeleteChangeSet: 1 });
    expect(proxy.calls().ExecuteChangeSet).toBeUndefined();
    expect(pending(await changeSets())).toEqual([]);
  });

  it("updates the stack: image, env var, schedule and role policy change", async () => {
    const ids = await physicalIds();
    editProject(dir);

    const run = await deployOk(dir);
    expect(run.stderr).toMatch(/^ {2}~ CodeBuild +AWS::CodeBuild::Project$/m);
    expect(run.stderr).toMatch(new RegExp(`Deployed ${STACK} \\(UPDATE_COMPLETE\\)`));
    expect(await stackStatus()).toBe("UPDATE_COMPLETE");

    const live = await project();
    expect(live?.environment?.image).toBe(NEW_IMAGE);
    expect(live?.environment?.environmentVariables).toContainEqual({ name: "LOG_LEVEL", type: "PLAINTEXT", value: "debug" });
    expect((await events.send(new DescribeRuleCommand({ Name: ids.EventsRule }))).ScheduleExpression).toBe("rate(12 hours)");
    // CloudFormation holds the new role policy and applies it to the same role, updated in place.
    const deployed = await cfn.send(new GetTemplateCommand({ StackName: STACK }));
    expect(deployed.TemplateBody).toContain("WriteArtifacts");
    expect((await physicalIds()).IamRole).toBe(ids.IamRole);
    const livePolicy = await rolePolicy(ids.IamRole);
    expect(livePolicy).toContain("WriteArtifacts");
    expect(livePolicy).toContain("arn:aws:s3:::acme-demo-artifacts/*");
    expect(livePolicy).toContain("ReadBuildCache"); // what was there stays
    expect(run.stderr).toMatch(new RegExp(`^ {2}ScheduleName +${ids.EventsRule}$`, "m")); // outputs after an update too

    const again = await deployOk(dir, SETUP);
    expect(again.stderr).toContain("No changes");
  });

  it("delete --yes removes the stack and its resources", async () => {
    const ids = await physicalIds();
    const run = await cody(["delete", "--yes"], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expectPlain(run);
    expect(run.stderr).toMatch(/DELETE_COMPLETE +AWS::CloudFormation::Stack +demo-cody/);
    expect(run.stderr).toMatch(new RegExp(`Deleted ${STACK} \\(${REGION}\\) in \\d+\\.\\d+s`));
    // CodeBuild made the log group, not the stack: delete names it, from the stack's ProjectName output.
    expect(run.stderr).toContain(`Left behind: ${LEFT_BEHIND}`);
    expect(await stackStatus()).toBeUndefined();
    expect(await project()).toBeUndefined();
    await expect(iam.send(new GetRoleCommand({ RoleName: ids.IamRole }))).rejects.toThrow(/not found|cannot be found|NoSuchEntity/i);
    await expect(events.send(new DescribeRuleCommand({ Name: ids.EventsRule }))).rejects.toThrow(/does not exist|ResourceNotFound/i);
  });
});
