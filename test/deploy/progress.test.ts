import { describe, expect, it } from "vitest";
import type { StackActivity } from "../../src/deploy/events";
import { ProgressCounter } from "../../src/deploy/progress";
import { at, STACK } from "../_helpers/mock-cfn";

function e(logicalId: string, status: string, resourceType = "AWS::IAM::Role"): StackActivity {
  return { time: at(0), logicalId, resourceType, status };
}

describe("ProgressCounter", () => {
  it("counts settled resources out of the expected total, with the ones in flight", () => {
    // GIVEN a change set of 4 resources
    const counter = new ProgressCounter(4);
    expect(counter.format()).toBe("0/4 resources");

    // WHEN the stack starts and two resources begin
    counter.add(e(STACK, "CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack"));
    counter.add(e("IamRole", "CREATE_IN_PROGRESS"));
    counter.add(e("EventsRuleRole", "CREATE_IN_PROGRESS"));
    // THEN the stack is not a resource, and both are in flight
    expect(counter.format()).toBe("0/4 resources");
    expect(counter.current.map((x) => x.logicalId)).toEqual(["IamRole", "EventsRuleRole"]);

    // WHEN one completes
    counter.add(e("IamRole", "CREATE_COMPLETE"));
    expect(counter.format()).toBe("1/4 resources");
    expect(counter.current.map((x) => x.logicalId)).toEqual(["EventsRuleRole"]);

    // WHEN the rest settle (a failure settles a resource too)
    counter.add(e("EventsRuleRole", "CREATE_COMPLETE"));
    counter.add(e("CodeBuild", "CREATE_IN_PROGRESS", "AWS::CodeBuild::Project"));
    counter.add(e("CodeBuild", "CREATE_COMPLETE", "AWS::CodeBuild::Project"));
    counter.add(e("EventsRule", "CREATE_FAILED", "AWS::Events::Rule"));
    counter.add(e(STACK, "CREATE_COMPLETE", "AWS::CloudFormation::Stack"));
    // THEN
    expect(counter.format()).toBe("4/4 resources");
    expect(counter.completed).toBe(4);
    expect(counter.current).toEqual([]);
  });

  it("counts a resource once even when it has several settled events (update then cleanup)", () => {
    const counter = new ProgressCounter(1);
    counter.add(e("CodeBuild", "UPDATE_IN_PROGRESS"));
    counter.add(e("CodeBuild", "UPDATE_COMPLETE"));
    counter.add(e("CodeBuild", "DELETE_IN_PROGRESS"));
    expect(counter.current.map((x) => x.logicalId)).toEqual(["CodeBuild"]);
    counter.add(e("CodeBuild", "DELETE_COMPLETE"));
    expect(counter.format()).toBe("1/1 resources");
  });

  it("grows a known total when more resources settle than expected", () => {
    const counter = new ProgressCounter(0);
    counter.add(e("IamRole", "DELETE_COMPLETE"));
    counter.add(e("CodeBuild", "DELETE_COMPLETE"));
    expect(counter.format()).toBe("2/2 resources");
  });

  it("without a total counts what settled, with the word given", () => {
    const counter = new ProgressCounter();
    expect(counter.format("deleted")).toBe("0 resources deleted");
    counter.add(e("IamRole", "DELETE_COMPLETE"));
    expect(counter.format("deleted")).toBe("1 resource deleted");
    counter.add(e("CodeBuild", "DELETE_COMPLETE"));
    expect(counter.format()).toBe("2 resources done");
  });

  it("finish() makes done equal the total, whatever events were seen", () => {
    const counter = new ProgressCounter(4);
    counter.add(e("IamRole", "CREATE_IN_PROGRESS"));
    counter.finish();
    expect(counter.format()).toBe("4/4 resources");
    expect(counter.current).toEqual([]);
    // Without a total and without any event, finished reads "done" rather than "0 resources".
    const unknown = new ProgressCounter();
    unknown.finish();
    expect(unknown.format("deleted")).toBe("done");
  });
});
