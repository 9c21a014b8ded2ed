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
    expect(counter.formatted).toBe("0/4");

    // WHEN the stack starts and two resources begin
    counter.add(e(STACK, "CREATE_IN_PROGRESS", "AWS::CloudFormation::Stack"));
    counter.add(e("IamRole", "CREATE_IN_PROGRESS"));
    counter.add(e("EventsRuleRole", "CREATE_IN_PROGRESS"));
    // THEN the stack is not a resource, and both are in flight
    expect(counter.formatted).toBe("0/4");
    expect(counter.current.map((x) => x.logicalId)).toEqual(["IamRole", "EventsRuleRole"]);

    // WHEN one completes
    counter.add(e("IamRole", "CREATE_COMPLETE"));
    expect(counter.formatted).toBe("1/4");
    expect(counter.current.map((x) => x.logicalId)).toEqual(["EventsRuleRole"]);

    // WHEN the rest settle (a failure settles a resource too)
    counter.add(e("EventsRuleRole", "CREATE_COMPLETE"));
    counter.add(e("CodeBuild", "CREATE_IN_PROGRESS", "AWS::CodeBuild::Project"));
    counter.add(e("CodeBuild", "CREATE_COMPLETE", "AWS::CodeBuild::Project"));
    counter.add(e("EventsRule", "CREATE_FAILED", "AWS::Events::Rule"));
    counter.add(e(STACK, "CREATE_COMPLETE", "AWS::CloudFormation::Stack"));
    // THEN
    expect(counter.formatted).toBe("4/4");
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
    expect(counter.formatted).toBe("1/1");
  });

  it("grows the total when more resources settle than expected (a wait or delete starts from 0)", () => {
    const counter = new ProgressCounter(0);
    counter.add(e("IamRole", "DELETE_COMPLETE"));
    counter.add(e("CodeBuild", "DELETE_COMPLETE"));
    expect(counter.formatted).toBe("2/2");
  });
});
