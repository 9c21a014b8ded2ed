// `cody preflight` on its own checks what the deploy would: the StackSets calls when settings have
// stackSet (or --stack-set), and, with a CloudFormation service role (--role-arn or settings' roleArn),
// the resource calls against that role and only iam:PassRole and the stack calls against the caller.
// STS/IAM are mocked: the local engine reads a fake account (iam-fake.ts), the simulator records whose
// policies it was asked about. The requirement model is the real one.
import { IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { preflightCommand } from "../../src/cli/commands/preflight";
import { CodyError, ExitCode } from "../../src/errors";
import { minimalProject, removeProjects, writeProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";
import { fakeIam } from "./iam-fake";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const USER = `arn:aws:iam::${ACCOUNT}:user/deployer`;
const SERVICE_ROLE = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
const cwd = process.cwd();

const settings = (body: string) => ({ ".cody/settings.ts": `import { defineSettings } from "codybuild";\n\nexport default defineSettings({ ${body} });\n` });
const moto500 = () => Object.assign(new Error("@aws-sdk XML parse error: mismatched tags."), { $metadata: { httpStatusCode: 500 } });

/** No simulator: the local engine reads the user's policies: everything, except what `deny` names. */
function localAccount(deny: string[], denyOn = "*"): void {
  iam.on(SimulatePrincipalPolicyCommand).rejects(moto500());
  const Statement = [
    { Effect: "Allow" as const, Action: "*", Resource: "*" },
    ...(deny.length ? [{ Effect: "Deny" as const, Action: deny, Resource: denyOn }] : []),
  ];
  fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: { all: { Version: "2012-10-17", Statement } } } } });
}

/** The simulator allows everything and records, per question, whose policies it evaluated. */
function simulator(): Array<{ source: string; actions: string[]; resource: string }> {
  const asked: Array<{ source: string; actions: string[]; resource: string }> = [];
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
    asked.push({ source: input.PolicySourceArn ?? "", actions: input.ActionNames ?? [], resource: input.ResourceArns?.[0] ?? "" });
    return { EvaluationResults: (input.ActionNames ?? []).map((a) => ({ EvalActionName: a, EvalResourceName: input.ResourceArns?.[0], EvalDecision: "allowed" })) };
  });
  return asked;
}

async function preflightIn(files: Record<string, string>, options: { roleArn?: string; stackSet?: boolean } = {}) {
  process.chdir(writeProject({ ...minimalProject(), ...files }));
  const rec = recordingReporter();
  let error: unknown;
  try {
    await preflightCommand(undefined, { region: REGION, ...options }, rec.reporter);
  } catch (e) {
    error = e;
  }
  return { rec, error };
}

beforeEach(() => {
  sts.reset();
  iam.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: USER, Account: ACCOUNT });
});
afterEach(() => process.chdir(cwd));
afterAll(removeProjects);

describe("cody preflight: the stack set of the settings", () => {
  const STACK_SET = settings(`stackSet: { regions: ["us-east-1", "eu-west-1"], accounts: ["${ACCOUNT}"] }`);

  it("with settings' stackSet, a caller without the StackSets calls is denied (exit 3); without it, it passes", async () => {
    localAccount(["cloudformation:CreateStackSet"]);
    const denied = await preflightIn(STACK_SET);
    expect(denied.error).toBeInstanceOf(CodyError);
    expect((denied.error as CodyError).exitCode).toBe(ExitCode.permissions);
    expect((denied.error as CodyError).message).toMatch(/may not run every cody command on stack demo-cody: missing cloudformation:CreateStackSet\.$/);
    // The roles the check cannot see are said, with the caller's account.
    expect(denied.rec.lines).toContain(
      `note: The administration role arn:aws:iam::${ACCOUNT}:role/AWSCloudFormationStackSetAdministrationRole must exist in this account, trusted by cloudformation.amazonaws.com, and allowed sts:AssumeRole on the execution role below.`,
    );

    iam.reset();
    localAccount(["cloudformation:CreateStackSet"]);
    const plain = await preflightIn({});
    expect(plain.error).toBeUndefined();
    expect(plain.rec.lines.join("\n")).not.toMatch(/StackSet/);
  });

  it("--stack-set checks them without settings' stackSet (AWS's default administration role)", async () => {
    const admin = `arn:aws:iam::${ACCOUNT}:role/AWSCloudFormationStackSetAdministrationRole`;
    localAccount(["iam:PassRole"], admin);
    const { error } = await preflightIn({}, { stackSet: true });
    expect((error as CodyError).message).toMatch(/missing iam:PassRole\.$/);
    iam.reset();
    localAccount(["iam:PassRole"], admin);
    expect((await preflightIn({})).error).toBeUndefined();
  });
});

describe("cody preflight: a CloudFormation service role", () => {
  it("--role-arn: resource calls asked of the service role; the stack calls and iam:PassRole of the caller", async () => {
    const asked = simulator();
    const { error } = await preflightIn({}, { roleArn: SERVICE_ROLE });
    expect(error).toBeUndefined();
    const of = (source: string) => asked.filter((a) => a.source === source);
    expect(of(SERVICE_ROLE).flatMap((a) => a.actions)).toContain("codebuild:CreateProject");
    expect(of(USER).flatMap((a) => a.actions)).not.toContain("codebuild:CreateProject");
    expect(of(USER).some((a) => a.actions.includes("iam:PassRole") && a.resource === SERVICE_ROLE)).toBe(true);
    expect(of(USER).flatMap((a) => a.actions)).toContain("cloudformation:CreateChangeSet");
  });

  it("settings' roleArn does the same; without one, everything is asked of the caller", async () => {
    const asked = simulator();
    await preflightIn(settings(`roleArn: "${SERVICE_ROLE}"`));
    expect(asked.some((a) => a.source === SERVICE_ROLE)).toBe(true);
    asked.length = 0;
    await preflightIn({});
    expect(new Set(asked.map((a) => a.source))).toEqual(new Set([USER]));
  });

  it("a malformed --role-arn is bad input, refused before any AWS call", async () => {
    const { error } = await preflightIn({}, { roleArn: "cfn-deployer" });
    expect((error as CodyError).message).toMatch(/"cfn-deployer" is not an IAM role ARN/);
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(0);
  });
});
