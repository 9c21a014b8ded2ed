// --role-arn (a CloudFormation service role): checked before any AWS call, and passed as RoleARN to
// every CreateChangeSet (deploy, diff) and DeleteStack (delete, deploy's recreate of a failed create).
import { CreateChangeSetCommand, DeleteStackCommand, DescribeChangeSetCommand, DescribeStackResourcesCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { roleArnProblem, serviceRoleArn } from "../../src/config/role-arn";
import { deleteStack } from "../../src/deploy/delete-stack";
import { deployStack } from "../../src/deploy/deploy-stack";
import { diffStack } from "../../src/deploy/diff-stack";
import { ConfigError } from "../../src/errors";
import { event, freshEngine, OUTPUTS, playStack, readyChangeSet, restoreCfn, STACK, STACK_ID, T0, TAGS, TEMPLATE, type CfnMock } from "../_helpers/mock-cfn";
import { type FakeSleep, type TestIo } from "../_helpers/test-io";

afterEach(restoreCfn);

const ROLE = "arn:aws:iam::123456789012:role/cody-cloudformation";

let cfn: CfnApi;
let mock: CfnMock;
let io: TestIo;
let sleep: FakeSleep;

beforeEach(async () => {
  ({ cfn, mock, io, sleep } = await freshEngine({ answers: [true] }));
});

describe("serviceRoleArn", () => {
  it("accepts role ARNs of any partition, with a path", () => {
    expect(roleArnProblem(ROLE)).toBeUndefined();
    expect(roleArnProblem("arn:aws-cn:iam::123456789012:role/ci/cody-cfn")).toBeUndefined();
    expect(roleArnProblem("arn:aws-us-gov:iam::123456789012:role/a+b=c,d.e@f-g_h")).toBeUndefined();
  });

  it("says why a value is not a role ARN", () => {
    expect(roleArnProblem("cody-cloudformation")).toMatch(/not an ARN/);
    expect(roleArnProblem("arn:aws:iam::123456789012:policy/x")).toMatch(/does not name a role/);
    expect(roleArnProblem("arn:aws:iam::12345:role/x")).toMatch(/12 digits/);
    expect(roleArnProblem("arn:aws:iam::123456789012:role/*")).toMatch(/wildcards/);
    expect(roleArnProblem("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x")).toMatch(/does not resolve/);
    expect(roleArnProblem("arn:aws:s3:::bucket")).toMatch(/not an IAM ARN/);
  });

  it("prefers the flag over the setting, and reports a bad flag as input with a fix", () => {
    expect(serviceRoleArn(undefined, ROLE)).toBe(ROLE);
    expect(serviceRoleArn(` ${ROLE} `, "arn:aws:iam::123456789012:role/other")).toBe(ROLE);
    expect(serviceRoleArn(undefined, undefined)).toBeUndefined();
    let error: unknown;
    try {
      serviceRoleArn("cody-cfn", undefined);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issue = (error as ConfigError).issues[0]!;
    expect(issue.field).toBe("--role-arn");
    expect(issue.message).toContain('"cody-cfn" is not an IAM role ARN');
    expect(issue.fix).toContain("--role-arn arn:aws:iam::123456789012:role/");
  });
});

describe("RoleARN on CloudFormation writes", () => {
  it("deploy passes it on the change set", async () => {
    playStack(mock, [{ status: "missing" }, { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(1, STACK, "CREATE_COMPLETE")] }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    await deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime(), roleArn: ROLE });
    expect(mock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input.RoleARN)).toEqual([ROLE]);
  });

  it("deploy without it sends no RoleARN (CloudFormation keeps the stack's, or uses the caller)", async () => {
    playStack(mock, [{ status: "missing" }, { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(1, STACK, "CREATE_COMPLETE")] }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    await deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime() });
    expect(mock.commandCalls(CreateChangeSetCommand)[0]!.args[0].input).not.toHaveProperty("RoleARN");
  });

  it("deploy passes it when it deletes a failed create before creating again", async () => {
    playStack(mock, [
      { status: "ROLLBACK_COMPLETE" },
      { status: "DELETE_COMPLETE", events: [event(1, STACK, "DELETE_COMPLETE")] },
      { status: "missing" },
      { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(2, STACK, "CREATE_COMPLETE")] },
    ]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    await deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime(), roleArn: ROLE });
    expect(mock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input.RoleARN)).toEqual([ROLE]);
    expect(mock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input.RoleARN)).toEqual([ROLE]);
  });

  it("diff passes it on its change set, as deploy would", async () => {
    playStack(mock, [{ status: "missing" }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    await diffStack({ cfn, stackName: STACK, templateBody: TEMPLATE, template: { Resources: { CodeBuild: { Type: "AWS::CodeBuild::Project" } } }, tags: TAGS, sleep: sleep.sleep, roleArn: ROLE });
    expect(mock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input.RoleARN)).toEqual([ROLE]);
  });

  it("delete passes it on DeleteStack", async () => {
    playStack(mock, [
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS, events: [event(-60, STACK, "UPDATE_COMPLETE")] },
      { status: "DELETE_COMPLETE", events: [event(5, STACK, "DELETE_COMPLETE")] },
    ]);
    mock.on(DescribeStackResourcesCommand).resolves({ StackResources: [] });
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    const result = await deleteStack({ cfn, stackName: STACK, io, sleep: sleep.sleep, roleArn: ROLE });
    expect(result.type).toBe("deleted");
    expect(mock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID, RoleARN: ROLE }]);
  });
});
