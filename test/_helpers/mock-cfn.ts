// A real CfnApi (createCloudFormation, with its error guard) whose SDK client is stubbed by
// aws-sdk-client-mock, plus builders for stacks, events and change sets, and `playStack`, which
// scripts a stack's life across DescribeStacks/DescribeStackEvents calls. No network, no credentials.
import {
  CloudFormationClient,
  ChangeSetNotFoundException,
  CloudFormationServiceException,
  ContinueUpdateRollbackCommand,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  ExecuteChangeSetCommand,
  UpdateTerminationProtectionCommand,
  type Change,
  type DescribeChangeSetCommandOutput,
  type Stack,
  type StackEvent,
} from "@aws-sdk/client-cloudformation";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { expect } from "vitest";
import { createCloudFormation, type CfnApi } from "../../src/aws/clients";
import { CodyError } from "../../src/errors";
import { fakeSleep, testIo, type FakeSleep, type TestIo } from "./test-io";

export type CfnMock = AwsClientStub<CloudFormationClient>;

export const STACK = "demo-cody";
export const STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo-cody/6c1e4a10-07a2-11ef-9b1a-0a5f3c1e2d11";
/** Server time of the test's "now"; events are placed relative to it with `at`. */
export const T0 = new Date("2024-05-01T10:00:00.000Z");
export const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
export const TEMPLATE = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  CodeBuild:\n    Type: AWS::CodeBuild::Project\n";
export const TAGS: Record<string, string> = { "cody:tool": "codybuild", "cody:project": "demo", "cody:env": "development" };
/** Outputs of the demo stack, as its template declares them. */
export const OUTPUTS = { ProjectName: "demo", ProjectArn: "arn:aws:codebuild:us-east-1:123456789012:project/demo" };

const TYPES: Record<string, string> = {
  [STACK]: "AWS::CloudFormation::Stack",
  CodeBuild: "AWS::CodeBuild::Project",
  IamRole: "AWS::IAM::Role",
  EventsRule: "AWS::Events::Rule",
  EventsRuleRole: "AWS::IAM::Role",
  LogGroup: "AWS::Logs::LogGroup",
};

/**
 * Builds the CfnApi the engine gets in production, over a stubbed CloudFormationClient. Writes
 * answer `{}` by default so only reads need scripting; unscripted reads answer `undefined`.
 */
export async function mockCfn(): Promise<{ cfn: CfnApi; mock: CfnMock }> {
  const mock = mockClient(CloudFormationClient);
  active = mock;
  mock.on(CreateChangeSetCommand).resolves({ Id: "arn:aws:cloudformation:us-east-1:123456789012:changeSet/cody/1", StackId: STACK_ID });
  mock.on(ExecuteChangeSetCommand).resolves({});
  mock.on(DeleteStackCommand).resolves({});
  mock.on(ContinueUpdateRollbackCommand).resolves({});
  mock.on(UpdateTerminationProtectionCommand).resolves({});
  const cfn = await createCloudFormation({ region: "us-east-1" });
  // As CloudFormation does: a change set that was deleted is not found any more (cody checks that).
  const deleted = new Set<string>();
  mock.on(DeleteChangeSetCommand).callsFake(async (input: { ChangeSetName?: string }) => {
    deleted.add(input.ChangeSetName ?? "");
    return {};
  });
  const describe = cfn.describeChangeSet.bind(cfn);
  cfn.describeChangeSet = async (input) => {
    if (deleted.has(input.ChangeSetName ?? "")) {
      throw new ChangeSetNotFoundException({ $metadata: { httpStatusCode: 404 }, message: `ChangeSet [${input.ChangeSetName}] does not exist` });
    }
    return describe(input);
  };
  return { cfn, mock };
}

export interface Engine {
  cfn: CfnApi;
  mock: CfnMock;
  io: TestIo;
  sleep: FakeSleep;
}

/** What each deploy/delete engine test starts from: mockCfn(), a TestIo answering `io.answers`, a fake sleep. */
export async function freshEngine(io: { answers?: boolean[] } = {}): Promise<Engine> {
  return { ...(await mockCfn()), io: testIo(io), sleep: fakeSleep() };
}

let active: CfnMock | undefined;

/** Puts the real `send` back (call from afterEach), so no later test in the worker meets the stub. */
export function restoreCfn(): void {
  active?.restore();
  active = undefined;
}

/** The names of the commands sent, in order, e.g. ["DescribeStacksCommand", "GetTemplateCommand"]. */
export function sentCommands(mock: CfnMock): string[] {
  return mock.calls().map((call) => (call.args[0] as object).constructor.name);
}

/** The name deployStack gives its change set at T0 (the tests' clock). */
export const CHANGE_SET = `cody-${T0.getTime()}`;
/** A deployed template that differs from TEMPLATE, so an update has something to change. */
export const OLD_TEMPLATE = TEMPLATE.replace("Resources:", "Description: older\nResources:");
const WRITE_COMMANDS = ["CreateChangeSetCommand", "ExecuteChangeSetCommand", "DeleteChangeSetCommand", "DeleteStackCommand", "ContinueUpdateRollbackCommand"];

/** The commands sent that change something, in order. */
export function sentWrites(mock: CfnMock): string[] {
  return sentCommands(mock).filter((name) => WRITE_COMMANDS.includes(name));
}

/** The CodyError a promise rejects with (fails the test when it resolves or rejects with anything else). */
export async function codyFailure(promise: Promise<unknown>): Promise<CodyError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CodyError);
  return error as CodyError;
}

/** What CloudFormation answers DescribeStacks for a stack that does not exist. */
export function stackNotFound(name = STACK): CloudFormationServiceException {
  return new CloudFormationServiceException({
    name: "ValidationError",
    $fault: "client",
    $metadata: { httpStatusCode: 400 },
    message: `Stack with id ${name} does not exist`,
  });
}

export function stack(status: string, extra: { outputs?: Record<string, string>; tags?: Record<string, string>; reason?: string; protection?: boolean } = {}): Stack {
  return {
    StackName: STACK,
    StackId: STACK_ID,
    StackStatus: status as Stack["StackStatus"],
    StackStatusReason: extra.reason,
    CreationTime: at(-3600),
    Outputs: Object.entries(extra.outputs ?? {}).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    Tags: Object.entries(extra.tags ?? TAGS).map(([Key, Value]) => ({ Key, Value })),
    ...(extra.protection !== undefined ? { EnableTerminationProtection: extra.protection } : {}),
  };
}

/** A stack event `seconds` after T0; the resource type follows from the logical id (see TYPES). */
export function event(seconds: number, logicalId: string, status: string, reason?: string, type?: string): StackEvent {
  return {
    StackId: STACK_ID,
    StackName: STACK,
    EventId: `${logicalId}-${status}-${seconds}`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: logicalId === STACK ? STACK_ID : `${STACK}-${logicalId}`,
    ResourceType: type ?? TYPES[logicalId] ?? "AWS::CloudFormation::WaitCondition",
    ResourceStatus: status as StackEvent["ResourceStatus"],
    ResourceStatusReason: reason,
    Timestamp: at(seconds),
  };
}

/** A DescribeChangeSet answer for a change set ready to execute. */
export function readyChangeSet(
  changes: Array<[action: string, logicalId: string, replacement?: string]>,
  createdAt: Date = T0,
): DescribeChangeSetCommandOutput {
  return {
    $metadata: {},
    Status: "CREATE_COMPLETE",
    ExecutionStatus: "AVAILABLE",
    CreationTime: createdAt,
    Changes: changes.map(([action, logicalId, replacement]): Change => ({
      Type: "Resource",
      ResourceChange: {
        Action: action as NonNullable<Change["ResourceChange"]>["Action"],
        LogicalResourceId: logicalId,
        ResourceType: TYPES[logicalId],
        ...(replacement ? { Replacement: replacement as "True" } : {}),
      },
    })),
  };
}

export interface Frame {
  /** What DescribeStacks answers; "missing" answers "does not exist". */
  status: string | "missing";
  reason?: string;
  outputs?: Record<string, string>;
  tags?: Record<string, string>;
  /** Events that happen in this frame, oldest first. They become visible when the frame does. */
  events?: StackEvent[];
  /** EnableTerminationProtection. */
  protection?: boolean;
}

/**
 * Scripts a stack's life. The n-th DescribeStacks call answers frame n (the last frame repeats).
 * DescribeStackEvents answers, newest first, the events of every frame DescribeStacks has answered
 * so far: a frame's events are what happened up to the moment its status was read, so a poller
 * sees the events of the final state only if it polls once more after reading that state.
 */
export function playStack(mock: CfnMock, frames: Frame[]): { describeCalls(): number } {
  let next = 0;
  const frameAt = (i: number) => frames[Math.min(i, frames.length - 1)];
  mock.on(DescribeStacksCommand).callsFake(async () => {
    const frame = frameAt(next);
    next += 1;
    if (frame.status === "missing") throw stackNotFound();
    return { Stacks: [stack(frame.status, frame)] };
  });
  mock.on(DescribeStackEventsCommand).callsFake(async () => ({
    StackEvents: frames
      .slice(0, next)
      .flatMap((f) => f.events ?? [])
      .reverse(),
  }));
  return { describeCalls: () => next };
}
