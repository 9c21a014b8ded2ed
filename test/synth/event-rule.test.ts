// Event-triggered rules (issue 11): `schedule.eventPattern` makes cody's AWS::Events::Rule match events
// (an ECR push, a CodeCommit change) instead of a time; same target and role as a timed rule.
import { afterAll, describe, expect, it } from "vitest";
import { requirementsFor } from "../../src/iam/requirements";
import { configErrorOf, minimalProject, propertiesOf, removeProjects, synthFor, synthResultFor } from "../_helpers/project";

afterAll(removeProjects);

const withSchedule = (schedule: string) => synthFor(minimalProject(`schedule: ${schedule},`));
const getAtt = (id: string, attribute: string) => ({ "Fn::GetAtt": [id, attribute] });
const ECR_PUSH = `{ source: ["aws.ecr"], "detail-type": ["ECR Image Action"], detail: { "action-type": ["PUSH"], "repository-name": ["api"] } }`;

describe("eventPattern", () => {
  it("an AWS::Events::Rule with EventPattern and no ScheduleExpression, starting the project", async () => {
    const template = await withSchedule(`{ eventPattern: ${ECR_PUSH}, input: { sourceVersion: "main" } }`);
    expect(template.Resources.EventsRule).toEqual({
      Type: "AWS::Events::Rule",
      Properties: {
        Name: "cody-demo",
        Description: "Starts builds of the demo CodeBuild project (cody)",
        EventPattern: {
          source: ["aws.ecr"],
          "detail-type": ["ECR Image Action"],
          detail: { "action-type": ["PUSH"], "repository-name": ["api"] },
        },
        State: "ENABLED",
        Targets: [{ Id: "CodeBuild", Arn: getAtt("CodeBuild", "Arn"), RoleArn: getAtt("EventsRuleRole", "Arn"), Input: '{"sourceVersion":"main"}' }],
      },
    });
    const trust = propertiesOf(template, "EventsRuleRole").AssumeRolePolicyDocument as { Statement: Array<{ Principal: unknown; Condition: Record<string, Record<string, unknown>> }> };
    expect(trust.Statement[0]!.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(trust.Statement[0]!.Condition.ArnLike!["aws:SourceArn"]).toEqual({ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/cody-demo" });
    expect(template.Resources).not.toHaveProperty("Schedule");
  });

  it("a schedule with only properties.EventPattern is accepted (it used to need rate or cron)", async () => {
    const template = await withSchedule(`{ properties: { EventPattern: { source: ["aws.codecommit"] } } }`);
    expect(propertiesOf(template, "EventsRule")).toMatchObject({ EventPattern: { source: ["aws.codecommit"] } });
    expect(propertiesOf(template, "EventsRule")).not.toHaveProperty("ScheduleExpression");
  });

  it("a rule on another bus, named by ARN: the trust policy and the requirement name that bus", async () => {
    const busArn = "arn:aws:events:us-east-1:123456789012:event-bus/builds";
    const schedule = `{ eventPattern: { source: ["acme.app"] }, properties: { EventBusName: "${busArn}" } }`;
    const template = await withSchedule(schedule);
    const trust = propertiesOf(template, "EventsRuleRole").AssumeRolePolicyDocument as { Statement: Array<{ Condition: Record<string, Record<string, unknown>> }> };
    expect(trust.Statement[0]!.Condition.ArnLike!["aws:SourceArn"]).toEqual({ "Fn::Sub": "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:rule/builds/cody-demo" });
    const synth = await synthResultFor(minimalProject(`schedule: ${schedule},`));
    const list = requirementsFor({ synth: { template: synth.template, stackTags: synth.stackTags, stackName: synth.stackName }, account: "123456789012", region: "us-east-1" });
    const rules = list.filter((r) => r.actions.includes("events:PutRule"));
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) expect(r.resources).toEqual(["arn:aws:events:us-east-1:123456789012:rule/builds/cody-demo"]);
  });

  it("exactly one trigger: eventPattern with rate, or with a raw ScheduleExpression, is an error", async () => {
    const both = await configErrorOf(withSchedule(`{ rate: "1 day", eventPattern: ${ECR_PUSH} }`));
    expect(both.issues[0]).toMatchObject({ field: "schedule.eventPattern", message: expect.stringContaining("rate and eventPattern") });
    const raw = await configErrorOf(withSchedule(`{ eventPattern: ${ECR_PUSH}, properties: { ScheduleExpression: "rate(1 day)" } }`));
    expect(raw.issues[0]).toMatchObject({ field: "schedule.properties.ScheduleExpression" });
  });

  it("no trigger at all names eventPattern among the choices", async () => {
    const error = await configErrorOf(withSchedule(`{ description: "nothing" }`));
    expect(error.issues[0]).toMatchObject({ field: "schedule.rate", message: "a schedule needs rate, cron or eventPattern." });
  });

  it('engine: "scheduler" with an event pattern is an error with a fix', async () => {
    const error = await configErrorOf(withSchedule(`{ engine: "scheduler", eventPattern: ${ECR_PUSH} }`));
    expect(error.issues[0]).toMatchObject({ field: "schedule.engine", fix: expect.stringContaining('Remove engine: "scheduler"') });
  });

  it("a malformed pattern names the key under eventPattern; a timezone is refused", async () => {
    const error = await configErrorOf(withSchedule(`{ eventPattern: { source: "aws.ecr", detailtype: ["x"] } }`));
    expect(error.issues.map((i) => i.field)).toEqual(["schedule.eventPattern.source", "schedule.eventPattern.detailtype"]);
    const raw = await configErrorOf(withSchedule(`{ properties: { EventPattern: {} } }`));
    expect(raw.issues[0]).toMatchObject({ field: "schedule.properties.EventPattern" });
    const tz = await configErrorOf(withSchedule(`{ eventPattern: ${ECR_PUSH}, timezone: "Europe/Paris" }`));
    expect(tz.issues[0]).toMatchObject({ field: "schedule.timezone", message: expect.stringContaining("no time") });
    const shape = await configErrorOf(withSchedule(`{ eventPattern: "aws.ecr" }`));
    expect(shape.issues[0]).toMatchObject({ field: "schedule.eventPattern", message: expect.stringContaining("an event pattern object") });
  });
});
