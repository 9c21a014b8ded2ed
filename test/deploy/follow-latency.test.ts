// How fast the follows notice that CloudFormation is done, and what that costs in calls, on fake
// timers: the real sleep and Date.now, a simulated stack that settles at a chosen moment, every call
// recorded with its time. The old follow (5 s cap, both calls every tick) fails the latency bounds.
import type { DescribeChangeSetCommandOutput, DescribeStackEventsCommandOutput, DescribeStacksCommandOutput, StackEvent } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { waitForChangeSet } from "../../src/deploy/change-set";
import { followStack } from "../../src/deploy/follow-stack";
import { realSleep } from "../../src/util/wait";
import { STACK, STACK_ID } from "../_helpers/mock-cfn";
import { testIo } from "../_helpers/test-io";

const START = Date.parse("2026-12-03T10:00:00.000Z");

interface Call {
  action: "DescribeStacks" | "DescribeStackEvents" | "DescribeChangeSet";
  at: number;
}

/**
 * A stack that is CREATE_IN_PROGRESS until `doneAt` ms after START, then CREATE_COMPLETE. Its events
 * (newest first, as CloudFormation pages them): one per resource at each of `resourceEventsAt`, and the
 * stack's own CREATE_COMPLETE at `doneAt`.
 */
function simulatedStack(doneAt: number, resourceEventsAt: number[] = []): { cfn: CfnApi; calls: Call[] } {
  const calls: Call[] = [];
  const elapsed = () => Date.now() - START;
  const event = (ms: number, logicalId: string, status: string, type: string): StackEvent => ({
    StackId: STACK_ID,
    StackName: STACK,
    EventId: `${logicalId}-${status}-${ms}`,
    LogicalResourceId: logicalId,
    ResourceType: type,
    ResourceStatus: status as StackEvent["ResourceStatus"],
    Timestamp: new Date(START + ms),
  });
  const all = [
    ...resourceEventsAt.map((ms, i) => event(ms, `Resource${i}`, "CREATE_COMPLETE", "AWS::SSM::Parameter")),
    event(doneAt, STACK, "CREATE_COMPLETE", "AWS::CloudFormation::Stack"),
  ].sort((a, b) => a.Timestamp!.getTime() - b.Timestamp!.getTime());
  const cfn = {
    describeStacks: async (): Promise<DescribeStacksCommandOutput> => {
      calls.push({ action: "DescribeStacks", at: elapsed() });
      const status = elapsed() >= doneAt ? "CREATE_COMPLETE" : "CREATE_IN_PROGRESS";
      return { $metadata: {}, Stacks: [{ StackName: STACK, StackId: STACK_ID, StackStatus: status, CreationTime: new Date(START) }] };
    },
    describeStackEvents: async (): Promise<DescribeStackEventsCommandOutput> => {
      calls.push({ action: "DescribeStackEvents", at: elapsed() });
      return { $metadata: {}, StackEvents: all.filter((e) => e.Timestamp!.getTime() <= Date.now()).reverse() };
    },
  } as unknown as CfnApi;
  return { cfn, calls };
}

/** Runs `work` on fake timers, jumping from timer to timer, and says when (ms after START) it ended. */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; endedAt: number }> {
  let ended: { value: T; endedAt: number } | undefined;
  let failed: unknown;
  vi.setSystemTime(START); // each run starts at START: times are ms after it
  work().then(
    (value) => (ended = { value, endedAt: Date.now() - START }),
    (error: unknown) => (failed = error ?? new Error("rejected")),
  );
  while (!ended && failed === undefined) await vi.advanceTimersToNextTimerAsync();
  if (failed !== undefined) throw failed;
  return ended!;
}

async function follow(cfn: CfnApi) {
  const io = testIo();
  const stack = { exists: true, name: STACK, status: "CREATE_IN_PROGRESS", stackId: STACK_ID, outputs: {}, tags: {} };
  return timed(() => followStack({ cfn, stackName: STACK, io, sleep: realSleep }, stack, new Date(START), "Creating", 1));
}

/** Calls of one action per minute, between two moments (ms after START). */
function perMinute(calls: Call[], action: Call["action"], from: number, to: number): number {
  return (calls.filter((c) => c.action === action && c.at >= from && c.at < to).length * 60_000) / (to - from);
}

beforeEach(() => {
  vi.useFakeTimers({ now: START });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("followStack: completion is noticed within 2 s", () => {
  it("on a quiet stack (no resource events, as moto), for a settle moment anywhere in the first two minutes", async () => {
    // GIVEN stacks that settle at 0 s, 0.25 s, ... 120 s, with no event before
    const latencies: number[] = [];
    for (let doneAt = 0; doneAt <= 120_000; doneAt += 250) {
      const { cfn } = simulatedStack(doneAt);
      // WHEN followed
      const { value, endedAt } = await follow(cfn);
      // THEN it ends CREATE_COMPLETE, no earlier than the stack settled
      expect(value.stack.status).toBe("CREATE_COMPLETE");
      expect(endedAt).toBeGreaterThanOrEqual(doneAt);
      latencies.push(endedAt - doneAt);
    }
    // AND never later than one longest tick, about a second on average (the old follow: up to 5 s, 2.3 s)
    expect(Math.max(...latencies)).toBeLessThanOrEqual(2000);
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    expect(mean).toBeLessThanOrEqual(1100);
  });

  it("on a busy stack (a resource event every 700 ms), within a second", async () => {
    const latencies: number[] = [];
    for (let doneAt = 5_000; doneAt <= 35_000; doneAt += 333) {
      const events = Array.from({ length: Math.floor(doneAt / 700) }, (_, i) => i * 700);
      const { cfn } = simulatedStack(doneAt, events);
      const { endedAt } = await follow(cfn);
      latencies.push(endedAt - doneAt);
    }
    expect(Math.max(...latencies)).toBeLessThanOrEqual(1000);
  });
});

describe("followStack: calls per minute", () => {
  it("a 30-minute quiet stretch costs 30 status and 10 event reads a minute (the old follow: 12 and 12)", async () => {
    // GIVEN a stack that takes 30 minutes, with one resource event at the start
    const { cfn, calls } = simulatedStack(30 * 60_000, [500]);
    // WHEN followed to the end
    const { endedAt } = await follow(cfn);
    expect(endedAt - 30 * 60_000).toBeLessThanOrEqual(2000);
    // THEN past the first minute, the status is read every 2 s and the events every 6 s
    const status = perMinute(calls, "DescribeStacks", 60_000, 30 * 60_000);
    const events = perMinute(calls, "DescribeStackEvents", 60_000, 30 * 60_000);
    expect(status).toBeLessThanOrEqual(30);
    expect(events).toBeLessThanOrEqual(10);
    expect(status + events).toBeLessThanOrEqual(40);
    // AND the events were still read: nothing printed late by more than the quiet cadence
    expect(events).toBeGreaterThanOrEqual(9);
  });

  it("a busy stack is read at most every second: no more calls than the old follow's busy rate", async () => {
    // GIVEN a 10-minute deploy with an event every 500 ms
    const { cfn, calls } = simulatedStack(10 * 60_000, Array.from({ length: 1200 }, (_, i) => i * 500));
    await follow(cfn);
    // THEN at most one status and one event read per second
    expect(perMinute(calls, "DescribeStacks", 0, 10 * 60_000)).toBeLessThanOrEqual(60);
    expect(perMinute(calls, "DescribeStackEvents", 0, 10 * 60_000)).toBeLessThanOrEqual(60);
  });

  it("--timeout still bounds the follow", async () => {
    const { cfn } = simulatedStack(60 * 60_000);
    const io = testIo();
    const stack = { exists: true, name: STACK, status: "CREATE_IN_PROGRESS", stackId: STACK_ID, outputs: {}, tags: {} };
    const run = timed(() => followStack({ cfn, stackName: STACK, io, sleep: realSleep, timeoutMs: 90_000 }, stack, new Date(START), "Creating"));
    await expect(run).rejects.toThrow(/stopped waiting for stack demo-cody after 90 s \(--timeout\): it is still CREATE_IN_PROGRESS/);
  });
});

describe("waitForChangeSet: a change set is noticed within 1 s", () => {
  it("wherever in its first 30 s CloudFormation finishes it, at no more than one read a second", async () => {
    const latencies: number[] = [];
    for (let readyAt = 0; readyAt <= 30_000; readyAt += 125) {
      const calls: Call[] = [];
      const cfn = {
        describeChangeSet: async (): Promise<DescribeChangeSetCommandOutput> => {
          calls.push({ action: "DescribeChangeSet", at: Date.now() - START });
          const ready = Date.now() - START >= readyAt;
          return { $metadata: {}, Status: ready ? "CREATE_COMPLETE" : "CREATE_IN_PROGRESS", Changes: [] };
        },
      } as unknown as CfnApi;
      const { value, endedAt } = await timed(() => waitForChangeSet({ cfn, stackName: STACK, sleep: realSleep }, "cody-1"));
      expect(value.type).toBe("ready");
      latencies.push(endedAt - readyAt);
      expect(calls.length).toBeLessThanOrEqual(Math.ceil(endedAt / 1000) + 2);
    }
    expect(Math.max(...latencies)).toBeLessThanOrEqual(1000);
  });
});
