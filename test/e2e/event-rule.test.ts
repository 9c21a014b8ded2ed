// examples/event-rule deployed by the built CLI against moto: the rule CloudFormation creates has the
// event pattern and no schedule expression, and targets the project with the rule's own role.
import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DescribeRuleCommand, ListTargetsByRuleCommand } from "@aws-sdk/client-eventbridge";
import { ListStackResourcesCommand } from "@aws-sdk/client-cloudformation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetMoto } from "../support/moto";
import { motoClients, removeTempDirs, requireBuiltCli, runCli, sharedMoto, stackStatus, tempDir } from "../_helpers/e2e";

const { endpoint, url } = sharedMoto();
const EXAMPLE = resolve(__dirname, "../../examples/event-rule/.cody");

describe.skipIf(!endpoint)("event-triggered rule on moto", () => {
  const { cfn, events } = motoClients(url);
  beforeAll(async () => {
    requireBuiltCli();
    await resetMoto(url);
  });
  afterAll(async () => {
    removeTempDirs();
    await resetMoto(url); // leave no stack for the next file
  });

  it("deploys an AWS::Events::Rule with the EventPattern, no ScheduleExpression, targeting the project", async () => {
    const dir = join(tempDir("cody-e2e-events-"), "event-rule");
    mkdirSync(join(dir, ".git"), { recursive: true });
    writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/api-deploy.git\n');
    cpSync(EXAMPLE, join(dir, ".cody"), { recursive: true });

    const synth = await runCli(["synth", "--format", "json"], { cwd: dir, endpoint: url });
    expect(synth.code).toBe(0);
    const template = JSON.parse(synth.stdout) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    const wanted = template.Resources.EventsRule!.Properties;

    const run = await runCli(["deploy"], { cwd: dir, endpoint: url, killAfterMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(await stackStatus(cfn, "event-rule-cody")).toBe("CREATE_COMPLETE");

    const resources = (await cfn.send(new ListStackResourcesCommand({ StackName: "event-rule-cody" }))).StackResourceSummaries ?? [];
    const ruleName = resources.find((r) => r.LogicalResourceId === "EventsRule")?.PhysicalResourceId;
    expect(ruleName).toBe("cody-event-rule");
    const rule = await events.send(new DescribeRuleCommand({ Name: ruleName }));
    expect(rule.ScheduleExpression).toBeUndefined();
    expect(JSON.parse(rule.EventPattern ?? "null")).toEqual(wanted.EventPattern);
    expect(rule.State).toBe("ENABLED");
    const targets = (await events.send(new ListTargetsByRuleCommand({ Rule: ruleName }))).Targets ?? [];
    expect(targets).toHaveLength(1);
    expect(targets[0]!.Arn).toMatch(/:project\/event-rule$/);
    expect(targets[0]!.RoleArn).toMatch(/:role\/cody\//);
    expect(targets[0]!.Input).toBe('{"sourceVersion":"main"}');
  }, 90_000);
});
