import { DeleteStackCommand, DescribeStackEventsCommand, DescribeStackResourcesCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { deleteStack, leftBehind, type DeleteOptions, type DeleteResult } from "../../src/deploy/delete-stack";
import { CodyError, ExitCode } from "../../src/errors";
import { event, freshEngine, OUTPUTS, playStack, restoreCfn, sentCommands, STACK, STACK_ID, type CfnMock, type Frame } from "../_helpers/mock-cfn";
import { testIo, type FakeSleep, type TestIo } from "../_helpers/test-io";

afterEach(restoreCfn);

let cfn: CfnApi;
let mock: CfnMock;
let io: TestIo;
let sleep: FakeSleep;

beforeEach(async () => {
  ({ cfn, mock, io, sleep } = await freshEngine({ answers: [true] }));
});

function remove(overrides: Partial<DeleteOptions> = {}): Promise<DeleteResult> {
  return deleteStack({ cfn, stackName: STACK, io, sleep: sleep.sleep, ...overrides });
}

const existing: Frame = {
  status: "UPDATE_COMPLETE",
  outputs: OUTPUTS,
  events: [event(-7200, STACK, "CREATE_COMPLETE"), event(-3600, "CodeBuild", "UPDATE_COMPLETE"), event(-3599, STACK, "UPDATE_COMPLETE")],
};

function resource(logicalId: string, type: string, physicalId: string) {
  return { LogicalResourceId: logicalId, ResourceType: type, PhysicalResourceId: physicalId, ResourceStatus: "UPDATE_COMPLETE" as const, Timestamp: new Date() };
}

describe("deleteStack", () => {
  it("deletes by stack id after confirming, streams only the delete's events, and names the log group left behind", async () => {
    // GIVEN a deployed stack without a managed log group
    playStack(mock, [
      existing,
      { status: "DELETE_IN_PROGRESS", events: [event(1, STACK, "DELETE_IN_PROGRESS", "User Initiated"), event(2, "EventsRule", "DELETE_IN_PROGRESS")] },
      {
        status: "DELETE_COMPLETE",
        events: [event(5, "EventsRule", "DELETE_COMPLETE"), event(6, "CodeBuild", "DELETE_COMPLETE"), event(9, STACK, "DELETE_COMPLETE")],
      },
    ]);

    mock.on(DescribeStackResourcesCommand).resolves({ StackResources: [resource("CodeBuild", "AWS::CodeBuild::Project", "demo"), resource("IamRole", "AWS::IAM::Role", "demo-cody-IamRole-ABC")] });
    mock.on(GetTemplateCommand).resolves({ TemplateBody: "Resources:\n  CodeBuild:\n    Type: AWS::CodeBuild::Project\n  IamRole:\n    Type: AWS::IAM::Role\n" });

    // WHEN deleted and confirmed
    const result = await remove({ region: "eu-west-1" });

    // THEN the question named the stack and its region, exactly what goes and what stays; the stack was deleted by id
    expect(io.questions).toEqual([
      [
        "Stack demo-cody (eu-west-1):",
        "  delete  CodeBuild project demo",
        "  delete  IAM role demo-cody-IamRole-ABC",
        "  keep    log group /aws/codebuild/demo, if any build ran (CodeBuild made it, not the stack)",
        "Delete it?",
      ].join("\n"),
    ]);
    expect(mock.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([{ StackName: STACK_ID }]);
    // AND every event of the delete was printed, through to the stack's DELETE_COMPLETE, none from before
    expect(io.lines).toEqual([
      "10:00:01  DELETE_IN_PROGRESS    AWS::CloudFormation::Stack  demo-cody",
      "10:00:02  DELETE_IN_PROGRESS    AWS::Events::Rule           EventsRule",
      "10:00:05  DELETE_COMPLETE       AWS::Events::Rule           EventsRule",
      "10:00:06  DELETE_COMPLETE       AWS::CodeBuild::Project     CodeBuild",
      "10:00:09  DELETE_COMPLETE       AWS::CloudFormation::Stack  demo-cody",
    ]);
    expect(io.printers).toEqual(["Deleting demo-cody"]);
    // AND the log group CodeBuild made itself is reported as left behind
    expect(result).toMatchObject({ type: "deleted", stackName: STACK });
    expect(result.type === "deleted" && result.leftBehind).toEqual([
      "log group /aws/codebuild/demo, if any build ran (delete it with: aws logs delete-log-group --log-group-name /aws/codebuild/demo)",
    ]);
  });

  it("keeps a retained log group, says so in the question and after, and asks about every resource when they cannot be read", async () => {
    playStack(mock, [{ ...existing, outputs: { ...OUTPUTS, LogGroupName: "/aws/codebuild/demo" } }, { status: "DELETE_COMPLETE", events: [event(9, STACK, "DELETE_COMPLETE")] }]);
    mock.on(DescribeStackResourcesCommand).resolves({ StackResources: [resource("LogGroup", "AWS::Logs::LogGroup", "/aws/codebuild/demo"), resource("CodeBuild", "AWS::CodeBuild::Project", "demo")] });
    mock.on(GetTemplateCommand).resolves({ TemplateBody: "Resources:\n  LogGroup:\n    Type: AWS::Logs::LogGroup\n    DeletionPolicy: Retain\n  CodeBuild:\n    Type: AWS::CodeBuild::Project\n" });
    const result = await remove();
    expect(io.questions).toEqual(["Stack demo-cody:\n  delete  CodeBuild project demo\n  keep    log group /aws/codebuild/demo (DeletionPolicy: Retain)\nDelete it?"]);
    expect(result.type === "deleted" && result.leftBehind).toEqual([
      "log group /aws/codebuild/demo, kept by its DeletionPolicy (delete it with: aws logs delete-log-group --log-group-name /aws/codebuild/demo)",
    ]);

    // Without read access to the stack's resources, the question does not guess.
    ({ cfn, mock, io, sleep } = await freshEngine({ answers: [false] }));
    playStack(mock, [existing]);
    mock.on(DescribeStackResourcesCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudformation:DescribeStackResources"), { name: "AccessDenied" }));
    await remove({ region: "eu-west-1" });
    expect(io.questions).toEqual(["Delete stack demo-cody (eu-west-1) and every resource in it?"]);
  });

  it("returns 'missing' for a stack that does not exist, without asking or deleting", async () => {
    playStack(mock, [{ status: "missing" }]);
    expect(await remove()).toEqual({ type: "missing", stackName: STACK });
    expect(io.questions).toEqual([]);
    expect(sentCommands(mock)).toEqual(["DescribeStacksCommand"]);
  });

  it("returns 'cancelled' and deletes nothing when the confirmation is refused", async () => {
    playStack(mock, [existing]);
    io = testIo({ answers: [false] });
    expect(await remove()).toEqual({ type: "cancelled", stackName: STACK });
    expect(io.questions).toHaveLength(1);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("fails with exit 2 on DELETE_FAILED, naming the resource that could not be deleted", async () => {
    // GIVEN a delete that fails on the role
    playStack(mock, [
      existing,
      { status: "DELETE_IN_PROGRESS", events: [event(1, STACK, "DELETE_IN_PROGRESS", "User Initiated")] },
      {
        status: "DELETE_FAILED",
        reason: "The following resource(s) failed to delete: [IamRole].",
        events: [
          event(4, "IamRole", "DELETE_FAILED", "Cannot delete entity, must detach all policies first."),
          event(5, STACK, "DELETE_FAILED", "The following resource(s) failed to delete: [IamRole]."),
        ],
      },
    ]);
    // WHEN deleted
    const error: unknown = await remove().catch((e: unknown) => e);
    // THEN
    expect(error).toBeInstanceOf(CodyError);
    const e = error as CodyError;
    expect(e.exitCode).toBe(ExitCode.failed);
    expect(e.message).toBe(
      "delete of demo-cody failed (DELETE_FAILED). First failure: IamRole (AWS::IAM::Role) DELETE_FAILED: Cannot delete entity, must detach all policies first.",
    );
    expect(e.hint).toMatch(/--retain-resources/);
  });

  it("waits for a delete already under way instead of starting another, and refuses with wait: false", async () => {
    // GIVEN a stack already being deleted, which then goes away
    playStack(mock, [{ status: "DELETE_IN_PROGRESS" }, { status: "DELETE_COMPLETE" }]);
    // WHEN deleted
    const result = await remove();
    // THEN it followed that delete, asked nothing and sent no second DeleteStack
    expect(result.type).toBe("deleted");
    expect(io.questions).toEqual([]);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);

    // AND with wait: false it refuses, naming the state
    playStack(mock, [{ status: "DELETE_IN_PROGRESS" }]);
    const error: unknown = await remove({ wait: false }).catch((e: unknown) => e);
    expect((error as CodyError).message).toBe("stack demo-cody is busy (DELETE_IN_PROGRESS).");
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("waits for another operation to finish before asking, and does not wait with wait: false", async () => {
    // GIVEN a stack being updated
    playStack(mock, [{ status: "UPDATE_IN_PROGRESS" }, { status: "UPDATE_COMPLETE", outputs: OUTPUTS }, { status: "DELETE_COMPLETE" }]);
    // WHEN deleted
    const result = await remove();
    // THEN it waited, then deleted
    expect(io.lines[0]).toBe("Stack demo-cody is UPDATE_IN_PROGRESS; waiting for it to finish first.");
    expect(io.printers).toEqual(["Waiting for demo-cody", "Deleting demo-cody"]);
    expect(result.type).toBe("deleted");
  });

  it("returns 'started' with wait: false, without following", async () => {
    playStack(mock, [existing]);
    const result = await remove({ wait: false });
    expect(result).toEqual({ type: "started", stackName: STACK, leftBehind: [expect.stringContaining("/aws/codebuild/demo")] });
    // One events call: the newest event's time, read before deleting.
    expect(mock.commandCalls(DescribeStackEventsCommand)).toHaveLength(1);
  });
});

describe("leftBehind", () => {
  const snapshot = (outputs: Record<string, string>) => ({ exists: true, name: STACK, status: "UPDATE_COMPLETE", outputs, tags: {} });

  it("names nothing when the stack manages the log group", () => {
    expect(leftBehind(snapshot({ ...OUTPUTS, LogGroupName: "/aws/codebuild/demo" }))).toEqual([]);
  });

  it("names nothing when the stack has no project output", () => {
    expect(leftBehind(snapshot({}))).toEqual([]);
  });
});

describe("deleteStack: Ctrl-C and faults", () => {
  it("Ctrl-C after the question, before DeleteStack is sent: exit 130, nothing deleted", async () => {
    playStack(mock, [existing]);
    const controller = new AbortController();
    io.confirm = async () => {
      controller.abort();
      return true;
    };
    const error: unknown = await remove({ signal: controller.signal }).catch((e: unknown) => e);
    expect((error as CodyError).exitCode).toBe(ExitCode.interrupted);
    expect((error as CodyError).message).toBe(`Interrupted before DeleteStack was sent: stack ${STACK} was not deleted.`);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("an error while following the delete says it goes on in CloudFormation", async () => {
    playStack(mock, [existing, { status: "DELETE_IN_PROGRESS" }]);
    let calls = 0;
    mock.on(DescribeStackEventsCommand).callsFake(async () => {
      calls++;
      if (calls === 1) return { StackEvents: [] };
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    });
    const error: unknown = await remove().catch((e: unknown) => e);
    expect((error as CodyError).hint).toMatch(/The delete goes on in CloudFormation: `cody delete` again waits for it/);
    expect(sentCommands(mock).filter((c) => c === "DeleteStackCommand")).toHaveLength(1);
  });
});
