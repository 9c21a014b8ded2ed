import { DescribeStackEventsCommand, type StackEvent } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { rootCause, StackEventPoller, type StackActivity } from "../../src/deploy/events";
import { at, event, mockCfn, restoreCfn, STACK, STACK_ID, type CfnMock } from "../_helpers/mock-cfn";

afterEach(restoreCfn);

const PAGE_SIZE = 3;

/** Serves `feed` (newest first) as CloudFormation does: pages of PAGE_SIZE linked by NextToken. */
function serve(mock: CfnMock, feed: () => StackEvent[]): void {
  mock.on(DescribeStackEventsCommand).callsFake(async (input: { NextToken?: string }) => {
    const page = input.NextToken ? Number(input.NextToken.replace("page-", "")) : 0;
    const all = feed();
    const start = page * PAGE_SIZE;
    return {
      StackEvents: all.slice(start, start + PAGE_SIZE),
      NextToken: start + PAGE_SIZE < all.length ? `page-${page + 1}` : undefined,
    };
  });
}

const ids = (events: StackActivity[]) => events.map((e) => `${e.logicalId}@${e.time.toISOString().slice(17, 19)}`);
const tokensSent = (mock: CfnMock) => mock.commandCalls(DescribeStackEventsCommand).map((c) => c.args[0].input.NextToken);

describe("StackEventPoller", () => {
  let cfn: CfnApi;
  let mock: CfnMock;
  beforeEach(async () => {
    ({ cfn, mock } = await mockCfn());
  });

  it("pages back over three pages, hands out each new event once, oldest first, none older than since", async () => {
    // GIVEN 8 events of this operation (seconds 0..7) on three pages, the third of which goes on
    // with events of a previous operation, and a fourth page with even older ones
    const feed: StackEvent[] = [
      ...[7, 6, 5, 4, 3, 2, 1, 0].map((s) => event(s, `R${s}`, "CREATE_COMPLETE")),
      event(-5, "Old", "UPDATE_COMPLETE"),
      event(-30, "Older", "UPDATE_COMPLETE"),
      event(-60, "Oldest", "CREATE_COMPLETE"),
    ];
    serve(mock, () => feed);
    const poller = new StackEventPoller(cfn, STACK_ID, at(0));

    // WHEN it polls
    const first = await poller.poll();

    // THEN it read pages 1-3 (stopping at the first older event, never asking for page 4)
    expect(tokensSent(mock)).toEqual([undefined, "page-1", "page-2"]);
    expect(mock.commandCalls(DescribeStackEventsCommand)[0].args[0].input.StackName).toBe(STACK_ID);
    // AND got this operation's events only, oldest first (the event at exactly `since` included)
    expect(ids(first)).toEqual(["R0@00", "R1@01", "R2@02", "R3@03", "R4@04", "R5@05", "R6@06", "R7@07"]);
  });

  it("returns only events newer than the last poll, with no duplicates, across page boundaries", async () => {
    // GIVEN a poller that has already seen events 0..2
    let feed: StackEvent[] = [2, 1, 0].map((s) => event(s, `R${s}`, "CREATE_IN_PROGRESS"));
    serve(mock, () => feed);
    const poller = new StackEventPoller(cfn, STACK, at(0));
    expect(ids(await poller.poll())).toEqual(["R0@00", "R1@01", "R2@02"]);

    // WHEN two new events arrive (all on page 1)
    feed = [event(4, "R4", "CREATE_COMPLETE"), event(3, "R3", "CREATE_COMPLETE"), ...feed];
    mock.resetHistory();
    const second = await poller.poll();
    // THEN only they come back, after one request (it stops at the first known event)
    expect(ids(second)).toEqual(["R3@03", "R4@04"]);
    expect(tokensSent(mock)).toEqual([undefined]);

    // WHEN four more arrive, spilling the known ones onto page 2
    feed = [8, 7, 6, 5].map((s) => event(s, `R${s}`, "CREATE_COMPLETE")).concat(feed);
    mock.resetHistory();
    const third = await poller.poll();
    // THEN it pages once more and returns just the four, oldest first
    expect(ids(third)).toEqual(["R5@05", "R6@06", "R7@07", "R8@08"]);
    expect(tokensSent(mock)).toEqual([undefined, "page-1"]);

    // WHEN nothing new happened
    const fourth = await poller.poll();
    // THEN nothing is repeated
    expect(fourth).toEqual([]);
  });

  it("keeps two events with the same resource, status and time apart by their event ids", async () => {
    // GIVEN a resource that went IN_PROGRESS twice in the same second (distinct EventIds)
    const a = { ...event(1, "CodeBuild", "UPDATE_IN_PROGRESS"), EventId: "a" };
    const b = { ...event(1, "CodeBuild", "UPDATE_IN_PROGRESS"), EventId: "b" };
    serve(mock, () => [b, a]);
    // WHEN polled
    const events = await new StackEventPoller(cfn, STACK, at(0)).poll();
    // THEN both are reported
    expect(events).toHaveLength(2);
  });

  it("maps events to activities with the reason and physical id", async () => {
    serve(mock, () => [event(3, "CodeBuild", "CREATE_FAILED", "Invalid service role")]);
    const [activity] = await new StackEventPoller(cfn, STACK, at(0)).poll();
    expect(activity).toEqual({
      time: at(3),
      logicalId: "CodeBuild",
      resourceType: "AWS::CodeBuild::Project",
      status: "CREATE_FAILED",
      reason: "Invalid service role",
      physicalId: `${STACK}-CodeBuild`,
    });
  });
});

function activity(logicalId: string, status: string, reason?: string, resourceType = "AWS::IAM::Role"): StackActivity {
  return { time: at(0), logicalId, resourceType, status, reason };
}

describe("rootCause", () => {
  it("picks the first resource that failed for a real reason, not the cancelled cascade before it", () => {
    // GIVEN a cancelled resource reported before the one that really failed
    const events = [
      activity(STACK, "CREATE_IN_PROGRESS", "User Initiated", "AWS::CloudFormation::Stack"),
      activity("EventsRuleRole", "CREATE_FAILED", "Resource creation cancelled"),
      activity("CodeBuild", "CREATE_FAILED", "Project name is invalid", "AWS::CodeBuild::Project"),
      activity("IamRole", "CREATE_FAILED", "Resource creation cancelled"),
      activity(STACK, "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [CodeBuild]", "AWS::CloudFormation::Stack"),
    ];
    // WHEN / THEN
    expect(rootCause(events)?.logicalId).toBe("CodeBuild");
  });

  it("prefers the earliest real failure when several resources failed", () => {
    const events = [activity("IamRole", "CREATE_FAILED", "Role name too long"), activity("CodeBuild", "CREATE_FAILED", "Role not found")];
    expect(rootCause(events)?.logicalId).toBe("IamRole");
  });

  it("falls back to the first failed resource when every failure is a cancellation", () => {
    const events = [activity("IamRole", "UPDATE_FAILED", "Resource update cancelled"), activity("CodeBuild", "UPDATE_FAILED", "Resource update cancelled")];
    expect(rootCause(events)?.logicalId).toBe("IamRole");
  });

  it("falls back to the stack's own failure when no resource failed", () => {
    const stackFailure = activity(STACK, "UPDATE_FAILED", "Parameter validation failed", "AWS::CloudFormation::Stack");
    expect(rootCause([activity(STACK, "UPDATE_IN_PROGRESS", undefined, "AWS::CloudFormation::Stack"), stackFailure])).toBe(stackFailure);
  });

  it("finds nothing when nothing failed (a ROLLBACK_COMPLETE stack event is not a failure event)", () => {
    const events = [activity("IamRole", "CREATE_COMPLETE"), activity(STACK, "ROLLBACK_COMPLETE", undefined, "AWS::CloudFormation::Stack")];
    expect(rootCause(events)).toBeUndefined();
  });
});
