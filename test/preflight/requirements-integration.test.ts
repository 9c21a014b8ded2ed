// Preflight over the REAL requirement model (src/iam/requirements.ts) of a synthesized project with a
// schedule: every non-optional (action, resource) is asked exactly once, PassRole once per service,
// and a missing action comes back with the statement of its requirement.
import { IAMClient, SimulatePrincipalPolicyCommand, type SimulatePrincipalPolicyCommandInput } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createIdentity } from "../../src/aws/clients";
import { requirementsFor } from "../../src/iam/requirements";
import { runPreflight } from "../../src/preflight/preflight";
import { minimalProject, removeProjects, synthResultFor } from "../_helpers/project";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);

function simulator(denied: (action: string, context: Record<string, string[]>) => boolean): void {
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
    const context = Object.fromEntries((input.ContextEntries ?? []).map((e) => [e.ContextKeyName ?? "", e.ContextKeyValues ?? []]));
    return {
      EvaluationResults: (input.ActionNames ?? []).map((a) => ({ EvalActionName: a, EvalResourceName: input.ResourceArns?.[0], EvalDecision: denied(a, context) ? "implicitDeny" : "allowed" })),
    };
  });
}

const calls = () => iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sts.reset();
  iam.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCOUNT}:user/deployer`, Account: ACCOUNT });
});
afterAll(removeProjects);

describe("preflight with the real requirements of a scheduled project (deploy)", () => {
  it("asks about every needed action on every concrete resource, once", async () => {
    // A schedule: a rule and a role passed to EventBridge too.
    const scheduled = await synthResultFor({ ...minimalProject(), ".cody/schedule.ts": 'import { defineSchedule } from "codybuild";\nexport default defineSchedule({ rate: "1 day" });\n' }, { region: REGION });
    expect(Object.keys(scheduled.template.Resources)).toContain("EventsRule");
    simulator(() => false);
    const requirements = requirementsFor({ synth: scheduled, commands: ["deploy"], region: REGION, account: ACCOUNT, partition: "aws" });
    const result = await runPreflight({ identity: await createIdentity({ region: "us-east-1" }), requirements, region: REGION });
    expect(result.type).toBe("ok");

    const asked = calls().flatMap((c) => (c.ActionNames ?? []).map((a) => `${a} ${c.ResourceArns?.[0]} ${JSON.stringify(c.ContextEntries?.find((e) => e.ContextKeyName === "iam:PassedToService")?.ContextKeyValues ?? [])}`));
    expect(new Set(asked).size).toBe(asked.length); // nothing twice
    for (const r of requirements.filter((r) => !r.optional)) {
      for (const action of r.actions) for (const resource of r.resources) expect(asked.some((a) => a.startsWith(`${action} ${resource} `)), `${action} on ${resource}`).toBe(true);
    }
    const passedTo = calls().filter((c) => c.ActionNames?.includes("iam:PassRole")).map((c) => c.ContextEntries?.find((e) => e.ContextKeyName === "iam:PassedToService")?.ContextKeyValues);
    expect(passedTo.sort()).toEqual([["codebuild.amazonaws.com"], ["events.amazonaws.com"]]);
    // Stack ARNs are concrete for this project, account and region.
    expect(calls().map((c) => c.ResourceArns?.[0])).toContain(`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${scheduled.stackName}/*`);
  });

  it("a missing CreateChangeSet is denied with the CloudFormationStack statement holding just that action", async () => {
    const synth = await synthResultFor(minimalProject(), { region: REGION });
    simulator((action) => action === "cloudformation:CreateChangeSet");
    const result = await runPreflight({
      identity: await createIdentity({ region: "us-east-1" }),
      region: REGION,
      requirements: ({ account, partition }) => requirementsFor({ synth, commands: ["deploy"], region: REGION, account, partition }),
    });
    expect(result.type).toBe("denied");
    if (result.type !== "denied") return;
    expect(result.denied.map((d) => d.action)).toEqual(["cloudformation:CreateChangeSet"]);
    expect(result.statements).toEqual([
      { Sid: "CloudFormationStack", Effect: "Allow", Action: ["cloudformation:CreateChangeSet"], Resource: [`arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${synth.stackName}/*`] },
    ]);
  });
});
