// IAM enforcement end to end: a user holding exactly `cody policy`'s policy can deploy, diff, run and
// delete the demo project; the same user without one action is stopped with a message naming it.
// moto has no policy simulator, but with auth switched on (INITIAL_NO_AUTH_ACTION_COUNT, then
// /moto-api/reset-auth) it checks every request against the caller's IAM policies. It runs on its
// worker's moto (files take turns on a worker's moto, and moto's default is auth off, "inf"): auth is
// switched off again after every test, so the next file finds moto as plain as ever.
//
// moto checks the action only: CloudFormation, CodeBuild and Logs requests reach its evaluator with
// resource "*", so a statement scoped to an ARN never matches there (measured: an Allow on
// stack/x/* denies DescribeStacks). The policy is therefore installed with every Resource widened to
// "*" — which tests exactly what this file is about: that `cody policy` lists every action the commands
// call. Resource scoping is covered offline by the requirement and `cody policy --check` tests, and
// end to end (with moto's auth off) by preflight.test.ts.
//
// Preflight here: moto has no simulator, so preflight reads the user's own policies (the local engine)
// when the user may make those reads, and otherwise says it could not run.
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_STACK as STACK, demoProject, motoClients, runCli, sharedMoto, stackStatus as statusOf, withMoto } from "../_helpers/e2e";

const ACCOUNT = "123456789012";
const { endpoint, url } = sharedMoto();

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

interface PolicyJson {
  Version: string;
  Statement: Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[]; Condition?: unknown }>;
}

const aws = motoClients(url);

/** The built CLI against the worker's moto, as `keys` when given (else moto's dummy user). */
function cody(args: string[], cwd: string, keys?: Keys, extraEnv: Record<string, string> = {}) {
  const asUser = keys ? { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey } : {};
  return runCli(args, { cwd, endpoint: url, env: { ...asUser, ...extraEnv }, killAfterMs: 60_000 });
}

/** moto's switch: "inf" = no checks; "0" = every request from now on is authenticated and authorized. */
async function auth(count: "inf" | "0"): Promise<void> {
  const res = await fetch(`${url}/moto-api/reset-auth`, { method: "POST", headers: { "content-type": "application/json" }, body: count });
  if (!res.ok) throw new Error(`reset-auth: HTTP ${res.status} ${await res.text()}`);
}

/** `cody policy` of the demo project, as a user would run it (no AWS call). */
async function codyPolicy(dir: string): Promise<PolicyJson> {
  const run = await cody(["policy", "--region", "us-east-1"], dir, undefined, { AWS_ACCOUNT_ID: ACCOUNT });
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as PolicyJson;
}

/** The policy as moto can evaluate it: same statements and actions, Resource "*" (see the header). */
function forMoto(policy: PolicyJson): PolicyJson {
  return { ...policy, Statement: policy.Statement.map((s) => ({ ...s, Resource: "*" })) };
}

/** The IAM reads preflight's local engine makes for a user with one inline policy and no groups. */
const USER_READS = ["iam:GetUser", "iam:ListUserPolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser"];

function actionsOf(policy: PolicyJson): string[] {
  return policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

/** The policy plus the local engine's reads, for the tests that need preflight to run whatever `cody policy` lists. */
function withReads(policy: PolicyJson): PolicyJson {
  return { ...policy, Statement: [...policy.Statement, { Sid: "PreflightReads", Effect: "Allow", Action: USER_READS, Resource: "*" }] };
}

function without(policy: PolicyJson, action: string): PolicyJson {
  const statements = policy.Statement.map((s) => ({ ...s, Action: (Array.isArray(s.Action) ? s.Action : [s.Action]).filter((a) => a !== action) }));
  return { ...policy, Statement: statements.filter((s) => s.Action.length > 0) };
}

/** Creates an IAM user holding `policy` and returns its keys (with auth off; the caller turns it on). */
async function userWith(name: string, policy: PolicyJson): Promise<Keys> {
  await aws.iam.send(new CreateUserCommand({ UserName: name }));
  await aws.iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "cody", PolicyDocument: JSON.stringify(policy) }));
  const key = (await aws.iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error("CreateAccessKey returned no key");
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

/** The stack's status, read with auth off (the test's own dummy keys are not real moto keys). */
async function stackStatus(): Promise<string | undefined> {
  await auth("inf");
  return statusOf(aws.cfn);
}

describe.skipIf(!endpoint)("IAM enforcement in moto: `cody policy` is enough, and one action less is named", () => {
  let dir: string;
  let policy: PolicyJson;

  // Auth starts off (moto's default): users are created first, then checks are switched on with reset-auth.
  // Switched off before withMoto's reset and after every test, whatever the test did.
  beforeEach(() => auth("inf"));
  withMoto(url);
  afterEach(() => auth("inf"));
  beforeAll(async () => {
    dir = demoProject();
    policy = await codyPolicy(dir);
  });

  it("moto really enforces: the dummy keys every other suite uses are rejected once auth is on", async () => {
    await auth("0");
    const run = await cody(["deploy", "--skip-preflight"], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/AWS rejected the credentials|InvalidClientTokenId/);
  });

  it("a user holding exactly `cody policy`'s actions can deploy, diff, start, see status and logs, and delete", async () => {
    const keys = await userWith("deployer", forMoto(policy));
    await auth("0");

    const deploy = await cody(["deploy"], dir, keys);
    expect(deploy.code, deploy.stderr).toBe(0);
    // moto has no simulator: preflight evaluates the user's policies itself when `cody policy` grants the
    // reads that takes, and otherwise says which read it may not make (the deploy goes on either way).
    if (USER_READS.every((a) => actionsOf(policy).includes(a))) {
      expect(deploy.stderr).toMatch(/^Preflight passed \(your IAM policies, evaluated locally; .*\): arn:aws:iam::123456789012:user\/deployer has the \d+ permissions checked\.$/m);
    } else {
      expect(deploy.stderr).toMatch(/^warning Preflight could not run: the AWS policy simulator is not usable \(the endpoint does not implement iam:SimulatePrincipalPolicy \(HTTP 500\)\), and your IAM policies could not be read \(the caller may not call iam:/m);
    }
    expect(deploy.stderr).toMatch(new RegExp(`Deployed ${STACK} \\(CREATE_COMPLETE\\)`));

    await auth("0");
    const diff = await cody(["diff"], dir, keys);
    expect(diff.code, diff.stderr).toBe(0);
    expect(diff.stderr).toContain(`No changes: stack ${STACK} (us-east-1) is up to date.`);

    await auth("0");
    const start = await cody(["start", "--no-wait"], dir, keys);
    expect(start.code, start.stderr).toBe(0);
    const status = await cody(["status"], dir, keys);
    expect(status.code, status.stderr).toBe(0);
    const logs = await cody(["logs"], dir, keys);
    expect(logs.code, logs.stderr).toBe(0);

    await auth("0");
    const del = await cody(["delete", "--yes"], dir, keys);
    expect(del.code, del.stderr).toBe(0);
    expect(await stackStatus()).toBeUndefined();
  });

  it("without cloudformation:CreateChangeSet: preflight stops the deploy (exit 3, a table naming it); without preflight moto's own check names it; nothing is created", async () => {
    const action = "cloudformation:CreateChangeSet";
    const partial = withReads(without(forMoto(policy), action));
    expect(JSON.stringify(partial)).not.toContain(action);
    const keys = await userWith("almost", partial);
    await auth("0");

    const run = await cody(["deploy"], dir, keys);
    expect(run.code, run.stderr).toBe(3);
    expect(run.stderr).toContain(`Preflight (your IAM policies, evaluated locally): arn:aws:iam::${ACCOUNT}:user/almost is missing 1 permission:`);
    expect(run.stderr).toMatch(/^ {2}cloudformation:CreateChangeSet +\S+ +not allowed$/m);
    expect(run.stderr).toMatch(/^error preflight: .* missing cloudformation:CreateChangeSet\.$/m);
    expect(await stackStatus()).toBeUndefined();

    // The same user past the preflight: moto's enforcement denies the call, and the message names it.
    await auth("0");
    const skipped = await cody(["deploy", "--skip-preflight"], dir, keys);
    expect(skipped.code, skipped.stderr).toBe(1);
    expect(skipped.stderr).toMatch(/^error access denied: your AWS identity may not call cloudformation:CreateChangeSet\.$/m);
    expect(skipped.stderr).toContain("`cody policy` prints the policy cody needs"); // the hint says where the full policy is
    expect(await stackStatus()).toBeUndefined();
  });

  it("without iam:SimulatePrincipalPolicy (a real AccessDenied) the local engine answers, and --strict passes", async () => {
    const keys = await userWith("nosim", withReads(without(forMoto(policy), "iam:SimulatePrincipalPolicy")));
    // --strict also stops on a name the template uses that does not exist: the demo's parameter exists here.
    await aws.ssm.send(new PutParameterCommand({ Name: "/demo/api-token", Value: "not-a-secret", Type: "SecureString" }));
    await auth("0");

    const strict = await cody(["deploy", "--strict", "--debug"], dir, keys);
    expect(strict.code, strict.stderr).toBe(0);
    expect(strict.stderr).toContain(`note: the AWS policy simulator is not usable (the caller may not call iam:SimulatePrincipalPolicy on arn:aws:iam::${ACCOUNT}:user/nosim)`);
    expect(strict.stderr).toMatch(/^Preflight passed \(your IAM policies, evaluated locally; .*\): arn:aws:iam::123456789012:user\/nosim has the \d+ permissions checked\.$/m);
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("without the simulator nor the reads, preflight could not run: it says which call was denied, deploys anyway, and --strict stops", async () => {
    const bare = without(forMoto(policy), "iam:SimulatePrincipalPolicy");
    // Statements left with no action (the user reads, now a statement of their own) are dropped: IAM refuses them.
    const noReads = bare.Statement.map((s) => ({ ...s, Action: [s.Action].flat().filter((a) => !USER_READS.includes(a)) })).filter((s) => s.Action.length > 0);
    const keys = await userWith("noreads", { ...bare, Statement: noReads });
    await auth("0");

    const strict = await cody(["deploy", "--strict"], dir, keys);
    expect(strict.code, strict.stderr).toBe(3);
    expect(strict.stderr).toContain(
      `Preflight could not run: the AWS policy simulator is not usable (the caller may not call iam:SimulatePrincipalPolicy on arn:aws:iam::${ACCOUNT}:user/noreads), ` +
        `and your IAM policies could not be read (the caller may not call iam:GetUser on arn:aws:iam::${ACCOUNT}:user/noreads.`,
    );
    expect(await stackStatus()).toBeUndefined();

    await auth("0");
    const run = await cody(["deploy"], dir, keys);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^warning Preflight could not run: .*Deploying anyway \(--strict would stop here\)\.$/m);
    expect(await stackStatus()).toBe("CREATE_COMPLETE");
  });

  it("the policy is valid JSON with no wildcard actions and contains what preflight itself uses", () => {
    const actions = policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    for (const a of actions) expect(a).not.toContain("*");
    expect(actions).toContain("iam:SimulatePrincipalPolicy");
  });
});
