import { CreateChangeSetCommand, DeleteChangeSetCommand, DeleteStackCommand, DescribeChangeSetCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { diffStack, type DiffResult } from "../../src/deploy/diff-stack";
import { mockCfn, playStack, readyChangeSet, restoreCfn, sentCommands, STACK, STACK_ID, TAGS, TEMPLATE, type CfnMock } from "../_helpers/mock-cfn";
import { fakeSleep } from "../_helpers/test-io";

afterEach(restoreCfn);

let cfn: CfnApi;
let mock: CfnMock;

beforeEach(async () => {
  ({ cfn, mock } = await mockCfn());
});

function diff(signal?: AbortSignal, sleep = fakeSleep().sleep): Promise<DiffResult> {
  return diffStack({ cfn, stackName: STACK, templateBody: TEMPLATE, template: TEMPLATE_VALUE, tags: TAGS, sleep, signal });
}

const RESOURCES = [
  { logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project" },
  { logicalId: "IamRole", resourceType: "AWS::IAM::Role" },
];
/** The synthesized template as a value (diff reads its resources, and compares it with the deployed one). */
const TEMPLATE_VALUE = { Resources: Object.fromEntries(RESOURCES.map((r) => [r.logicalId, { Type: r.resourceType }])) };
/** What a diff without IAM changes adds to every result. */
const NO_IAM = { iam: [], broadening: false };

const changeSetName = () => mock.commandCalls(CreateChangeSetCommand)[0].args[0].input.ChangeSetName;

describe("diffStack", () => {
  it("for a stack whose create failed (ROLLBACK_COMPLETE): every resource as Add, and no change set", async () => {
    // GIVEN a stack deploy would delete and create again
    playStack(mock, [{ status: "ROLLBACK_COMPLETE" }]);
    // WHEN diffed
    const result = await diff();
    // THEN it says so and lists the template's resources as additions, without touching CloudFormation
    expect(result).toEqual({
      stackName: STACK,
      isNew: true,
      recreate: "ROLLBACK_COMPLETE",
      changes: RESOURCES.map((r) => ({ action: "Add", ...r, replacement: null, properties: [], values: [] })),
      ...NO_IAM,
    });
    expect(mock.commandCalls(CreateChangeSetCommand)).toHaveLength(0);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("for a new stack: a CREATE change set, read, then the change set AND the review stack it made are deleted", async () => {
    // GIVEN no stack; the CREATE change set makes one in REVIEW_IN_PROGRESS
    playStack(mock, [{ status: "missing" }, { status: "REVIEW_IN_PROGRESS" }, { status: "missing" }]);
    mock.on(DescribeChangeSetCommand).resolvesOnce({ Status: "CREATE_IN_PROGRESS" }).resolves(readyChangeSet([["Add", "IamRole"], ["Add", "CodeBuild"]]));
    // WHEN diffed
    const result = await diff();
    // THEN it showed the changes of a CREATE change set
    expect(result).toEqual({
      stackName: STACK,
      isNew: true,
      changes: [
        { action: "Add", logicalId: "IamRole", resourceType: "AWS::IAM::Role", replacement: null, properties: [], values: [] },
        { action: "Add", logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", replacement: null, properties: [], values: [] },
      ],
      ...NO_IAM,
    });
    expect(mock.commandCalls(CreateChangeSetCommand)[0].args[0].input).toMatchObject({
      StackName: STACK,
      ChangeSetType: "CREATE",
      TemplateBody: TEMPLATE,
      Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    });
    expect(changeSetName()).toMatch(/^cody-diff-\d+$/);
    // AND cleaned up both, in that order, each checked (the stack deleted only while REVIEW_IN_PROGRESS), executing nothing
    expect(sentCommands(mock).filter((n) => n !== "DescribeChangeSetCommand")).toEqual([
      "DescribeStacksCommand",
      "CreateChangeSetCommand",
      "DeleteChangeSetCommand",
      "DescribeStacksCommand",
      "DeleteStackCommand",
      "DescribeStacksCommand",
    ]);
    expect(mock.commandCalls(DeleteChangeSetCommand)[0].args[0].input).toEqual({ StackName: STACK, ChangeSetName: changeSetName() });
    expect(mock.commandCalls(DeleteStackCommand)[0].args[0].input).toEqual({ StackName: STACK_ID });
  });

  it("for an existing stack: an UPDATE change set, deleted after reading; the stack is untouched", async () => {
    // GIVEN a stack with an older template
    playStack(mock, [{ status: "UPDATE_COMPLETE" }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: "Resources:\n  CodeBuild:\n    Type: AWS::CodeBuild::Project\n    Properties:\n      TimeoutInMinutes: 60\n  IamRole:\n    Type: AWS::IAM::Role\n" });
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild", "False"]]));
    // WHEN diffed
    const result = await diff();
    // THEN the change set's changes, with the values from the deployed template
    expect(result).toEqual({
      stackName: STACK,
      isNew: false,
      changes: [{ action: "Modify", logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", replacement: "False", properties: [], values: [{ path: "TimeoutInMinutes", old: 60 }] }],
      ...NO_IAM,
    });
    expect(mock.commandCalls(CreateChangeSetCommand)[0].args[0].input.ChangeSetType).toBe("UPDATE");
    expect(sentCommands(mock)).toEqual(["DescribeStacksCommand", "GetTemplateCommand", "CreateChangeSetCommand", "DescribeChangeSetCommand", "DeleteChangeSetCommand"]);
  });

  it("makes no change set when template and tags are unchanged", async () => {
    playStack(mock, [{ status: "UPDATE_COMPLETE" }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    expect(await diff()).toEqual({ stackName: STACK, isNew: false, changes: [], ...NO_IAM });
    expect(sentCommands(mock)).toEqual(["DescribeStacksCommand", "GetTemplateCommand"]);
  });

  it("reports an empty change set as no changes, and deletes it", async () => {
    playStack(mock, [{ status: "UPDATE_COMPLETE" }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: `${TEMPLATE}\n` });
    mock.on(DescribeChangeSetCommand).resolves({ Status: "FAILED", StatusReason: "The submitted information didn't contain changes. Submit different information to create a change set." });
    expect((await diff()).changes).toEqual([]);
    expect(mock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("leaves a REVIEW_IN_PROGRESS stack it did not make", async () => {
    playStack(mock, [{ status: "REVIEW_IN_PROGRESS" }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    const result = await diff();
    expect(result.isNew).toBe(true);
    expect(mock.commandCalls(CreateChangeSetCommand)[0].args[0].input.ChangeSetType).toBe("CREATE");
    expect(mock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("cleans up when interrupted while the change set is being created", async () => {
    // GIVEN a new stack, a change set that never finishes, and Ctrl-C during the first wait
    playStack(mock, [{ status: "missing" }, { status: "REVIEW_IN_PROGRESS" }, { status: "missing" }]);
    mock.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_IN_PROGRESS" });
    const controller = new AbortController();
    // WHEN diffed
    const error: unknown = await diff(controller.signal, fakeSleep(() => controller.abort()).sleep).catch((e: unknown) => e);
    // THEN exit 130 and both the change set and the review stack are gone
    expect((error as { exitCode?: number }).exitCode).toBe(130);
    expect(mock.commandCalls(DeleteChangeSetCommand)).toHaveLength(1);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(1);
  });
});
