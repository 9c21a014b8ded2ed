// The StackSets engine against a stubbed SDK client (aws-sdk-client-mock behind the real createStackSets,
// error guard included): what it calls, in which order, with which ids and preferences; failures an
// emulator cannot produce (an instance FAILED with a reason, an operation STOPPED, a follow that times
// out, Ctrl-C); and the no-op.
import {
  CloudFormationClient,
  CreateStackInstancesCommand,
  CreateStackSetCommand,
  DeleteStackInstancesCommand,
  DeleteStackSetCommand,
  DescribeStackSetCommand,
  DescribeStackSetOperationCommand,
  ListStackInstancesCommand,
  ListStackSetOperationResultsCommand,
  StackSetNotFoundException,
  UpdateStackSetCommand,
  type StackInstanceSummary,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStackSets } from "../../src/aws/clients";
import { Interrupted } from "../../src/errors";
import { deleteStackSetAndInstances } from "../../src/stacksets/delete";
import { deployStackSet, type StackSetIo } from "../../src/stacksets/deploy";
import { missingBatches } from "../../src/stacksets/instances";
import { OperationTimeout } from "../../src/stacksets/operation";
import { stackSetPlan } from "../../src/stacksets/plan";
import { createOperationPrinter } from "../../src/stacksets/printer";
import { fakeSleep, recordingReporter } from "../_helpers/test-io";

const NAME = "demo-cody";
const ACCOUNT = "123456789012";
const TEMPLATE = "Resources:\n  CodeBuild:\n    Type: AWS::CodeBuild::Project\n";
const TAGS = { "cody:tool": "codybuild" };
const cfnMock = mockClient(CloudFormationClient);

beforeEach(() => {
  cfnMock.reset();
  process.env.AWS_REGION = "us-east-1";
});
afterEach(() => cfnMock.reset());

const plan = (extra: Partial<Parameters<typeof stackSetPlan>[0]["settings"]> = {}) =>
  stackSetPlan({ settings: { regions: ["us-east-1", "eu-west-1"], ...extra }, stackName: NAME, templateBody: TEMPLATE, tags: TAGS, callerAccount: ACCOUNT });

function io(answers: boolean[] = []) {
  const recording = recordingReporter();
  const questions: string[] = [];
  const value: StackSetIo = {
    reporter: recording.reporter,
    printer: (title) => createOperationPrinter(recording.reporter, title),
    confirm: async (q) => {
      questions.push(q);
      const a = answers.shift();
      if (a === undefined) throw new Error(`unexpected question ${q}`);
      return a;
    },
  };
  return { io: value, lines: recording.lines, questions };
}

const instance = (region: string, extra: Partial<StackInstanceSummary> = {}): StackInstanceSummary => ({
  Account: ACCOUNT,
  Region: region,
  Status: "CURRENT",
  StackInstanceStatus: { DetailedStatus: "SUCCEEDED" },
  ...extra,
});
const existingSet = (body = TEMPLATE) => ({ StackSet: { StackSetName: NAME, Status: "ACTIVE" as const, TemplateBody: body, Tags: [{ Key: "cody:tool", Value: "codybuild" }], PermissionModel: "SELF_MANAGED" as const } });
const ids = () => {
  let n = 0;
  return () => `op-${++n}`;
};
const callsOf = <T>(command: T) => cfnMock.commandCalls(command as never).map((c) => c.args[0].input as Record<string, unknown>);

describe("deployStackSet", () => {
  it("a new set: CreateStackSet with both IAM capabilities and tags, then one CreateStackInstances for both regions, followed to the end", async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(new StackSetNotFoundException({ message: `StackSet ${NAME} not found`, $metadata: {} }));
    cfnMock.on(CreateStackSetCommand).resolves({ StackSetId: `${NAME}:1` });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-2" });
    cfnMock.on(DescribeStackSetOperationCommand).resolvesOnce({ StackSetOperation: { Status: "RUNNING" } }).resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [{ Account: ACCOUNT, Region: "us-east-1", Status: "SUCCEEDED" }, { Account: ACCOUNT, Region: "eu-west-1", Status: "SUCCEEDED" }] });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1"), instance("eu-west-1")] });
    const { io: sio, lines } = io();
    const sleep = fakeSleep();
    let checked = 0;
    const result = await deployStackSet(plan({ maxConcurrentPercentage: 50 }), { api: await createStackSets({}), io: sio, sleep: sleep.sleep, newId: ids(), beforeChanges: async () => void checked++ });

    expect(result.type).toBe("created");
    expect(result.failed).toBe(false);
    expect(checked).toBe(1);
    expect(callsOf(CreateStackSetCommand)[0]).toMatchObject({ StackSetName: NAME, TemplateBody: TEMPLATE, Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], Tags: [{ Key: "cody:tool", Value: "codybuild" }], PermissionModel: "SELF_MANAGED", ClientRequestToken: "op-1" });
    expect(callsOf(CreateStackInstancesCommand)).toEqual([
      { StackSetName: NAME, Accounts: [ACCOUNT], Regions: ["us-east-1", "eu-west-1"], OperationId: "op-2", OperationPreferences: { RegionOrder: ["us-east-1", "eu-west-1"], MaxConcurrentPercentage: 50 } },
    ]);
    // Polled until SUCCEEDED, with a bounded first wait.
    expect(sleep.calls).toEqual([1000]);
    expect(lines).toContain(`${NAME} create instances  123456789012  eu-west-1       SUCCEEDED`);
    expect(result.instances.map((i) => i.region)).toEqual(["eu-west-1", "us-east-1"]);
  });

  it("no-op: same template and tags and every instance present: no write call, no preflight", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1"), instance("eu-west-1")] });
    let checked = 0;
    const result = await deployStackSet(plan(), { api: await createStackSets({}), io: io().io, sleep: fakeSleep().sleep, beforeChanges: async () => void checked++ });
    expect(result.type).toBe("no-changes");
    expect(checked).toBe(0);
    expect(callsOf(UpdateStackSetCommand)).toEqual([]);
    expect(callsOf(CreateStackInstancesCommand)).toEqual([]);
  });

  it("a missing region only: CreateStackInstances for that region, no UpdateStackSet", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolvesOnce({ Summaries: [instance("us-east-1")] }).resolves({ Summaries: [instance("us-east-1"), instance("eu-west-1")] });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [{ Account: ACCOUNT, Region: "eu-west-1", Status: "SUCCEEDED" }] });
    const result = await deployStackSet(plan(), { api: await createStackSets({}), io: io().io, sleep: fakeSleep().sleep, newId: ids() });
    expect(result.type).toBe("extended");
    expect(callsOf(UpdateStackSetCommand)).toEqual([]);
    expect(callsOf(CreateStackInstancesCommand)[0]).toMatchObject({ Accounts: [ACCOUNT], Regions: ["eu-west-1"] });
  });

  it("a changed template: UpdateStackSet with an OperationId and the preferences; an instance FAILED with its reason fails the deploy and stops before adding instances", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet("Resources: {}\n"));
    cfnMock.on(UpdateStackSetCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "FAILED", StatusReason: "failure tolerance exceeded" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({
      Summaries: [
        { Account: ACCOUNT, Region: "us-east-1", Status: "FAILED", StatusReason: "Account 123456789012 should have 'AWSCloudFormationStackSetExecutionRole' role with trust relationship to Role 'AWSCloudFormationStackSetAdministrationRole'." },
        { Account: ACCOUNT, Region: "eu-west-1", Status: "CANCELLED" },
      ],
    });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1", { Status: "OUTDATED", StatusReason: "execution role missing" })] });
    const { io: sio, lines } = io();
    const result = await deployStackSet(plan(), { api: await createStackSets({}), io: sio, sleep: fakeSleep().sleep, newId: ids() });
    expect(result.failed).toBe(true);
    expect(result.type).toBe("updated");
    expect(callsOf(UpdateStackSetCommand)[0]).toMatchObject({ StackSetName: NAME, OperationId: "op-1", Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"], OperationPreferences: { RegionOrder: ["us-east-1", "eu-west-1"] } });
    expect(callsOf(CreateStackInstancesCommand)).toEqual([]);
    expect(result.operations[0]).toMatchObject({ status: "FAILED", reason: "failure tolerance exceeded" });
    expect(lines.some((l) => l.includes("us-east-1") && l.includes("FAILED") && l.includes("AWSCloudFormationStackSetExecutionRole"))).toBe(true);
  });

  it("an operation STOPPED fails the deploy even when no instance says FAILED", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "STOPPED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [{ Account: ACCOUNT, Region: "us-east-1", Status: "SUCCEEDED" }] });
    const result = await deployStackSet(plan(), { api: await createStackSets({}), io: io().io, sleep: fakeSleep().sleep, newId: ids() });
    expect(result.failed).toBe(true);
    expect(result.operations.map((o) => o.status)).toEqual(["STOPPED"]);
  });

  it("a follow that reaches --timeout stops with exit 2 and says StackSets carries on; the waits never pass the deadline", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "RUNNING" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    let clock = 0;
    const sleep = fakeSleep((_, ms) => (clock += ms));
    const error = await deployStackSet(plan(), { api: await createStackSets({}), io: io().io, sleep: sleep.sleep, now: () => clock, timeoutMs: 10_000, newId: ids() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationTimeout);
    expect((error as OperationTimeout).exitCode).toBe(2);
    expect((error as Error).message).toContain("stopped waiting for operation op-1 (create instances) of stack set demo-cody after 10 s");
    expect((error as Error).message).toContain("StackSets carries on with it");
    expect(sleep.calls.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...sleep.calls)).toBeLessThanOrEqual(5000);
  });

  it("Ctrl-C while following: Interrupted (130), naming the operation that goes on and how to resume", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "RUNNING" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    const controller = new AbortController();
    const sleep = fakeSleep(() => controller.abort());
    const error = await deployStackSet(plan(), { api: await createStackSets({}), io: io().io, sleep: sleep.sleep, signal: controller.signal, newId: ids() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Interrupted);
    expect((error as Interrupted).exitCode).toBe(130);
    expect((error as Error).message).toContain("stopped following operation op-1 (create instances) of stack set demo-cody; StackSets carries on with it");
    expect((error as Interrupted).hint).toContain("cody deploy --stack-set");
  });

  it("SERVICE_MANAGED: auto-deployment on, instances through DeploymentTargets of the organizational units", async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(new StackSetNotFoundException({ message: "not found", $metadata: {} }));
    cfnMock.on(CreateStackSetCommand).resolves({ StackSetId: "x" });
    cfnMock.on(CreateStackInstancesCommand).resolves({ OperationId: "op-2" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [] });
    await deployStackSet(plan({ permissionModel: "SERVICE_MANAGED", organizationalUnits: ["ou-ab12-cd34ef56"] }), { api: await createStackSets({}), io: io().io, sleep: fakeSleep().sleep, newId: ids() });
    expect(callsOf(CreateStackSetCommand)[0]).toMatchObject({ PermissionModel: "SERVICE_MANAGED", AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false } });
    expect(callsOf(CreateStackInstancesCommand)[0]).toMatchObject({ DeploymentTargets: { OrganizationalUnitIds: ["ou-ab12-cd34ef56"] }, Regions: ["us-east-1", "eu-west-1"] });
    expect(callsOf(CreateStackInstancesCommand)[0]).not.toHaveProperty("Accounts");
  });
});

describe("missingBatches", () => {
  it("groups targets that miss the same regions into one call", () => {
    const have = [
      { account: "111111111111", region: "us-east-1", organizationalUnit: null, status: "CURRENT", detailedStatus: null, reason: null, stackId: null },
    ];
    expect(missingBatches("SELF_MANAGED", ["111111111111", "222222222222", "333333333333"], ["us-east-1", "eu-west-1"], have)).toEqual([
      { targets: ["111111111111"], regions: ["eu-west-1"] },
      { targets: ["222222222222", "333333333333"], regions: ["us-east-1", "eu-west-1"] },
    ]);
  });
});

describe("deleteStackSetAndInstances", () => {
  it("asks listing every instance, deletes them with RetainStacks false, then the set", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1"), instance("eu-west-1")] });
    cfnMock.on(DeleteStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "SUCCEEDED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [] });
    cfnMock.on(DeleteStackSetCommand).resolves({});
    const { io: sio, questions } = io([true]);
    const result = await deleteStackSetAndInstances(NAME, "us-east-1", { api: await createStackSets({}), io: sio, sleep: fakeSleep().sleep, newId: ids() });
    expect(result.type).toBe("deleted");
    expect(questions[0]).toContain("Delete the 2 instances of stack set demo-cody (us-east-1)");
    expect(questions[0]).toContain("123456789012  eu-west-1");
    expect(callsOf(DeleteStackInstancesCommand)).toEqual([{ StackSetName: NAME, Accounts: [ACCOUNT], Regions: ["eu-west-1", "us-east-1"], RetainStacks: false, OperationId: "op-1" }]);
    expect(callsOf(DeleteStackSetCommand)).toEqual([{ StackSetName: NAME }]);
  });

  it("a no: nothing deleted", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1")] });
    const result = await deleteStackSetAndInstances(NAME, "us-east-1", { api: await createStackSets({}), io: io([false]).io, sleep: fakeSleep().sleep });
    expect(result.type).toBe("cancelled");
    expect(callsOf(DeleteStackInstancesCommand)).toEqual([]);
  });

  it("a failed instance delete keeps the set and says so (exit 2)", async () => {
    cfnMock.on(DescribeStackSetCommand).resolves(existingSet());
    cfnMock.on(ListStackInstancesCommand).resolves({ Summaries: [instance("us-east-1")] });
    cfnMock.on(DeleteStackInstancesCommand).resolves({ OperationId: "op-1" });
    cfnMock.on(DescribeStackSetOperationCommand).resolves({ StackSetOperation: { Status: "FAILED" } });
    cfnMock.on(ListStackSetOperationResultsCommand).resolves({ Summaries: [{ Account: ACCOUNT, Region: "us-east-1", Status: "FAILED", StatusReason: "stack delete failed" }] });
    const error = await deleteStackSetAndInstances(NAME, "us-east-1", { api: await createStackSets({}), io: io([true]).io, sleep: fakeSleep().sleep }).catch((e: unknown) => e);
    expect((error as { exitCode: number }).exitCode).toBe(2);
    expect((error as Error).message).toContain("123456789012 us-east-1 (stack delete failed)");
    expect((error as Error).message).toContain("The stack set was not deleted.");
    expect(callsOf(DeleteStackSetCommand)).toEqual([]);
  });

  it("a set that does not exist: nothing asked, nothing deleted", async () => {
    cfnMock.on(DescribeStackSetCommand).rejects(new StackSetNotFoundException({ message: "not found", $metadata: {} }));
    const result = await deleteStackSetAndInstances(NAME, "us-east-1", { api: await createStackSets({}), io: io().io, sleep: fakeSleep().sleep });
    expect(result.type).toBe("missing");
  });
});
