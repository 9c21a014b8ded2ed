// The CLI side of preflight: what `cody deploy` does with each result (print + exit 3, warn and go
// on, --strict), and `cody preflight` checking every command. STS/IAM are mocked; the requirements
// module is replaced by a stand-in so these tests pin the wiring, not the policy contents.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ALL_COMMANDS, deployPreflight, preflightCommand } from "../../src/cli/commands/preflight";
import { CodyError, ExitCode } from "../../src/errors";
import type { Requirement } from "../../src/iam/requirements";
import type { SynthResult } from "../../src/synth/template";
import { recordingReporter } from "../_helpers/test-io";

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
    expect(lines).toEqual([]); // a passing preflight is silent
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
    expect(quiet.lines).toEqual([]);
    const debug = recordingReporter({ debug: true });
    await deployPreflight({ synth, region: "eu-west-1", reporter: debug.reporter });
    expect(debug.lines.join("\n")).toMatch(/note: session policies are not simulated/);
    expect(debug.lines.join("\n")).toMatch(/Preflight passed: arn:aws:iam::123456789012:role\/Deployer has the 2 permissions checked\./);
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

  it("could not run: a distinct warning, and the deploy goes on", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
    const { reporter, lines } = recordingReporter();
    const result = await deployPreflight({ synth, region: "eu-west-1", reporter });
    expect(result.type).toBe("could-not-run");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^warning Preflight could not run: iam:SimulatePrincipalPolicy is not available at this endpoint .* Deploying anyway \(--strict would stop here\)\.$/);
  });

  it("could not run with --strict: exit 3", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
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
    expect(json).toMatchObject({ command: "preflight", type: "ok", region: "eu-west-1", checked: 2, principal: { kind: "user" } });
    expect(lines).toContain("No .cody/ folder here: checking what any cody project needs.");
  });

  it("ok: says who passed how many checks", async () => {
    process.chdir(empty);
    simulator([]);
    const { reporter, lines, out } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1" }, reporter);
    expect(lines.at(-1)).toBe(`Preflight passed: arn:aws:iam::${ACCOUNT}:user/deployer has the 2 permissions checked.`);
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

  it("could not run: a warning and exit 0; with --strict exit 3", async () => {
    process.chdir(empty);
    iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
    const { reporter, lines } = recordingReporter();
    await preflightCommand(undefined, { region: "eu-west-1" }, reporter);
    expect(lines.at(-1)).toMatch(/^warning Preflight could not run: /);
    const error = await preflightCommand(undefined, { region: "eu-west-1", strict: true }, recordingReporter().reporter).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.permissions);
  });
});
