// cody drift: moto has no drift detection, so the engine and the command run against a CloudFormation
// client stubbed with aws-sdk-client-mock, answering as CloudFormation documents it.
import {
  CloudFormationClient,
  DescribeStackDriftDetectionStatusCommand,
  DescribeStackResourceDriftsCommand,
  DetectStackDriftCommand,
} from "@aws-sdk/client-cloudformation";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createDrift } from "../../src/aws/clients";
import { run } from "../../src/cli/main";
import { detectDrift, dottedPath } from "../../src/deploy/drift";
import { recordingReporter, fakeSleep } from "../_helpers/test-io";

const cf = mockClient(CloudFormationClient);
afterEach(() => cf.reset());

const STACK = "demo-cody";
const MODIFIED = {
  StackId: "id",
  LogicalResourceId: "CodeBuild",
  PhysicalResourceId: "demo",
  ResourceType: "AWS::CodeBuild::Project",
  StackResourceDriftStatus: "MODIFIED" as const,
  Timestamp: new Date(),
  PropertyDifferences: [
    { PropertyPath: "/Environment/ComputeType", ExpectedValue: '"BUILD_GENERAL1_SMALL"', ActualValue: '"BUILD_GENERAL1_LARGE"', DifferenceType: "NOT_EQUAL" as const },
    { PropertyPath: "/TimeoutInMinutes", ExpectedValue: "20", ActualValue: "60", DifferenceType: "NOT_EQUAL" as const },
    { PropertyPath: "/Tags/1", ExpectedValue: "", ActualValue: '{"Key":"owner","Value":"someone"}', DifferenceType: "ADD" as const },
  ],
};
const DELETED = { StackId: "id", LogicalResourceId: "EventsRule", PhysicalResourceId: "cody-demo", ResourceType: "AWS::Events::Rule", StackResourceDriftStatus: "DELETED" as const, Timestamp: new Date() };

/**
 * CloudFormation's answers: the detection in progress at the first status call (unless `waits` is false),
 * then `final`. The command's wait is real time (a second): one command-level test below goes through it,
 * the others say false (waiting itself is detectDrift's, tested above with a fake sleep).
 */
function scripted(
  final: { DetectionStatus: "DETECTION_COMPLETE" | "DETECTION_FAILED"; StackDriftStatus: "DRIFTED" | "IN_SYNC"; DetectionStatusReason?: string },
  drifts: unknown[],
  { waits = true } = {},
) {
  cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: "det-1" });
  const status = cf.on(DescribeStackDriftDetectionStatusCommand);
  (waits ? status.resolvesOnce({ StackId: "id", StackDriftDetectionId: "det-1", DetectionStatus: "DETECTION_IN_PROGRESS", Timestamp: new Date() }) : status)
    .resolves({ StackId: "id", StackDriftDetectionId: "det-1", Timestamp: new Date(), ...final });
  cf.on(DescribeStackResourceDriftsCommand).resolves({ StackResourceDrifts: drifts as never });
}

describe("detectDrift", () => {
  it("waits for detection and returns drifted resources with expected and actual values", async () => {
    scripted({ DetectionStatus: "DETECTION_COMPLETE", StackDriftStatus: "DRIFTED" }, [MODIFIED, DELETED]);
    const sleep = fakeSleep();
    const result = await detectDrift({ api: await createDrift({ region: "us-east-1" }), stackName: STACK, sleep: sleep.sleep });
    expect(result.drifted).toBe(true);
    expect(result.resources[0]).toEqual({
      logicalId: "CodeBuild",
      resourceType: "AWS::CodeBuild::Project",
      physicalId: "demo",
      status: "MODIFIED",
      properties: [
        { path: "Environment.ComputeType", difference: "NOT_EQUAL", expected: "BUILD_GENERAL1_SMALL", actual: "BUILD_GENERAL1_LARGE" },
        { path: "TimeoutInMinutes", difference: "NOT_EQUAL", expected: 20, actual: 60 },
        { path: "Tags[1]", difference: "ADD", expected: "", actual: { Key: "owner", Value: "someone" } },
      ],
    });
    expect(cf.commandCalls(DescribeStackResourceDriftsCommand)[0].args[0].input).toEqual({ StackName: STACK, StackResourceDriftStatusFilters: ["MODIFIED", "DELETED"] });
    expect(cf.commandCalls(DescribeStackDriftDetectionStatusCommand)).toHaveLength(2);
  });

  it("stops waiting after the bound, saying how to read the result later", async () => {
    cf.on(DetectStackDriftCommand).resolves({ StackDriftDetectionId: "det-9" });
    cf.on(DescribeStackDriftDetectionStatusCommand).resolves({ StackId: "id", StackDriftDetectionId: "det-9", DetectionStatus: "DETECTION_IN_PROGRESS", Timestamp: new Date() });
    let t = 0;
    const error = await detectDrift({ api: await createDrift({ region: "us-east-1" }), stackName: STACK, sleep: fakeSleep().sleep, timeoutMs: 60_000, now: () => (t += 20_000) }).catch((e: unknown) => e);
    expect(String((error as Error).message)).toContain("still running after 1 minutes");
    expect((error as { hint?: string }).hint).toContain("--stack-drift-detection-id det-9");
  });

  it("turns CloudFormation's JSON pointers into cody's paths", () => {
    expect(dottedPath("/Policies/0/PolicyDocument/Statement/2/Action")).toBe("Policies[0].PolicyDocument.Statement[2].Action");
  });
});

describe("cody drift", () => {
  async function cody(...args: string[]) {
    const recording = recordingReporter();
    // The project named: its default, the current folder's name, would make the checkout's folder part of the test.
    const code = await run(["node", "cody", "drift", "demo", "--stack-name", STACK, "--region", "us-east-1", ...args], { reporter: recording.reporter });
    return { code, err: recording.lines.join("\n"), out: recording.out.join("\n") };
  }

  it("prints each drifted resource with template → actual values and exits 4", async () => {
    scripted({ DetectionStatus: "DETECTION_COMPLETE", StackDriftStatus: "DRIFTED" }, [MODIFIED, DELETED]); // the CLI waits one real second
    const r = await cody();
    expect(r.code).toBe(4);
    expect(r.out.split("\n")).toEqual([
      "  ~ CodeBuild        AWS::CodeBuild::Project  MODIFIED",
      '      Environment.ComputeType: "BUILD_GENERAL1_SMALL" (template) → "BUILD_GENERAL1_LARGE" (actual)',
      "      TimeoutInMinutes: 20 (template) → 60 (actual)",
      '      Tags[1]: added outside CloudFormation: { Key: "owner", Value: "someone" }',
      "  - EventsRule       AWS::Events::Rule  DELETED",
    ]);
    expect(r.err).toContain("error 2 resources of demo-cody changed outside CloudFormation (drift).");
  });

  it("exits 0 in sync, and --json carries the same", async () => {
    scripted({ DetectionStatus: "DETECTION_COMPLETE", StackDriftStatus: "IN_SYNC" }, [], { waits: false });
    const r = await cody();
    expect(r.code).toBe(0);
    expect(r.err).toContain("In sync: stack demo-cody (us-east-1) matches its template.");
    cf.reset();
    scripted({ DetectionStatus: "DETECTION_FAILED", StackDriftStatus: "DRIFTED", DetectionStatusReason: "Drift detection is not supported for AWS::Scheduler::Schedule" }, [DELETED], { waits: false });
    const j = await cody("--json");
    expect(j.code).toBe(4);
    expect(JSON.parse(j.out)).toEqual({
      command: "drift",
      type: "drifted",
      stackName: STACK,
      region: "us-east-1",
      detectionStatus: "DETECTION_FAILED",
      reason: "Drift detection is not supported for AWS::Scheduler::Schedule",
      resources: [{ logicalId: "EventsRule", resourceType: "AWS::Events::Rule", physicalId: "cody-demo", status: "DELETED", properties: [] }],
    });
    expect(j.err).toContain("warning drift detection did not check everything: Drift detection is not supported");
  });

  it("a stack that does not exist: exit 1, not 4", async () => {
    cf.on(DetectStackDriftCommand).rejects(Object.assign(new Error("Stack with id demo-cody does not exist"), { name: "ValidationError", $metadata: { httpStatusCode: 400 } }));
    const r = await cody();
    expect(r.code).toBe(1);
    expect(r.err).toContain("error stack demo-cody does not exist: there is nothing to compare.");
  });
});
