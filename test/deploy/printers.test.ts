import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StackActivity } from "../../src/deploy/events";
import { createPrinter, formatActivity, LivePrinter, PlainPrinter } from "../../src/deploy/printers";
import { at, STACK, T0 } from "../_helpers/mock-cfn";
import { renderScreen } from "../_helpers/terminal";
import { recordingReporter } from "../_helpers/test-io";

const TYPES: Record<string, string> = {
  [STACK]: "AWS::CloudFormation::Stack",
  IamRole: "AWS::IAM::Role",
  EventsRuleRole: "AWS::IAM::Role",
  CodeBuild: "AWS::CodeBuild::Project",
  EventsRule: "AWS::Events::Rule",
};

function a(seconds: number, logicalId: string, status: string, reason?: string): StackActivity {
  return { time: at(seconds), logicalId, resourceType: TYPES[logicalId], status, reason };
}

/** A create of four resources, as CloudFormation reports it, with the second each event arrives. */
const CREATE: StackActivity[] = [
  a(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"),
  a(2, "IamRole", "CREATE_IN_PROGRESS"),
  a(2, "EventsRuleRole", "CREATE_IN_PROGRESS"),
  a(3, "IamRole", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
  a(3, "EventsRuleRole", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
  a(19, "IamRole", "CREATE_COMPLETE"),
  a(19, "EventsRuleRole", "CREATE_COMPLETE"),
  a(21, "CodeBuild", "CREATE_IN_PROGRESS"),
  a(23, "CodeBuild", "CREATE_COMPLETE"),
  a(24, "EventsRule", "CREATE_IN_PROGRESS"),
  a(35, "EventsRule", "CREATE_COMPLETE"),
  a(36, STACK, "CREATE_COMPLETE"),
];

/** Feeds events to a printer at their own time, advancing the fake clock (and the redraw timer). */
function play(printer: { activity(e: StackActivity): void }, events: StackActivity[]): void {
  for (const e of events) {
    const wait = e.time.getTime() - Date.now();
    if (wait > 0) vi.advanceTimersByTime(wait);
    printer.activity(e);
  }
}

describe("LivePrinter (TTY)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("draws the block, then redraws it in place: cursor up over the old block, clear, new block", () => {
    // GIVEN a live printer on a terminal
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Creating demo-cody");

    // WHEN it starts
    printer.start(4);
    // THEN one line is drawn
    expect(stream).toEqual(["Creating demo-cody  0/4 resources  0s\n"]);

    // WHEN a resource starts
    printer.activity(a(0, "IamRole", "CREATE_IN_PROGRESS"));
    // THEN the one-line block is erased and a two-line block drawn
    expect(stream.slice(1)).toEqual(["\x1b[1A\r\x1b[0J", "Creating demo-cody  0/4 resources  0s\n  … IamRole AWS::IAM::Role\n"]);

    // WHEN a second passes
    vi.advanceTimersByTime(1000);
    // THEN the timer redraws the two-line block with the elapsed time
    expect(stream.slice(3)).toEqual(["\x1b[2A\r\x1b[0J", "Creating demo-cody  0/4 resources  1s\n  … IamRole AWS::IAM::Role\n"]);

    // WHEN it completes
    printer.activity(a(1, "IamRole", "CREATE_COMPLETE"));
    expect(stream.slice(5)).toEqual(["\x1b[2A\r\x1b[0J", "Creating demo-cody  1/4 resources  1s\n"]);
    printer.stop();
  });

  it("ends on the final block 'Creating demo-cody  4/4 resources' and stops redrawing", () => {
    // GIVEN a live printer fed a whole create
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Creating demo-cody");
    printer.start(4);
    play(printer, CREATE);

    // WHEN stopped
    printer.stop();

    // THEN the terminal shows just the final block, counting all four resources
    expect(renderScreen(stream)).toEqual(["Creating demo-cody  4/4 resources  36s"]);
    // AND the timer is gone: no more output however long we wait
    const written = stream.length;
    vi.advanceTimersByTime(10_000);
    expect(stream).toHaveLength(written);
    // AND what comes next prints below the block instead of erasing it
    reporter.info("Deployed demo-cody (CREATE_COMPLETE) in 36.0s");
    expect(renderScreen(stream)).toEqual(["Creating demo-cody  4/4 resources  36s", "Deployed demo-cody (CREATE_COMPLETE) in 36.0s"]);
  });

  it("prints failures above the block, where they stay while the block keeps being redrawn", () => {
    // GIVEN a create in which CodeBuild fails and the rule is cancelled
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Creating demo-cody");
    printer.start(3);
    play(printer, [
      a(1, "IamRole", "CREATE_IN_PROGRESS"),
      a(2, "CodeBuild", "CREATE_IN_PROGRESS"),
      a(3, "EventsRule", "CREATE_IN_PROGRESS"),
      a(5, "CodeBuild", "CREATE_FAILED", "Invalid service role"),
    ]);

    // THEN the failure sits above a block still showing what is in flight
    expect(renderScreen(stream)).toEqual([
      "10:00:05  CREATE_FAILED         AWS::CodeBuild::Project     CodeBuild  Invalid service role",
      "Creating demo-cody  1/3 resources  5s",
      "  … IamRole AWS::IAM::Role",
      "  … EventsRule AWS::Events::Rule",
    ]);

    // WHEN more happens, including a second failure, and time passes
    play(printer, [a(6, "EventsRule", "CREATE_FAILED", "Resource creation cancelled"), a(7, "IamRole", "CREATE_COMPLETE")]);
    vi.advanceTimersByTime(3000);
    printer.stop();

    // THEN both failures are still on screen, in order, above the final block
    expect(renderScreen(stream)).toEqual([
      "10:00:05  CREATE_FAILED         AWS::CodeBuild::Project     CodeBuild  Invalid service role",
      "10:00:06  CREATE_FAILED         AWS::Events::Rule           EventsRule  Resource creation cancelled",
      "Creating demo-cody  3/3 resources  10s",
    ]);
  });

  it("ends a successful deploy at done = total even when no resource event came (moto sends none)", () => {
    // GIVEN a live printer for a change set of 4 whose stack completes with only its own events
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Creating demo-cody");
    printer.start(4);
    play(printer, [a(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"), a(2, STACK, "CREATE_COMPLETE")]);
    // WHEN stopped after the stack succeeded
    printer.stop(true);
    // THEN the final block counts all four
    expect(renderScreen(stream)).toEqual(["Creating demo-cody  4/4 resources  2s"]);
  });

  it("does not claim the rest done when the stack did not succeed", () => {
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Updating demo-cody");
    printer.start(3);
    play(printer, [a(1, "CodeBuild", "UPDATE_FAILED", "boom")]);
    printer.stop(false);
    expect(renderScreen(stream).at(-1)).toBe("Updating demo-cody  1/3 resources  1s");
  });

  it("counts a delete without a total: 'n resources deleted', and 'done' when none was reported", () => {
    // GIVEN a delete, whose resource count is not known
    const { reporter, stream } = recordingReporter({ isTTY: true });
    const printer = new LivePrinter(reporter, "Deleting demo-cody");
    printer.start(undefined, "deleted");
    // THEN it starts without a "0/0"
    expect(renderScreen(stream)).toEqual(["Deleting demo-cody  0 resources deleted  0s"]);
    // WHEN resources go
    play(printer, [a(1, "EventsRule", "DELETE_IN_PROGRESS"), a(2, "EventsRule", "DELETE_COMPLETE"), a(3, "CodeBuild", "DELETE_COMPLETE")]);
    printer.stop(true);
    expect(renderScreen(stream)).toEqual(["Deleting demo-cody  2 resources deleted  3s"]);

    // AND a delete that reported no resource at all ends as "done", not "0 resources deleted"
    const quiet = recordingReporter({ isTTY: true });
    const other = new LivePrinter(quiet.reporter, "Deleting demo-cody");
    other.start(undefined, "deleted");
    other.stop(true);
    expect(renderScreen(quiet.stream)).toEqual(["Deleting demo-cody  done  0s"]);
  });

  it("draws nothing when the reporter is not a terminal", () => {
    const { reporter, stream } = recordingReporter({ isTTY: false });
    const printer = new LivePrinter(reporter, "Creating demo-cody");
    printer.start(1);
    printer.activity(a(1, "CodeBuild", "CREATE_COMPLETE"));
    printer.stop();
    expect(stream).toEqual([]);
  });
});

describe("PlainPrinter (CI, pipes)", () => {
  it("prints one line per event: time, status, type, logical id and reason ('User Initiated' left out)", () => {
    // GIVEN a plain printer
    const { reporter, lines, stream } = recordingReporter({ isTTY: false });
    const printer = new PlainPrinter(reporter);
    // WHEN fed events
    printer.start();
    for (const e of [
      a(1, STACK, "CREATE_IN_PROGRESS", "User Initiated"),
      a(3, "IamRole", "CREATE_IN_PROGRESS", "Resource creation Initiated"),
      a(19, "IamRole", "CREATE_COMPLETE"),
      a(22, "CodeBuild", "CREATE_FAILED", "Invalid service role"),
      a(30, STACK, "ROLLBACK_COMPLETE"),
    ])
      printer.activity(e);
    printer.stop();
    // THEN exactly these lines, no escape sequences
    expect(lines).toEqual([
      "10:00:01  CREATE_IN_PROGRESS    AWS::CloudFormation::Stack  demo-cody",
      "10:00:03  CREATE_IN_PROGRESS    AWS::IAM::Role              IamRole  Resource creation Initiated",
      "10:00:19  CREATE_COMPLETE       AWS::IAM::Role              IamRole",
      "10:00:22  CREATE_FAILED         AWS::CodeBuild::Project     CodeBuild  Invalid service role",
      "10:00:30  ROLLBACK_COMPLETE     AWS::CloudFormation::Stack  demo-cody",
    ]);
    expect(stream.join("")).not.toContain("\x1b");
  });

  it("colours by outcome when colour is on: red failed, green complete, yellow in progress", () => {
    const on = { color: true };
    expect(formatActivity(a(1, "CodeBuild", "CREATE_FAILED"), on)).toContain("\x1b[31mCREATE_FAILED");
    expect(formatActivity(a(1, "CodeBuild", "CREATE_COMPLETE"), on)).toContain("\x1b[32mCREATE_COMPLETE");
    expect(formatActivity(a(1, "CodeBuild", "CREATE_IN_PROGRESS"), on)).toContain("\x1b[33mCREATE_IN_PROGRESS");
  });
});

describe("createPrinter", () => {
  it("picks the live view on a terminal, plain lines elsewhere and with --debug", () => {
    expect(createPrinter(recordingReporter({ isTTY: true }).reporter, "x")).toBeInstanceOf(LivePrinter);
    expect(createPrinter(recordingReporter({ isTTY: false }).reporter, "x")).toBeInstanceOf(PlainPrinter);
    expect(createPrinter(recordingReporter({ isTTY: true, debug: true }).reporter, "x")).toBeInstanceOf(PlainPrinter);
  });
});
