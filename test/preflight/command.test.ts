// The CLI side of preflight: what `cody deploy` does with each result (print + exit 3, warn and go
// on, --strict), and `cody preflight` checking every command. STS/IAM are mocked; the requirements
// module is replaced by a stand-in so these tests pin the wiring, not the policy contents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ALL_COMMANDS, deployPreflight, preflightCommand } from "../../src/cli/commands/preflight";
import { CodyError, ExitCode } from "../../src/errors";
import type { Requirement } from "../../src/iam/requirements";
import type { SynthResult } from "../../src/synth/template";
import { preflightSchema } from "../_helpers/json-schemas";
import { recordingReporter } from "../_helpers/test-io";
import { fakeIam } from "./iam-fake";

const calls = vi.hoisted(() => [] as unknown[]);
vi.mock("../../src/iam/requirements", () => ({
  requirementsFor: (input: { account?: string; region?: string; partition?: string }): Requirement[] => {
    calls.push(input);
    return [
      {
        sid: "Stack",
        actions: ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
        resources: [`arn:${input.partition}:cloudformation:${input.region}:${input.account}:stack/demo-cody/*`],
        why: "change sets",
        commands: ["deploy"],
      },
    ];
  },
}));

const ACCOUNT = "123456789012";
const STACK = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stack/demo-cody/*`;
const synth: SynthResult = {
  template: { AWSTemplateFormatVersion: "2010-09-09", Description: "demo", Resources: {}, Outputs: {} },
  stackTags: {},
  stackName: "demo-cody",
};

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);

function simulator(denied: string[]): void {
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
    EvaluationResults: (input.ActionNames ?? []).map((a) => ({ EvalActionName: a, EvalResourceName: input.ResourceArns?.[0], EvalDecision: denied.includes(a) ? "implicitDeny" : "allowed" })),
  }));
}

const moto500 = () => Object.assign(new Error("@aws-sdk XML parse error: mismatched tags <html> and </title>."), { $metadata: { httpStatusCode: 500 } });

/** No simulator (moto), and a user whose policies can be read: the local engine answers. */
function localAccount(actions: string[]): void {
  iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
  const Statement = [{ Effect: "Allow" as const, Action: actions, Resource: STACK }];
  fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: { cody: { Version: "2012-10-17", Statement } } } } });
}

/** Neither engine: no simulator, and the caller is not a user IAM knows (moto's dummy keys). */
function neitherEngine(): void {
  iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
  fakeIam(iam, { account: ACCOUNT });
}

const throttled = () => new STSServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" });

beforeEach(() => {
  sts.reset();
  iam.reset();
  calls.length = 0;
  sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, Account: ACCOUNT });
});

describe("deployPreflight (cody deploy)", () => {
  it("asks for the deploy requirements of this synth in the caller's account and the deploy region", async () => {
    simulator([]);
    const { reporter, lines } = recordingReporter();
    const result = await deployPreflight({ synth, region: "eu-west-1", reporter });
    expect(result.type).toBe("ok");
    expect(calls).toEqual([{ synth, commands: ["deploy"], region: "eu-west-1", account: ACCOUNT, partition: "aws" }]);
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0].args[0].input.ResourceArns).toEqual([STACK]);
    // One line, naming the engine.
    expect(lines).toEqual([`Preflight passed (AWS policy simulator): arn:aws:iam::${ACCOUNT}:user/deployer has the 2 permissions checked.`]);
  });

  it("root: a warning not to deploy as root, and the deploy goes on", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCOUNT}:root`, Account: ACCOUNT });
    const { reporter, lines } = recordingReporter();
    expect((await deployPreflight({ synth, region: "eu-west-1", reporter })).type).toBe("ok");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning preflight: you are using the account's root user/);
    expect(iam.calls()).toHaveLength(0);
  });

  it("an assumed role: the session-policy note stays out of the deploy output (debug only)", async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/s`, Account: ACCOUNT });
    iam.on(GetRoleCommand).resolves({ Role: { Arn: `arn:aws:iam::${ACCOUNT}:role/Deployer`, RoleName: "Deployer", Path: "/", RoleId: "AROA1", CreateDate: new Date() } });
    simulator([]);
    const quiet = recordingReporter();
    await deployPreflight({ synth, region: "eu-west-1", reporter: quiet.reporter });
    expect(quiet.lines).toEqual([`Preflight passed (AWS policy simulator): arn:aws:iam::${ACCOUNT}:role/Deployer has the 2 permissions checked.`]);
    const debug = recordingReporter({ debug: true });
    await deployPreflight({ synth, region: "eu-west-1", reporter: debug.reporter });
    expect(debug.lines.join("\n")).toMatch(/note: session policies are not checked/);
  });

  it("no simulator: the local engine passes it in one line that names the engine and what it cannot see", async () => {
    localAccount(["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]);
    const { reporter, lines } = recordingReporter();
    expect((await deployPreflight({ synth, region: "eu-west-1", reporter })).type).toBe("ok");
    expect(lines).toEqual([
      `Preflight passed (your IAM policies, evaluated locally; SCPs, resource and session policies not seen): arn:aws:iam::${ACCOUNT}:user/deployer has the 2 permissions checked.`,
    ]);
  });

  it("no simulator and an action missing from the user's policies: the local engine's table, exit 3", async () => {
    localAccount(["cloudformation:ExecuteChangeSet"]);
    const { reporter, lines } = recordingReporter();
    const error = await deployPreflight({ synth, region: "eu-west-1", reporter }).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect((error as CodyError).message).toMatch(/missing cloudformation:CreateChangeSet\.$/);
    expect(lines[0]).toBe(`Preflight (your IAM policies, evaluated locally): arn:aws:iam::${ACCOUNT}:user/deployer is missing 1 permission:`);
    expect(lines.join("\n")).toMatch(/cloudformation:CreateChangeSet +arn:aws:cloudformation:eu-west-1:123456789012:stack\/demo-cody\/\* +not allowed/);
  });

  it("STS throttled after its retries: could not run, and the deploy goes on; with --strict it stops (exit 3)", async () => {
    sts.on(GetCallerIdentityCommand).rejects(throttled());
    const { reporter, lines } = recordingReporter();
    expect((await deployPreflight({ synth, region: "eu-west-1", reporter })).type).toBe("could-not-run");
    expect(lines).toEqual([
      "warning Preflight could not run: cody could not tell who is calling: AWS throttled sts:GetCallerIdentity, also when retried. Deploying anyway (--strict would stop here).",
    ]);
    const error = await deployPreflight({ synth, region: "eu-west-1", reporter: recordingReporter().reporter, strict: true }).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect((error as CodyError).message).toBe("Preflight could not run: cody could not tell who is calling: AWS throttled sts:GetCallerIdentity, also when retried.");
  });

  it("missing permissions: prints the table and the statement, then fails with exit 3 naming the action", async () => {
    simulator(["cloudformation:ExecuteChangeSet"]);
    const { reporter, lines } = recordingReporter();
    const error = await deployPreflight({ synth, region: "eu-west-1", reporter }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodyError);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect((error as CodyError).message).toBe(`preflight: arn:aws:iam::${ACCOUNT}:user/deployer may not deploy stack demo-cody: missing cloudformation:ExecuteChangeSet.`);
    const text = lines.join("\n");
    expect(text).toMatch(/ACTION +RESOURCE +DECISION/);
    expect(text).toMatch(/cloudformation:ExecuteChangeSet +arn:aws:cloudformation:eu-west-1:123456789012:stack\/demo-cody\/\* +not allowed/);
    expect(text).toContain('"Action": [\n        "cloudformation:ExecuteChangeSet"\n      ]');
  });

  it("could not run: a distinct warning, one line without SDK parser text, and the deploy goes on", async () => {
    neitherEngine();
    const { reporter, lines } = recordingReporter();
    const result = await deployPreflight({ synth, region: "eu-west-1", reporter });
    expect(result.type).toBe("could-not-run");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning Preflight could not run: the AWS policy simulator is not usable \(the endpoint does not implement iam:SimulatePrincipalPolicy \(HTTP 500\)\), and your IAM policies could not be read .* Deploying anyway \(--strict would stop here\)\.$/);
    expect(lines[0]).not.toMatch(/XML|parse|<html>/);
  });

  it("could not run with --strict: exit 3", async () => {
    neitherEngine();
    const { reporter } = recordingReporter();
    const error = await deployPreflight({ synth, region: "eu-west-1", reporter, strict: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodyError);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect((error as CodyError).message).toMatch(/^Preflight could not run: /);
  });
});

describe("preflightCommand (cody preflight)", () => {
  const cwd = process.cwd();
  const empty = mkdtempSync(join(tmpdir(), "cody-preflight-"));
  afterAll(() => {
    process.chdir(cwd);
    rmSync(empty, { recursive: true, force: true });
  });

  it("outside a project: checks every command's generic requirements and prints JSON with --json", async () => {
    process.chdir(empty);
    simulator([]);
    const { reporter, out, lines } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1", json: true }, reporter);
    expect(calls).toEqual([{ synth: undefined, commands: ALL_COMMANDS, region: "eu-west-1", account: ACCOUNT, partition: "aws" }]);
    expect(ALL_COMMANDS).toEqual(["deploy", "diff", "delete", "start", "status", "logs", "stop", "list", "badge"]);
    const json = JSON.parse(out.join("")) as Record<string, unknown>;
    expect(json).toMatchObject({ command: "preflight", type: "ok", engine: "simulator", region: "eu-west-1", checked: 2, principal: { kind: "user" } });
    expect(lines).toContain("No .cody/ folder here: checking what any cody project needs.");
  });

  it("--json names the service role and the stack set the check covered, and passes the strict schema", async () => {
    process.chdir(empty);
    simulator([]);
    const role = `arn:aws:iam::${ACCOUNT}:role/cody-cloudformation`;
    const { reporter, out } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1", json: true, roleArn: role, stackSet: true }, reporter);
    const json = JSON.parse(out.join("")) as Record<string, unknown>;
    expect(json).toMatchObject({ command: "preflight", type: "ok", serviceRoleArn: role, stackSet: { name: "*-cody", permissionModel: "SELF_MANAGED" } });
    expect(Object.keys(json).slice(0, 5)).toEqual(["command", "type", "region", "commands", "serviceRoleArn"]);
    expect(preflightSchema.safeParse(json).success).toBe(true);
    const plain = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1", json: true }, plain.reporter);
    const without = JSON.parse(plain.out.join("")) as Record<string, unknown>;
    expect(without).not.toHaveProperty("serviceRoleArn");
    expect(without).not.toHaveProperty("stackSet");
  });

  it("ok: says who passed how many checks", async () => {
    process.chdir(empty);
    simulator([]);
    const { reporter, lines, out } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1" }, reporter);
    expect(lines.at(-1)).toBe(`Preflight passed (AWS policy simulator): arn:aws:iam::${ACCOUNT}:user/deployer has the 2 permissions checked.`);
    expect(out).toEqual([]);
  });

  it("denied: the table has the NEEDED BY column and the command exits 3", async () => {
    process.chdir(empty);
    simulator(["cloudformation:CreateChangeSet"]);
    const { reporter, lines } = recordingReporter();
    const error = await preflightCommand(undefined, { region: "eu-west-1" }, reporter).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect(lines.join("\n")).toMatch(/ACTION +RESOURCE +DECISION +NEEDED BY/);
  });

  it("local engine: the summary names it, then why the simulator was not used and what local evaluation cannot see; --json carries the engine", async () => {
    process.chdir(empty);
    localAccount(["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]);
    const { reporter, lines } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1" }, reporter);
    const at = lines.findIndex((l) => l.startsWith("Preflight passed (your IAM policies, evaluated locally"));
    expect(at).toBeGreaterThanOrEqual(0);
    expect(lines.slice(at + 1)).toEqual([
      "note: the AWS policy simulator is not usable (the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)), so cody read your IAM policies and evaluated them itself.",
      "note: evaluated locally, without what only AWS sees: service control policies, resource policies and session policies, which can only narrow what your policies allow.",
    ]);
    const json = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1", json: true }, json.reporter);
    expect(JSON.parse(json.out.join(""))).toMatchObject({
      command: "preflight",
      type: "ok",
      engine: "local",
      simulatorUnavailable: "the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)",
    });
  });

  it("could not run: a warning and exit 0; with --strict exit 3", async () => {
    process.chdir(empty);
    neitherEngine();
    const { reporter, lines } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1" }, reporter);
    expect(lines.at(-1)).toMatch(/^warning Preflight could not run: /);
    const error = await preflightCommand(undefined, { region: "eu-west-1", strict: true }, recordingReporter().reporter).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
  });
});
