// The deploy flow against a stubbed CloudFormation: everything moto cannot produce (stack states,
// rollbacks with reasons, empty change sets, paging, Ctrl-C at each stage).
import {
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
} from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { deployStack, formatChanges, propertyChanges, type DeployOptions, type DeployResult } from "../../src/deploy/deploy-stack";
import { Interrupted } from "../../src/deploy/wait";
import { ExitCode } from "../../src/errors";
import {
  at,
  event,
  freshEngine,
  OUTPUTS,
  playStack,
  readyChangeSet,
  restoreCfn,
  sentCommands,
  STACK,
  stackNotFound,
  STACK_ID,
  T0,
  TAGS,
  TEMPLATE,
  type CfnMock,
  CHANGE_SET,
  codyFailure,
  OLD_TEMPLATE,
  sentWrites,
} from "../_helpers/mock-cfn";
import { renderScreen } from "../_helpers/terminal";
import { fakeSleep, testIo, type FakeSleep, type TestIo } from "../_helpers/test-io";

afterEach(restoreCfn);


let cfn: CfnApi;
let mock: CfnMock;
let io: TestIo;
let sleep: FakeSleep;

beforeEach(async () => {
  ({ cfn, mock, io, sleep } = await freshEngine());
});

function deploy(overrides: Partial<DeployOptions> = {}): Promise<DeployResult> {
  return deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime(), ...overrides });
}

const failure = codyFailure;

const writes = () => sentWrites(mock);
const changeSetInput = () => mock.commandCalls(CreateChangeSetCommand).map((c) => c.args[0].input);
const createEvents = () => [
  event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"),
  event(2, "IamRole", "CREATE_IN_PROGRESS"),
  event(2, "EventsRuleRole", "CREATE_IN_PROGRESS"),
  event(3, "IamRole", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
];

describe("deployStack: a new stack", () => {
  it("creates a CREATE change set with capabilities, tags and the template, executes it and follows it to CREATE_COMPLETE", async () => {
    // GIVEN no stack, a change set that takes three polls, and a create that takes four
    playStack(mock, [
      { status: "missing" },
      { status: "CREATE_IN_PROGRESS", events: createEvents() },
      { status: "CREATE_IN_PROGRESS", events: [event(20, "IamRole", "CREATE_COMPLETE"), event(21, "EventsRuleRole", "CREATE_COMPLETE"), event(22, "CodeBuild", "CREATE_IN_PROGRESS")] },
      { status: "CREATE_IN_PROGRESS", events: [event(30, "CodeBuild", "CREATE_COMPLETE"), event(31, "EventsRule", "CREATE_IN_PROGRESS")] },
      { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(40, "EventsRule", "CREATE_COMPLETE"), event(41, STACK, "CREATE_COMPLETE")] },
    ]);
    mock
      .on(DescribeChangeSetCommand)
      .resolvesOnce({ Status: "CREATE_PENDING" })
      .resolvesOnce({ Status: "CREATE_IN_PROGRESS" })
      .resolves(readyChangeSet([["Add", "IamRole"], ["Add", "EventsRuleRole"], ["Add", "CodeBuild"], ["Add", "EventsRule"]]));

    // WHEN deployed
    const result = await deploy();

    // THEN one CREATE change set was made, with everything CloudFormation needs for IAM resources
    expect(changeSetInput()).toEqual([
      {
        StackName: STACK,
        ChangeSetName: CHANGE_SET,
        ChangeSetType: "CREATE",
        TemplateBody: TEMPLATE,
        Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
        Tags: [
          { Key: "cody:tool", Value: "codybuild" },
          { Key: "cody:project", Value: "demo" },
          { Key: "cody:env", Value: "development" },
        ],
        Description: "created by cody deploy",
        // the same token on every SDK retry of this one call: a retry never makes a second change set
        ClientToken: CHANGE_SET,
      },
    ]);
    // AND that change set was executed, nothing else written, and no template compared for a new stack
    expect(mock.commandCalls(ExecuteChangeSetCommand)[0].args[0].input).toMatchObject({ StackName: STACK, ChangeSetName: CHANGE_SET });
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
    expect(mock.commandCalls(GetTemplateCommand)).toHaveLength(0);
    // AND the result carries the outputs and the changes
    expect(result).toEqual({
      type: "deployed",
      stackName: STACK,
      status: "CREATE_COMPLETE",
      outputs: OUTPUTS,
      changes: [
        { action: "Add", logicalId: "IamRole", resourceType: "AWS::IAM::Role", replacement: null, properties: [] },
        { action: "Add", logicalId: "EventsRuleRole", resourceType: "AWS::IAM::Role", replacement: null, properties: [] },
        { action: "Add", logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", replacement: null, properties: [] },
        { action: "Add", logicalId: "EventsRule", resourceType: "AWS::Events::Rule", replacement: null, properties: [] },
      ],
      elapsedMs: 0,
    });
    // AND the summary, then every event once, oldest first, were printed (plain output: no TTY)
    expect(io.lines.slice(0, 5)).toEqual([
      "Change set for demo-cody: 4 changes",
      "  + IamRole          AWS::IAM::Role",
      "  + EventsRuleRole   AWS::IAM::Role",
      "  + CodeBuild        AWS::CodeBuild::Project",
      "  + EventsRule       AWS::Events::Rule",
    ]);
    const eventLines = io.lines.slice(5);
    expect(eventLines).toHaveLength(11);
    expect(eventLines[0]).toBe("10:00:01  CREATE_IN_PROGRESS    AWS::CloudFormation::Stack  demo-cody");
    expect(eventLines[3]).toBe("10:00:03  CREATE_IN_PROGRESS    AWS::IAM::Role              IamRole  Resource creation Initiated");
    expect(eventLines[10]).toBe("10:00:41  CREATE_COMPLETE       AWS::CloudFormation::Stack  demo-cody");
    expect(io.printers).toEqual(["Creating demo-cody"]);
    // AND waiting backed off on the change set (500, 750 ms), and on the stack slowed down after a
    // quiet poll (1000 → 1500 ms) and went back to every second once events flowed
    expect(sleep.calls).toEqual([500, 750, 1000, 1500, 1000]);
  });

  it("reads every page of a large change set", async () => {
    // GIVEN a ready change set whose changes come on two pages
    playStack(mock, [{ status: "missing" }, { status: "CREATE_COMPLETE" }]);
    mock.on(DescribeChangeSetCommand).callsFake(async (input: { NextToken?: string }) =>
      input.NextToken === "more" ? readyChangeSet([["Add", "EventsRule"]]) : { ...readyChangeSet([["Add", "CodeBuild"]]), NextToken: "more" },
    );
    // WHEN deployed
    const result = await deploy();
    // THEN the second page was asked for and its change counted
    expect(mock.commandCalls(DescribeChangeSetCommand).map((c) => c.args[0].input.NextToken)).toEqual([undefined, "more"]);
    expect(result.type === "deployed" && result.changes.map((c) => c.logicalId)).toEqual(["CodeBuild", "EventsRule"]);
  });

  it("returns 'started' without following the stack when wait is false", async () => {
    playStack(mock, [{ status: "missing" }, { status: "CREATE_IN_PROGRESS" }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    const result = await deploy({ wait: false });
    expect(result).toEqual({ type: "started", stackName: STACK, changes: [{ action: "Add", logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", replacement: null, properties: [] }] });
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
    expect(mock.commandCalls(DescribeStackEventsCommand)).toHaveLength(0);
  });

  it("treats a REVIEW_IN_PROGRESS stack (a change set never executed) as new: CREATE, no template comparison", async () => {
    // GIVEN a stack left in REVIEW_IN_PROGRESS
    playStack(mock, [
      { status: "REVIEW_IN_PROGRESS" },
      { status: "CREATE_IN_PROGRESS", events: [event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated")] },
      { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(9, "CodeBuild", "CREATE_COMPLETE"), event(10, STACK, "CREATE_COMPLETE")] },
    ]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    // WHEN deployed
    const result = await deploy();
    // THEN it was created through a CREATE change set on the existing (review) stack, followed by id
    expect(changeSetInput().map((i) => i.ChangeSetType)).toEqual(["CREATE"]);
    expect(mock.commandCalls(GetTemplateCommand)).toHaveLength(0);
    expect(mock.commandCalls(DescribeStackEventsCommand)[0].args[0].input.StackName).toBe(STACK_ID);
    expect(result).toMatchObject({ type: "deployed", status: "CREATE_COMPLETE", outputs: OUTPUTS });
    expect(io.printers).toEqual(["Creating demo-cody"]);
  });
});

describe("deployStack: an existing stack", () => {
  it("compares the deployed template, then updates through an UPDATE change set", async () => {
    // GIVEN a stack with an older template
    playStack(mock, [
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS, events: [event(-3600, STACK, "UPDATE_COMPLETE")] },
      { status: "UPDATE_IN_PROGRESS", events: [event(1, STACK, "UPDATE_IN_PROGRESS", "User Initiated"), event(2, "CodeBuild", "UPDATE_IN_PROGRESS")] },
      { status: "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", events: [event(5, "CodeBuild", "UPDATE_COMPLETE"), event(6, STACK, "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS")] },
      { status: "UPDATE_COMPLETE", outputs: { ...OUTPUTS, RoleArn: "arn:aws:iam::123456789012:role/demo" }, events: [event(8, STACK, "UPDATE_COMPLETE")] },
    ]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild", "True"]]));

    // WHEN deployed
    const result = await deploy();

    // THEN the original (not processed) template was read, and an UPDATE change set executed
    expect(mock.commandCalls(GetTemplateCommand)[0].args[0].input).toEqual({ StackName: STACK, TemplateStage: "Original" });
    expect(changeSetInput().map((i) => i.ChangeSetType)).toEqual(["UPDATE"]);
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
    expect(result).toMatchObject({ type: "deployed", status: "UPDATE_COMPLETE", outputs: { RoleArn: "arn:aws:iam::123456789012:role/demo" } });
    // AND the replacement was called out; the earlier update's events were not replayed
    expect(io.lines).toContain("  ~ CodeBuild        AWS::CodeBuild::Project  (replaced)");
    expect(io.lines.filter((l) => l.includes("UPDATE_COMPLETE "))).toHaveLength(2);
    expect(io.printers).toEqual(["Updating demo-cody"]);
  });

  it("skips the change set entirely when template and tags are unchanged: DescribeStacks + GetTemplate only", async () => {
    // GIVEN a stack with exactly this template and these tags
    playStack(mock, [{ status: "UPDATE_COMPLETE", outputs: OUTPUTS }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    // WHEN deployed
    const result = await deploy();
    // THEN nothing was created, and only two calls were made
    expect(result).toEqual({ type: "no-changes", stackName: STACK, status: "UPDATE_COMPLETE", outputs: OUTPUTS });
    expect(sentCommands(mock)).toEqual(["DescribeStacksCommand", "GetTemplateCommand"]);
    expect(sleep.calls).toEqual([]);
  });

  it.each([
    ["a changed tag value", { ...TAGS, "cody:env": "production" }],
    ["a tag removed from the config", { ...TAGS, team: "platform" }],
  ])("does not take the fast path for %s with the same template", async (_label, deployedTags) => {
    // GIVEN the same template but stack tags that differ from the ones to deploy
    playStack(mock, [{ status: "UPDATE_COMPLETE", tags: deployedTags }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    mock.on(DescribeChangeSetCommand).resolves({ Status: "FAILED", StatusReason: "No updates are to be performed." });
    // WHEN deployed
    await deploy();
    // THEN a change set was made to carry the tags
    expect(changeSetInput()).toHaveLength(1);
  });

  it.each([
    "The submitted information didn't contain changes. Submit different information to create a change set.",
    "No updates are to be performed.",
  ])("deletes an empty change set (%s) and reports no changes", async (reason) => {
    // GIVEN a template that differs only in ways CloudFormation ignores
    playStack(mock, [{ status: "UPDATE_COMPLETE", outputs: OUTPUTS }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: `${TEMPLATE}\n` });
    mock.on(DescribeChangeSetCommand).resolves({ Status: "FAILED", ExecutionStatus: "UNAVAILABLE", StatusReason: reason });
    // WHEN deployed
    const result = await deploy();
    // THEN the empty change set was deleted, nothing executed
    expect(result).toEqual({ type: "no-changes", stackName: STACK, status: "UPDATE_COMPLETE", outputs: OUTPUTS });
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand"]);
    expect(mock.commandCalls(DeleteChangeSetCommand)[0].args[0].input).toEqual({ StackName: STACK, ChangeSetName: CHANGE_SET });
  });

  it("fails with CloudFormation's reason when the change set FAILED for another reason", async () => {
    // GIVEN a change set CloudFormation rejects
    playStack(mock, [{ status: "UPDATE_COMPLETE" }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
    mock.on(DescribeChangeSetCommand).resolves({
      Status: "FAILED",
      StatusReason: "Template format error: Unresolved resource dependencies [ProjectRole] in the Resources block of the template",
    });
    // WHEN deployed
    const error = await failure(deploy());
    // THEN the reason is in the message, exit 1, and nothing was executed
    expect(error.message).toBe(
      "CloudFormation could not create the change set for demo-cody: Template format error: Unresolved resource dependencies [ProjectRole] in the Resources block of the template",
    );
    expect(error.exitCode).toBe(ExitCode.input);
    // AND the failed change set was removed, and checked to be gone, before that was said
    expect(error.hint).toBe(`Nothing was deployed; deleted change set ${CHANGE_SET}.`);
    expect(mock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });

  it("points a change set that failed on permissions at `cody policy`", async () => {
    playStack(mock, [{ status: "missing" }]);
    mock.on(DescribeChangeSetCommand).resolves({
      Status: "FAILED",
      StatusReason: "User: arn:aws:iam::123456789012:user/ci is not authorized to perform: iam:PassRole on resource: arn:aws:iam::123456789012:role/x",
    });
    const error = await failure(deploy());
    expect(error.hint).toMatch(/`cody policy`/);
  });
});

describe("deployStack: a failed create", () => {
  const rollbackFrames = (reason: string) => [
    { status: "missing" as const },
    { status: "CREATE_IN_PROGRESS", events: createEvents() },
    {
      status: "ROLLBACK_IN_PROGRESS",
      reason: "The following resource(s) failed to create: [CodeBuild, EventsRuleRole]. Rollback requested by user.",
      events: [
        event(10, "IamRole", "CREATE_COMPLETE"),
        event(11, "CodeBuild", "CREATE_IN_PROGRESS"),
        event(12, "CodeBuild", "CREATE_FAILED", reason),
        event(12, "EventsRuleRole", "CREATE_FAILED", "Resource creation cancelled"),
        event(13, STACK, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [CodeBuild, EventsRuleRole]. Rollback requested by user."),
      ],
    },
    {
      status: "ROLLBACK_COMPLETE",
      events: [event(14, "IamRole", "DELETE_IN_PROGRESS"), event(20, "IamRole", "DELETE_COMPLETE"), event(21, STACK, "ROLLBACK_COMPLETE")],
    },
  ];

  it("fails with exit 2 naming the first failed resource, its type and reason, and a permissions hint", async () => {
    // GIVEN a create whose CodeBuild project is denied, cancelling the rest, then rolling back
    const denied =
      'Resource handler returned message: "User: arn:aws:sts::123456789012:assumed-role/ci/x is not authorized to perform: codebuild:CreateProject on resource: arn:aws:codebuild:us-east-1:123456789012:project/demo (Service: CodeBuild, Status Code: 400)"';
    playStack(mock, rollbackFrames(denied));
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "IamRole"], ["Add", "CodeBuild"], ["Add", "EventsRuleRole"], ["Add", "EventsRule"]]));

    // WHEN deployed
    const error = await failure(deploy());

    // THEN
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toBe(`deploy of demo-cody failed (ROLLBACK_COMPLETE). First failure: CodeBuild (AWS::CodeBuild::Project) CREATE_FAILED: ${denied}`);
    expect(error.message).not.toMatch(/cancelled/);
    expect(error.hint).toMatch(/`cody policy`/);
    // AND the failures were printed as they happened
    expect(io.lines.some((l) => l.includes("CREATE_FAILED") && l.includes("CodeBuild") && l.includes("not authorized"))).toBe(true);
  });

  it("gives the generic hint when the failure is not about permissions", async () => {
    playStack(mock, rollbackFrames("Resource handler returned message: \"Invalid service role: arn:aws:iam::123456789012:role/demo\""));
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    const error = await failure(deploy());
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toMatch(/First failure: CodeBuild \(AWS::CodeBuild::Project\) CREATE_FAILED: .*Invalid service role/);
    expect(error.hint).not.toMatch(/cody policy/);
    expect(error.hint).toMatch(/cody deploy/);
  });

  it("fails with exit 2, not an events error, when the new stack vanishes while followed by name", async () => {
    // GIVEN a create someone deletes under us; once gone, its events are not found by name
    const { describeCalls } = playStack(mock, [{ status: "missing" }, { status: "CREATE_IN_PROGRESS" }, { status: "missing" }]);
    mock.on(DescribeStackEventsCommand).callsFake(async () => {
      if (describeCalls() >= 3) throw stackNotFound();
      return { StackEvents: [] };
    });
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    // WHEN deployed
    const error = await failure(deploy());
    // THEN
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toMatch(/^deploy of demo-cody failed \(DELETE_COMPLETE\)/);
  });
});

describe("deployStack: stack states at the start", () => {
  it("deletes a ROLLBACK_COMPLETE stack, waits for the delete, then creates it again", async () => {
    // GIVEN a stack whose first create failed an hour ago
    playStack(mock, [
      { status: "ROLLBACK_COMPLETE", events: [event(-3600, "CodeBuild", "CREATE_FAILED", "old failure"), event(-3500, STACK, "ROLLBACK_COMPLETE")] },
      { status: "DELETE_IN_PROGRESS", events: [event(1, STACK, "DELETE_IN_PROGRESS", "User Initiated")] },
      { status: "DELETE_COMPLETE", events: [event(5, STACK, "DELETE_COMPLETE")] },
      { status: "missing" },
      { status: "CREATE_IN_PROGRESS", events: [event(61, STACK, "CREATE_IN_PROGRESS", "User Initiated")] },
      { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(70, "CodeBuild", "CREATE_COMPLETE"), event(71, STACK, "CREATE_COMPLETE")] },
    ]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]], at(60)));

    // WHEN deployed
    const result = await deploy();

    // THEN it said so, deleted the stack, waited, and created it anew
    expect(io.lines[0]).toMatch(/^Stack demo-cody is ROLLBACK_COMPLETE: its first create failed .* Deleting it to create it again\.$/);
    expect(writes()).toEqual(["DeleteStackCommand", "CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
    expect(mock.commandCalls(DeleteStackCommand)[0].args[0].input).toEqual({ StackName: STACK });
    expect(changeSetInput()[0].ChangeSetType).toBe("CREATE");
    expect(io.printers).toEqual(["Deleting demo-cody", "Creating demo-cody"]);
    expect(result).toMatchObject({ type: "deployed", status: "CREATE_COMPLETE" });
    // AND the old failure was not replayed
    expect(io.lines.join("\n")).not.toMatch(/old failure/);
  });

  it("waits for a stack in *_IN_PROGRESS to settle before deploying", async () => {
    // GIVEN a stack being updated by someone else
    const { describeCalls } = playStack(mock, [
      { status: "UPDATE_IN_PROGRESS" },
      { status: "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", events: [event(2, "CodeBuild", "UPDATE_COMPLETE")] },
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS, events: [event(4, STACK, "UPDATE_COMPLETE")] },
    ]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    // WHEN deployed
    const result = await deploy();
    // THEN it announced the wait, polled until the stack settled, then found nothing to change
    expect(io.lines[0]).toBe("Another deploy or update of stack demo-cody is in progress (UPDATE_IN_PROGRESS); waiting for it to finish first.");
    expect(io.printers).toEqual(["Waiting for demo-cody"]);
    expect(describeCalls()).toBe(3);
    expect(sleep.calls).toHaveLength(1);
    expect(io.lines.filter((l) => l.includes("UPDATE_COMPLETE"))).toHaveLength(2);
    expect(result).toEqual({ type: "no-changes", stackName: STACK, status: "UPDATE_COMPLETE", outputs: OUTPUTS });
  });

  it("refuses a busy stack with wait: false, after one call", async () => {
    playStack(mock, [{ status: "UPDATE_ROLLBACK_IN_PROGRESS" }]);
    const error = await failure(deploy({ wait: false }));
    expect(error.message).toBe("another deploy or update of stack demo-cody is in progress (UPDATE_ROLLBACK_IN_PROGRESS).");
    expect(error.hint).toMatch(/CloudFormation console/);
    expect(sentCommands(mock)).toEqual(["DescribeStacksCommand"]);
  });

  it("on UPDATE_ROLLBACK_FAILED asks first; 'no' fails with the continue-update-rollback command", async () => {
    // GIVEN a stack whose rollback failed, and a user who says no
    playStack(mock, [{ status: "UPDATE_ROLLBACK_FAILED", reason: "The following resource(s) failed to update: [CodeBuild]." }]);
    io = testIo({ answers: [false] });
    // WHEN deployed
    const error = await failure(deploy());
    // THEN the situation was explained, the question asked, and nothing sent
    expect(io.lines[0]).toMatch(/^Stack demo-cody is UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback \(The following resource/);
    expect(io.questions).toEqual(["Continue the rollback now?"]);
    expect(error.message).toBe("stack demo-cody is UPDATE_ROLLBACK_FAILED.");
    expect(error.hint).toContain("`aws cloudformation continue-update-rollback --stack-name demo-cody`");
    expect(writes()).toEqual([]);
  });

  it("on UPDATE_ROLLBACK_FAILED and 'yes' continues the rollback, follows it, then deploys", async () => {
    // GIVEN a stack whose rollback failed, and a user who says yes
    playStack(mock, [
      { status: "UPDATE_ROLLBACK_FAILED" },
      { status: "UPDATE_ROLLBACK_IN_PROGRESS", events: [event(1, STACK, "UPDATE_ROLLBACK_IN_PROGRESS", "User Initiated")] },
      { status: "UPDATE_ROLLBACK_COMPLETE", events: [event(3, "CodeBuild", "UPDATE_COMPLETE"), event(4, STACK, "UPDATE_ROLLBACK_COMPLETE")] },
      { status: "UPDATE_ROLLBACK_COMPLETE" },
      { status: "UPDATE_IN_PROGRESS" },
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS, events: [event(70, STACK, "UPDATE_COMPLETE")] },
    ]);
    io = testIo({ answers: [true] });
    mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]], at(60)));
    // WHEN deployed
    const result = await deploy();
    // THEN the rollback was continued and followed, then the update went through
    expect(mock.commandCalls(ContinueUpdateRollbackCommand)[0].args[0].input).toEqual({ StackName: STACK });
    expect(writes()).toEqual(["ContinueUpdateRollbackCommand", "CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
    expect(io.printers).toEqual(["Rolling back demo-cody", "Updating demo-cody"]);
    expect(io.lines.some((l) => l.includes("UPDATE_ROLLBACK_COMPLETE"))).toBe(true);
    expect(result).toMatchObject({ type: "deployed", status: "UPDATE_COMPLETE" });
  });

  it("fails with exit 2 when the continued rollback fails again", async () => {
    playStack(mock, [
      { status: "UPDATE_ROLLBACK_FAILED" },
      { status: "UPDATE_ROLLBACK_IN_PROGRESS" },
      { status: "UPDATE_ROLLBACK_FAILED", events: [event(3, "CodeBuild", "UPDATE_FAILED", "Project demo was changed outside CloudFormation")] },
    ]);
    io = testIo({ answers: [true] });
    const error = await failure(deploy());
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toMatch(/First failure: CodeBuild \(AWS::CodeBuild::Project\) UPDATE_FAILED: Project demo was changed outside/);
    expect(changeSetInput()).toHaveLength(0);
  });
});

describe("deployStack: Ctrl-C", () => {
  it("while the change set is being created: deletes it and says nothing was deployed", async () => {
    // GIVEN a change set that stays in progress, and Ctrl-C during the second wait
    playStack(mock, [{ status: "UPDATE_COMPLETE" }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
    mock.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_IN_PROGRESS" });
    const controller = new AbortController();
    sleep = fakeSleep((call) => {
      if (call === 2) controller.abort();
    });
    // WHEN deployed
    const error = await failure(deploy({ signal: controller.signal }));
    // THEN exit 130, the change set is gone, and nothing executed
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe(`Interrupted: deleted change set ${CHANGE_SET}; nothing was deployed.`);
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand"]);
    expect(mock.commandCalls(DeleteChangeSetCommand)[0].args[0].input).toEqual({ StackName: STACK, ChangeSetName: CHANGE_SET });
  });

  it("after the change set is ready but before executing: deletes it, executes nothing", async () => {
    playStack(mock, [{ status: "missing" }]);
    const controller = new AbortController();
    mock.on(DescribeChangeSetCommand).callsFake(async () => {
      controller.abort();
      return readyChangeSet([["Add", "CodeBuild"]]);
    });
    const error = await failure(deploy({ signal: controller.signal }));
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toMatch(/nothing was deployed/);
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand"]);
  });

  it("after executing: stops following, says CloudFormation carries on and how to resume", async () => {
    // GIVEN a create in progress, and Ctrl-C while following it
    playStack(mock, [{ status: "missing" }, { status: "CREATE_IN_PROGRESS", events: createEvents() }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
    const controller = new AbortController();
    sleep = fakeSleep(() => {
      if (mock.commandCalls(ExecuteChangeSetCommand).length > 0) controller.abort();
    });
    // WHEN deployed
    const error = await failure(deploy({ signal: controller.signal }));
    // THEN exit 130, nothing deleted, and the way forward is named
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe("Stopped following the deploy of demo-cody; CloudFormation carries on with it.");
    expect(error.hint).toMatch(/`cody deploy` again/);
    expect(error.hint).toMatch(/`cody deploy`/);
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
  });
});

describe("formatChanges", () => {
  it("marks adds, modifications, removals and possible replacements", () => {
    expect(
      formatChanges([
        { action: "Add", logicalId: "EventsRule", resourceType: "AWS::Events::Rule", replacement: null, properties: [] },
        { action: "Modify", logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", replacement: "Conditional", properties: [] },
        { action: "Remove", logicalId: "LogGroup", resourceType: "AWS::Logs::LogGroup", replacement: null, properties: [] },
      ]),
    ).toEqual(["  + EventsRule       AWS::Events::Rule", "  ~ CodeBuild        AWS::CodeBuild::Project  (may be replaced)", "  - LogGroup         AWS::Logs::LogGroup"]);
  });
});

describe("property names of a Modify", () => {
  const detail = (name: string | undefined, requiresRecreation?: "Never" | "Conditionally" | "Always", attribute: "Properties" | "Tags" = "Properties") => ({
    Target: { Attribute: attribute, ...(name ? { Name: name } : {}), ...(requiresRecreation ? { RequiresRecreation: requiresRecreation } : {}) },
    Evaluation: "Static" as const,
    ChangeSource: "DirectModification" as const,
  });

  it("names each property once, with the strongest RequiresRecreation CloudFormation gave it, and attributes by name", () => {
    expect(
      propertyChanges([
        detail("Environment", "Never"),
        detail("Source", "Conditionally"),
        detail("Environment", "Always"),
        detail("Source", "Never"),
        detail(undefined, undefined, "Tags"),
      ]),
    ).toEqual([
      { name: "Environment", requiresRecreation: "Always" },
      { name: "Source", requiresRecreation: "Conditionally" },
      { name: "Tags", requiresRecreation: null },
    ]);
  });

  it("are listed under their resource, marked when they force a replacement", () => {
    expect(
      formatChanges([
        {
          action: "Modify",
          logicalId: "CodeBuild",
          resourceType: "AWS::CodeBuild::Project",
          replacement: "True",
          properties: [
            { name: "Environment", requiresRecreation: "Never" },
            { name: "Name", requiresRecreation: "Always" },
            { name: "Source", requiresRecreation: "Conditionally" },
          ],
        },
        { action: "Add", logicalId: "EventsRule", resourceType: "AWS::Events::Rule", replacement: null, properties: [] },
      ]),
    ).toEqual([
      "  ~ CodeBuild        AWS::CodeBuild::Project  (replaced)",
      "      Environment",
      "      Name (replacement)",
      "      Source (may need replacement)",
      "  + EventsRule       AWS::Events::Rule",
    ]);
  });

  it("reach the deploy's change summary and result from DescribeChangeSet's Details", async () => {
    // GIVEN an update whose change set says which properties of CodeBuild change
    playStack(mock, [
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS },
      { status: "UPDATE_COMPLETE", outputs: OUTPUTS, events: [event(8, STACK, "UPDATE_COMPLETE")] },
    ]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
    const ready = readyChangeSet([["Modify", "CodeBuild", "False"]]);
    ready.Changes![0]!.ResourceChange!.Details = [detail("Environment", "Never"), detail("TimeoutInMinutes", "Never")];
    mock.on(DescribeChangeSetCommand).resolves(ready);
    // WHEN deployed
    const result = await deploy();
    // THEN the summary lists the property names under the resource
    expect(io.lines.slice(0, 4)).toEqual(["Change set for demo-cody: 1 change", "  ~ CodeBuild        AWS::CodeBuild::Project", "      Environment", "      TimeoutInMinutes"]);
    // AND the result carries them
    expect(result.type === "deployed" && result.changes[0]?.properties.map((p) => p.name)).toEqual(["Environment", "TimeoutInMinutes"]);
  });
});

describe("the live counter's last line", () => {
  it("shows every resource done after a successful deploy whose resources sent no events (as with moto)", async () => {
    // GIVEN a terminal, and a create of four resources that reports only the stack's own events
    io = testIo({ isTTY: true });
    playStack(mock, [
      { status: "missing" },
      { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"), event(2, STACK, "CREATE_COMPLETE")] },
    ]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "IamRole"], ["Add", "EventsRuleRole"], ["Add", "CodeBuild"], ["Add", "EventsRule"]]));
    // WHEN deployed
    await deploy();
    // THEN the block ends at 4/4, not 0/4
    expect(renderScreen(io.stream).at(-1)).toMatch(/^Creating demo-cody {2}4\/4 resources {2}\d+s$/);
  });
});
