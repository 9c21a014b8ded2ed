// Preflight end to end: the BUILT binary in a copy of examples/demo against moto. moto has no policy
// simulator (SimulatePrincipalPolicy answers an HTML 500) but answers IAM's read calls, so preflight
// evaluates the caller's own IAM policies locally:
//  - as an IAM user created in moto holding exactly the printed (resource-scoped) `cody policy`, it passes;
//  - as one without cloudformation:CreateChangeSet, `cody preflight` and `cody deploy` stop with exit 3
//    and a table naming that action, and nothing is written to CloudFormation;
//  - as moto's dummy caller (no IAM user behind it), it could not run: a clean one-line warning, the
//    deploy goes on, and --strict stops it before any CloudFormation write.
// The user scenarios run against the run's moto (our launcher) AND a plain `moto.server` this file
// starts: the launcher touches neither STS, IAM reads nor the simulator, and this shows it.
// moto's auth stays off (it would check actions only, against resource "*": see iam-enforcement.test.ts);
// moto still tells who is calling from the access key, which is all preflight needs.
// Requests go through a recording proxy on 127.0.0.1 so the order of calls can be checked.
import { spawn, type ChildProcess } from "node:child_process";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { ListChangeSetsCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { resetMoto } from "../support/moto";
import { freePort } from "../../scripts/moto.mjs";
import { DEMO_STACK as STACK, demoProject, motoClients, removeTempDirs, requireBuiltCli, runCli, sharedMoto, stackStatus as statusOf } from "../_helpers/e2e";
import { startProxy, type RecordingProxy } from "../_helpers/recording-proxy";

const { endpoint, url } = sharedMoto();
const ACCOUNT = "123456789012";
/** Calls that change something in CloudFormation: none may happen before preflight has had its say. */
const CFN_WRITES = ["CreateChangeSet", "ExecuteChangeSet", "CreateStack", "UpdateStack", "DeleteStack"];
/** The IAM reads of the local engine for an IAM user (no groups, no attached policies here). */
const USER_READS = ["GetUser", "ListUserPolicies", "GetUserPolicy", "ListAttachedUserPolicies", "ListGroupsForUser"];

let recorder: RecordingProxy;
// Each command spawns the CLI a few times against moto: room for that on a loaded machine.
vi.setConfig({ testTimeout: 90_000 });

/** The built CLI in `cwd`, its AWS requests through the recorder. */
const cody = (args: string[], cwd: string, env: Record<string, string> = {}) => runCli(args, { cwd, endpoint: recorder.endpoint, env, killAfterMs: 50_000 });

const { cfn } = motoClients(url);
const stackStatus = () => statusOf(cfn);

const COULD_NOT_RUN =
  /Preflight could not run: the AWS policy simulator is not usable \(the endpoint does not implement iam:SimulatePrincipalPolicy \(HTTP 500\)\), and your IAM policies could not be read \(iam:GetUser: The user with name moto cannot be found\)\./;

describe.skipIf(!endpoint)("preflight as moto's dummy caller: neither engine can run (built CLI)", () => {
  beforeAll(async () => {
    requireBuiltCli();
    recorder = await startProxy(url);
  });
  afterAll(async () => {
    await recorder?.close();
    removeTempDirs();
  });
  beforeEach(async () => {
    await resetMoto(url);
    recorder.clear();
  });

  it("deploy: says preflight could not run, distinctly, before any CloudFormation write, and deploys", async () => {
    const dir = demoProject();
    const run = await cody(["deploy"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(COULD_NOT_RUN);
    expect(run.stderr).toMatch(/^warning Preflight could not run: .*Deploying anyway \(--strict would stop here\)\.$/m);
    // One clean line: no SDK parser text.
    expect(run.stderr).not.toMatch(/XML|parse error|<html>|Deserialization/);
    // Said once, before the change set (the preflight runs once the deploy knows it will change something).
    expect(run.stderr.match(/Preflight could not run/g)).toHaveLength(1);
    expect(run.stderr.indexOf("Preflight could not run")).toBeLessThan(run.stderr.indexOf(`Change set for ${STACK}`));
    // STS, then the simulator, then the local engine's first read, then CloudFormation writes.
    const { actions } = recorder;
    const firstWrite = actions.findIndex((a) => CFN_WRITES.includes(a));
    expect(actions.indexOf("GetCallerIdentity")).toBeGreaterThanOrEqual(0);
    expect(actions.indexOf("SimulatePrincipalPolicy")).toBeGreaterThan(actions.indexOf("GetCallerIdentity"));
    expect(actions.indexOf("GetUser")).toBeGreaterThan(actions.lastIndexOf("SimulatePrincipalPolicy"));
    expect(firstWrite).toBeGreaterThan(actions.lastIndexOf("GetUser"));
    // moto's caller is an IAM user: no GetRole.
    expect(actions).not.toContain("GetRole");
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("a no-op deploy skips the preflight: nothing changes, so nothing needs checking", async () => {
    const dir = demoProject();
    expect((await cody(["deploy"], dir)).code).toBe(0);
    recorder.clear();
    const run = await cody(["deploy"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("No changes");
    expect(recorder.actions).not.toContain("SimulatePrincipalPolicy");
    expect(recorder.actions).not.toContain("GetCallerIdentity");
  });

  it("deploy --strict: exit 3 and nothing written to CloudFormation", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--strict"], dir);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toMatch(COULD_NOT_RUN);
    expect(run.stderr).toContain("--strict stops the deploy");
    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);
    expect(await stackStatus()).toBeUndefined();
  });

  it("deploy --skip-preflight: no identity or simulator call, no preflight message", async () => {
    const dir = demoProject();
    const run = await cody(["deploy", "--skip-preflight"], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/preflight/i);
    expect(recorder.actions).not.toContain("GetCallerIdentity");
    expect(recorder.actions).not.toContain("SimulatePrincipalPolicy");
    expect(recorder.actions).not.toContain("GetUser");
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("cody preflight: a warning and exit 0; --strict exit 3; --json the result on stdout; no CloudFormation write", async () => {
    const dir = demoProject();
    const plain = await cody(["preflight"], dir);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(COULD_NOT_RUN);
    expect(plain.stdout).toBe("");

    const strict = await cody(["preflight", "--strict"], dir);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stderr).toMatch(COULD_NOT_RUN);

    const json = await cody(["preflight", "--json"], dir);
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { command: string; type: string; reason: string; principal: { kind: string; arn: string } };
    expect(result).toMatchObject({ command: "preflight", type: "could-not-run", principal: { kind: "user", arn: "arn:aws:iam::123456789012:user/moto" } });
    expect(result.reason).toMatch(/does not implement iam:SimulatePrincipalPolicy \(HTTP 500\)/);

    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);
    expect(await stackStatus()).toBeUndefined();
  });
});

// ---------------------------------------------------------------- IAM users in moto: the local engine

interface PolicyJson {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }>;
}

/** A plain moto server (no launcher) on a free loopback port, for as long as this file runs. */
async function startPlainMoto(): Promise<{ endpoint: string; stop: () => void }> {
  const python = inject("motoPython"); // the global setup's, found once for the run
  if (!python) throw new Error("no python with moto");
  const port = await freePort();
  const child: ChildProcess = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore" });
  const plain = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await fetch(`${plain}/moto-api/`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill("SIGKILL");
      throw new Error(`plain moto did not start on ${plain}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  // The launcher answers this; plain moto must not (proves which server the scenarios ran against).
  const launcher = await fetch(`${plain}/moto-api/codebuild/launcher`).then((r) => r.ok, () => false);
  if (launcher) throw new Error("expected plain moto, found the launcher");
  return { endpoint: plain, stop: () => child.kill("SIGTERM") };
}

const servers: Array<{ name: string; start: () => Promise<{ endpoint: string; stop: () => void }> }> = [
  { name: "the run's moto (our launcher)", start: async () => ({ endpoint: url, stop: () => undefined }) },
  { name: "plain moto (no launcher)", start: startPlainMoto },
];

describe.skipIf(!endpoint).each(servers)("preflight as an IAM user in moto, against $name: the local engine", ({ start }) => {
  let server: { endpoint: string; stop: () => void };
  let aws: ReturnType<typeof motoClients>;
  let policy: PolicyJson;
  let dir: string;

  beforeAll(async () => {
    requireBuiltCli();
    server = await start();
    recorder = await startProxy(server.endpoint);
    aws = motoClients(server.endpoint);
    dir = demoProject();
    // `cody policy` for the project, as printed (resource-scoped to this account and region); no AWS call.
    const printed = await cody(["policy", "--region", "us-east-1"], dir, { AWS_ACCOUNT_ID: ACCOUNT });
    expect(printed.code, printed.stderr).toBe(0);
    policy = JSON.parse(printed.stdout) as PolicyJson;
    expect(JSON.stringify(policy)).toContain(`stack/${STACK}/*`);
  });
  afterAll(async () => {
    await recorder?.close();
    server?.stop();
    removeTempDirs();
  });
  beforeEach(async () => {
    await resetMoto(server.endpoint);
    recorder.clear();
  });

  /** An IAM user holding `document` as its only (inline) policy; its keys as environment variables. */
  async function userWith(name: string, document: PolicyJson): Promise<Record<string, string>> {
    await aws.iam.send(new CreateUserCommand({ UserName: name }));
    if (document.Statement.length > 0) await aws.iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "cody", PolicyDocument: JSON.stringify(document) }));
    const key = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
    if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error("CreateAccessKey returned no key");
    return { AWS_ACCESS_KEY_ID: key.AccessKeyId, AWS_SECRET_ACCESS_KEY: key.SecretAccessKey };
  }

  function without(document: PolicyJson, action: string): PolicyJson {
    const statements = document.Statement.map((st) => ({ ...st, Action: [st.Action].flat().filter((a) => a !== action) }));
    return { ...document, Statement: statements.filter((st) => st.Action.length > 0) };
  }

  async function changeSets(): Promise<number> {
    const cfnHere = motoClients(server.endpoint).cfn;
    try {
      return (await cfnHere.send(new ListChangeSetsCommand({ StackName: STACK }))).Summaries?.length ?? 0;
    } catch (error) {
      if (/does not exist/.test(String(error))) return 0;
      throw error;
    }
  }

  it("holding exactly the printed `cody policy`: `cody preflight` passes, evaluated locally, and says what it cannot see", async () => {
    const keys = await userWith("deployer", policy);
    const run = await cody(["preflight"], dir, keys);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(`Preflight passed \\(your IAM policies, evaluated locally; SCPs, resource and session policies not seen\\): arn:aws:iam::${ACCOUNT}:user/deployer has the \\d+ permissions checked\\.`),
    );
    expect(run.stderr).toContain("note: the AWS policy simulator is not usable (the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500))");
    expect(run.stderr).toContain("service control policies, resource policies and session policies");
    expect(run.stderr).not.toMatch(/XML|parse error|<html>/);
    // The simulator was tried once, then the user's own policies were read.
    for (const read of USER_READS) expect(recorder.actions).toContain(read);
    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);

    const json = await cody(["preflight", "--json"], dir, keys);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ command: "preflight", type: "ok", engine: "local", principal: { kind: "user", arn: `arn:aws:iam::${ACCOUNT}:user/deployer` } });
  });

  it("the same policy as a managed policy attached to the user's group: it passes too (groups, managed policies)", async () => {
    const keys = await userWith("member", { Version: "2012-10-17", Statement: [] });
    const created = await aws.iam.send(new CreatePolicyCommand({ PolicyName: "cody-demo", PolicyDocument: JSON.stringify(policy) }));
    await aws.iam.send(new CreateGroupCommand({ GroupName: "deployers" }));
    await aws.iam.send(new AttachGroupPolicyCommand({ GroupName: "deployers", PolicyArn: created.Policy?.Arn }));
    await aws.iam.send(new AddUserToGroupCommand({ GroupName: "deployers", UserName: "member" }));
    const run = await cody(["preflight"], dir, keys);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(new RegExp(`Preflight passed \\(your IAM policies, evaluated locally; .*\\): arn:aws:iam::${ACCOUNT}:user/member has the \\d+ permissions checked\\.`));
    for (const read of ["ListGroupsForUser", "ListGroupPolicies", "ListAttachedGroupPolicies", "GetPolicy", "GetPolicyVersion"]) expect(recorder.actions).toContain(read);
  });

  it("without cloudformation:CreateChangeSet: `cody preflight` and `cody deploy` stop with exit 3 and a table naming it; no stack, no change set", async () => {
    const action = "cloudformation:CreateChangeSet";
    const partial = without(policy, action);
    expect(JSON.stringify(partial)).not.toContain(action);
    const keys = await userWith("almost", partial);
    const row = new RegExp(`^ {2}cloudformation:CreateChangeSet +arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/${STACK}/\\* +not allowed`, "m");

    const preflight = await cody(["preflight"], dir, keys);
    expect(preflight.code, preflight.stderr).toBe(3);
    expect(preflight.stderr).toContain(`Preflight (your IAM policies, evaluated locally): arn:aws:iam::${ACCOUNT}:user/almost is missing 1 permission:`);
    expect(preflight.stderr).toMatch(/^ {2}ACTION +RESOURCE +DECISION +NEEDED BY$/m);
    expect(preflight.stderr).toMatch(row);
    expect(preflight.stderr).toMatch(/^error preflight: .* missing cloudformation:CreateChangeSet\.$/m);

    recorder.clear();
    const deploy = await cody(["deploy"], dir, keys);
    expect(deploy.code, deploy.stderr).toBe(3);
    expect(deploy.stderr).toMatch(/^ {2}ACTION +RESOURCE +DECISION$/m);
    expect(deploy.stderr).toMatch(row);
    expect(deploy.stderr).toMatch(new RegExp(`^error preflight: arn:aws:iam::${ACCOUNT}:user/almost may not deploy stack ${STACK}: missing cloudformation:CreateChangeSet\\.$`, "m"));
    // Nothing written: no request, no stack, no change set.
    expect(recorder.actions).toContain("ListUserPolicies");
    expect(recorder.actions.filter((a) => CFN_WRITES.includes(a))).toEqual([]);
    expect(await statusOf(aws.cfn)).toBeUndefined();
    expect(await changeSets()).toBe(0);
  });
});
