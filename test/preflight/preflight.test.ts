// runPreflight against the real IdentityApi (createIdentity) with the STS and IAM clients mocked:
// caller classification, role path resolution, the simulator calls (batches, context, paging) and how
// their answers become "ok", "denied" or "could not run".
import {
  GetRoleCommand,
  GetUserCommand,
  IAMClient,
  IAMServiceException,
  ListUserPoliciesCommand,
  SimulatePrincipalPolicyCommand,
  type ContextEntry,
  type EvaluationResult,
  type SimulatePrincipalPolicyCommandInput,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIdentity, type IdentityApi } from "../../src/aws/clients";
import { isCodyError } from "../../src/errors";
import { evaluatePolicies, type PolicyDocument } from "../../src/policy/evaluate";
import type { Requirement } from "../../src/iam/requirements";
import { LOCAL_ENGINE_CALLS } from "../../src/preflight/local";
import { classifyCaller, LOCAL_LIMITS, runPreflight, type PreflightResult } from "../../src/preflight/preflight";
import { fakeIam, type FakeAccount } from "./iam-fake";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/demo-cody/*`;
const PROJECT = `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo`;
const ROLES = `arn:aws:iam::${ACCOUNT}:role/cody/*`;

/** A stand-in for what src/iam/requirements.ts returns for `deploy` of a small project. */
function requirements(): Requirement[] {
  return [
    {
      sid: "CloudFormationStack",
      actions: ["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"],
      resources: [STACK],
      why: "deploy through change sets",
      commands: ["deploy"],
    },
    {
      sid: "CodeBuildProject",
      actions: ["codebuild:CreateProject", "codebuild:UpdateProject"],
      resources: [PROJECT],
      why: "CloudFormation creates the project with your credentials",
      commands: ["deploy"],
    },
    {
      sid: "IamRoles",
      actions: ["iam:CreateRole", "iam:PutRolePolicy"],
      resources: [ROLES],
      why: "the generated build role",
      commands: ["deploy"],
    },
    {
      sid: "PassRoles",
      actions: ["iam:PassRole"],
      resources: [ROLES],
      condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] } },
      why: "the project and the schedule run as the generated roles",
      commands: ["deploy"],
    },
  ];
}

type Decision = EvaluationResult["EvalDecision"];
/** Decides one (action, resource, context) like a policy would. */
type Policy = (action: string, resource: string, context: Record<string, string[]>) => Decision;

const allowAll: Policy = () => "allowed";

const sts = mockClient(STSClient);
const iam = mockClient(IAMClient);
let identity: IdentityApi;

beforeEach(async () => {
  sts.reset();
  iam.reset();
  identity = await createIdentity({ region: "us-east-1" });
});
afterEach(() => {
  sts.reset();
  iam.reset();
});

function caller(arn: string): void {
  sts.on(GetCallerIdentityCommand).resolves({ Arn: arn, Account: ACCOUNT, UserId: "AIDAEXAMPLE" });
}

function contextOf(entries: ContextEntry[] | undefined): Record<string, string[]> {
  return Object.fromEntries((entries ?? []).map((e) => [e.ContextKeyName ?? "", e.ContextKeyValues ?? []]));
}

/** The simulator as IAM answers it: one EvaluationResult per action, with a per-resource result. */
function simulator(policy: Policy): void {
  iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
    const resource = input.ResourceArns?.[0] ?? "*";
    const context = contextOf(input.ContextEntries);
    return {
      EvaluationResults: (input.ActionNames ?? []).map((action) => {
        const decision = policy(action, resource, context);
        return {
          EvalActionName: action,
          EvalResourceName: resource,
          EvalDecision: decision,
          ResourceSpecificResults: [{ EvalResourceName: resource, EvalResourceDecision: decision }],
        };
      }),
      IsTruncated: false,
    };
  });
}

function simulateCalls(): SimulatePrincipalPolicyCommandInput[] {
  return iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
}

function accessDenied(action: string): IAMServiceException {
  return new IAMServiceException({
    name: "AccessDenied",
    $fault: "client",
    $metadata: { httpStatusCode: 403 },
    message: `User: arn:aws:sts::${ACCOUNT}:assumed-role/Dev/s is not authorized to perform: ${action} on resource: arn:aws:iam::${ACCOUNT}:role/Dev`,
  });
}

function expectType<T extends PreflightResult["type"]>(result: PreflightResult, type: T): Extract<PreflightResult, { type: T }> {
  expect(result.type, JSON.stringify(result)).toBe(type);
  return result as Extract<PreflightResult, { type: T }>;
}

describe("classifyCaller", () => {
  it("tells users, roles, root and federated users apart, in every partition", () => {
    expect(classifyCaller(`arn:aws:iam::${ACCOUNT}:user/ci/deployer`)).toMatchObject({ type: "principal", principal: { kind: "user", arn: `arn:aws:iam::${ACCOUNT}:user/ci/deployer` } });
    expect(classifyCaller(`arn:aws:iam::${ACCOUNT}:root`)).toMatchObject({ type: "principal", principal: { kind: "root" } });
    expect(classifyCaller(`arn:aws-cn:sts::${ACCOUNT}:assumed-role/Deployer/ci-session`)).toMatchObject({ type: "role", roleName: "Deployer", base: { partition: "aws-cn", account: ACCOUNT } });
    expect(classifyCaller(`arn:aws:sts::${ACCOUNT}:federated-user/bob`)).toMatchObject({ type: "unsupported", principal: { kind: "federated-user" } });
    expect(classifyCaller("not-an-arn")).toMatchObject({ type: "unsupported" });
    // moto's answer for dummy keys: simulated as the IAM user it stands for.
    expect(classifyCaller(`arn:aws:sts::${ACCOUNT}:user/moto`)).toMatchObject({ type: "principal", principal: { kind: "user", arn: `arn:aws:iam::${ACCOUNT}:user/moto` } });
    expect(classifyCaller(`arn:aws:sts::${ACCOUNT}:assumed-role`)).toMatchObject({ type: "unsupported" });
  });
});

describe("runPreflight: who is simulated", () => {
  it("an IAM user is simulated with its own ARN, without GetRole", async () => {
    const user = `arn:aws:iam::${ACCOUNT}:user/ci/deployer`;
    caller(user);
    simulator(allowAll);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result.principal).toEqual({ kind: "user", callerArn: user, arn: user, account: ACCOUNT, partition: "aws" });
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(0);
    expect(simulateCalls().map((c) => c.PolicySourceArn)).toEqual(Array(simulateCalls().length).fill(user));
    // 3 + 2 + 2 plain checks, and PassRole once per service.
    expect(result.checked).toBe(9);
    expect(result.warnings).toEqual([]);
  });

  it("an assumed role is looked up by NAME and simulated with its ARN including the path", async () => {
    caller(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-1234`);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/teams/platform/Deployer`;
    iam.on(GetRoleCommand, { RoleName: "Deployer" }).resolves({ Role: { Arn: roleArn, RoleName: "Deployer", Path: "/teams/platform/", RoleId: "AROA1", CreateDate: new Date() } });
    simulator(allowAll);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: "Deployer" }]);
    expect(result.principal).toMatchObject({ kind: "role", arn: roleArn, callerArn: `arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-1234` });
    expect(new Set(simulateCalls().map((c) => c.PolicySourceArn))).toEqual(new Set([roleArn]));
    // Session policies are invisible to the simulator: say so.
    expect(result.notes.join("\n")).toMatch(/session policies are not checked/);
    expect(result.engine).toBe("simulator");
    expect(result.warnings).toEqual([]);
  });

  it("an IAM Identity Center (SSO) role keeps its /aws-reserved/sso.amazonaws.com/<region>/ path", async () => {
    const name = "AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    caller(`arn:aws:sts::${ACCOUNT}:assumed-role/${name}/alice@example.com`);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${name}`;
    iam.on(GetRoleCommand, { RoleName: name }).resolves({ Role: { Arn: roleArn, RoleName: name, Path: "/aws-reserved/sso.amazonaws.com/eu-west-1/", RoleId: "AROA2", CreateDate: new Date() } });
    simulator(allowAll);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result.principal.arn).toBe(roleArn);
    for (const call of simulateCalls()) expect(call.PolicySourceArn).toBe(roleArn);
    // The naive pathless ARN is never simulated.
    expect(simulateCalls().some((c) => c.PolicySourceArn === `arn:aws:iam::${ACCOUNT}:role/${name}`)).toBe(false);
  });

  it("a federated user cannot be simulated: could not run, with why, and no IAM call", async () => {
    caller(`arn:aws:sts::${ACCOUNT}:federated-user/bob`);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(result.reason).toMatch(/federated user/);
    expect(result.reason).toMatch(/cannot simulate/);
    expect(result.principal?.kind).toBe("federated-user");
    expect(iam.calls()).toHaveLength(0);
  });

  it("root may do everything: ok with a warning not to use root, and no simulation", async () => {
    caller(`arn:aws:iam::${ACCOUNT}:root`);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result.principal.kind).toBe("root");
    expect(result.warnings[0]).toMatch(/root user/);
    expect(result.warnings[0]).toMatch(/Do not use root/);
    expect(iam.calls()).toHaveLength(0);
  });

  it("requirements given as a function get the caller's account and partition", async () => {
    caller(`arn:aws-us-gov:iam::210987654321:user/deployer`);
    simulator(allowAll);
    const seen: unknown[] = [];
    await runPreflight({
      identity,
      region: "us-gov-east-1",
      requirements: (ctx) => {
        seen.push(ctx);
        return [{ sid: "Roles", actions: ["iam:CreateRole"], resources: [`arn:aws-us-gov:iam::${ctx.account}:role/cody/*`], why: "", commands: ["deploy"] }];
      },
    });
    expect(seen).toEqual([{ account: "210987654321", partition: "aws-us-gov" }]);
    expect(simulateCalls()[0].ResourceArns).toEqual(["arn:aws-us-gov:iam::210987654321:role/cody/*"]);
    // IAM is global: its requests are in the partition's IAM region, not the deploy region.
    expect(contextOf(simulateCalls()[0].ContextEntries)["aws:RequestedRegion"]).toEqual(["us-gov-west-1"]);
  });

  it("broken credentials (GetCallerIdentity fails) are not a preflight result: the CodyError propagates", async () => {
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("Could not load credentials from any providers"), { name: "CredentialsProviderError" }));
    const error = await runPreflight({ identity, requirements: requirements(), region: REGION }).catch((e: unknown) => e);
    expect(isCodyError(error)).toBe(true);
    expect((error as Error).message).toBe("no AWS credentials found.");
  });
});

describe("runPreflight: the simulator calls", () => {
  beforeEach(() => caller(`arn:aws:iam::${ACCOUNT}:user/deployer`));

  it("one call per concrete resource with the actions on it, no wildcard action names", async () => {
    simulator(allowAll);
    await runPreflight({ identity, requirements: requirements(), region: REGION });
    const calls = simulateCalls();
    for (const call of calls) {
      expect(call.ResourceArns).toHaveLength(1);
      for (const action of call.ActionNames ?? []) expect(action).not.toMatch(/[*?]/);
    }
    const byResource = (arn: string) => calls.filter((c) => c.ResourceArns?.[0] === arn);
    expect(byResource(STACK).map((c) => c.ActionNames)).toEqual([["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"]]);
    expect(byResource(PROJECT).map((c) => c.ActionNames)).toEqual([["codebuild:CreateProject", "codebuild:UpdateProject"]]);
    // role/cody/*: the plain IAM actions, then PassRole once per service it is passed to.
    expect(byResource(ROLES).map((c) => c.ActionNames)).toEqual([["iam:CreateRole", "iam:PutRolePolicy"], ["iam:PassRole"], ["iam:PassRole"]]);
  });

  it("sends iam:PassedToService (one service per call) and aws:RequestedRegion as context", async () => {
    simulator(allowAll);
    await runPreflight({ identity, requirements: requirements(), region: REGION });
    const passRole = simulateCalls().filter((c) => c.ActionNames?.includes("iam:PassRole"));
    expect(passRole.map((c) => c.ContextEntries)).toEqual([
      [
        { ContextKeyName: "iam:PassedToService", ContextKeyValues: ["codebuild.amazonaws.com"], ContextKeyType: "string" },
        { ContextKeyName: "aws:RequestedRegion", ContextKeyValues: ["us-east-1"], ContextKeyType: "string" },
      ],
      [
        { ContextKeyName: "iam:PassedToService", ContextKeyValues: ["events.amazonaws.com"], ContextKeyType: "string" },
        { ContextKeyName: "aws:RequestedRegion", ContextKeyValues: ["us-east-1"], ContextKeyType: "string" },
      ],
    ]);
    // Regional services carry the deploy region; no PassedToService where the requirement has no condition.
    const stack = simulateCalls().find((c) => c.ResourceArns?.[0] === STACK);
    expect(stack?.ContextEntries).toEqual([{ ContextKeyName: "aws:RequestedRegion", ContextKeyValues: [REGION], ContextKeyType: "string" }]);
  });

  it("set operators send the whole list as a stringList", async () => {
    simulator(allowAll);
    const types = ["AWS::CodeBuild::Project", "AWS::IAM::Role"];
    await runPreflight({
      identity,
      region: REGION,
      requirements: [{ sid: "Typed", actions: ["cloudformation:CreateChangeSet"], resources: [STACK], condition: { "ForAllValues:StringEquals": { "cloudformation:ResourceTypes": types } }, why: "", commands: ["deploy"] }],
    });
    expect(simulateCalls()[0].ContextEntries).toContainEqual({ ContextKeyName: "cloudformation:ResourceTypes", ContextKeyValues: types, ContextKeyType: "stringList" });
  });

  it("concrete ArnLike values are sent as context; patterns are not request values", async () => {
    simulator(allowAll);
    const policy = "arn:aws:iam::aws:policy/AWSCodeBuildDeveloperAccess";
    await runPreflight({
      identity,
      region: REGION,
      requirements: [
        { sid: "Attach", actions: ["iam:AttachRolePolicy"], resources: [ROLES], condition: { ArnLike: { "iam:PolicyARN": [policy, `arn:aws:iam::${ACCOUNT}:policy/*`] } }, why: "", commands: ["deploy"] },
      ],
    });
    expect(simulateCalls().map((c) => contextOf(c.ContextEntries)["iam:PolicyARN"])).toEqual([[policy]]);
  });

  it("leaves out preflight's own optional needs (GetRole, the simulator): a user without GetRole is not 'denied'", async () => {
    simulator((action) => (action === "iam:GetRole" ? "implicitDeny" : "allowed"));
    const result = expectType(
      await runPreflight({
        identity,
        region: REGION,
        requirements: [
          ...requirements(),
          { sid: "PreflightGetRole", actions: ["iam:GetRole"], resources: [`arn:aws:iam::${ACCOUNT}:role/*`], optional: true, why: "", commands: ["deploy"] },
        ],
      }),
      "ok",
    );
    expect(simulateCalls().flatMap((c) => c.ActionNames)).not.toContain("iam:GetRole");
    expect(result.checked).toBe(9);
  });

  it("requirements the CloudFormation service role holds are simulated against that role, not the caller", async () => {
    simulator(allowAll);
    const serviceRole = `arn:aws:iam::${ACCOUNT}:role/cfn-deployer`;
    const [stack, project] = requirements();
    await runPreflight({
      identity,
      region: REGION,
      serviceRoleArn: serviceRole,
      requirements: [
        { ...stack, principal: "caller" },
        { ...project, principal: "serviceRole" },
      ],
    });
    const source = (arn: string) => simulateCalls().find((c) => c.ResourceArns?.[0] === arn)?.PolicySourceArn;
    expect(source(STACK)).toBe(`arn:aws:iam::${ACCOUNT}:user/deployer`);
    expect(source(PROJECT)).toBe(serviceRole);
  });

  it("follows Marker while IsTruncated, with the same question, and reads every page", async () => {
    const only: Requirement[] = [{ sid: "Stack", actions: ["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"], resources: [STACK], why: "", commands: ["deploy"] }];
    const result = (action: string, decision: Decision): EvaluationResult => ({ EvalActionName: action, EvalResourceName: STACK, EvalDecision: decision });
    iam
      .on(SimulatePrincipalPolicyCommand)
      .resolvesOnce({ EvaluationResults: [result("cloudformation:CreateChangeSet", "allowed")], IsTruncated: true, Marker: "page-2" })
      .resolvesOnce({ EvaluationResults: [result("cloudformation:DescribeStacks", "allowed")], IsTruncated: true, Marker: "page-3" })
      .resolvesOnce({ EvaluationResults: [result("cloudformation:ExecuteChangeSet", "implicitDeny")], IsTruncated: false });
    const denied = expectType(await runPreflight({ identity, requirements: only, region: REGION }), "denied");
    const calls = simulateCalls();
    expect(calls.map((c) => c.Marker)).toEqual([undefined, "page-2", "page-3"]);
    for (const call of calls.slice(1)) expect({ ...call, Marker: undefined }).toEqual({ ...calls[0], Marker: undefined });
    // The denial is on the last page.
    expect(denied.denied.map((d) => d.action)).toEqual(["cloudformation:ExecuteChangeSet"]);
  });

  it("an action the simulator does not answer for counts as denied, not as passed", async () => {
    iam.on(SimulatePrincipalPolicyCommand).resolves({ EvaluationResults: [{ EvalActionName: "cloudformation:CreateChangeSet", EvalDecision: "allowed" }], IsTruncated: false });
    const only: Requirement[] = [{ sid: "Stack", actions: ["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks"], resources: [STACK], why: "", commands: ["deploy"] }];
    const result = expectType(await runPreflight({ identity, requirements: only, region: REGION }), "denied");
    expect(result.denied.map((d) => d.action)).toEqual(["cloudformation:DescribeStacks"]);
  });

  it("simulates an (action, resource, context) once even when several requirements need it", async () => {
    simulator((action) => (action === "codebuild:BatchGetProjects" ? "implicitDeny" : "allowed"));
    const result = expectType(
      await runPreflight({
        identity,
        region: REGION,
        requirements: [
          { sid: "Status", actions: ["codebuild:BatchGetProjects"], resources: [PROJECT], why: "", commands: ["status"] },
          { sid: "Badge", actions: ["codebuild:BatchGetProjects"], resources: [PROJECT], why: "", commands: ["badge"] },
        ],
      }),
      "denied",
    );
    expect(simulateCalls()).toHaveLength(1);
    expect(result.checked).toBe(1);
    expect(result.denied).toHaveLength(1);
    expect(result.denied[0].commands).toEqual(["status", "badge"]);
  });

  it("skips wildcard action names (the simulator rejects them) and says so", async () => {
    simulator(allowAll);
    const result = expectType(
      await runPreflight({ identity, region: REGION, requirements: [{ sid: "Broad", actions: ["codebuild:*", "codebuild:CreateProject"], resources: [PROJECT], why: "", commands: ["deploy"] }] }),
      "ok",
    );
    expect(simulateCalls().map((c) => c.ActionNames)).toEqual([["codebuild:CreateProject"]]);
    expect(result.warnings).toEqual(["not checked: codebuild:* (wildcard action names cannot be simulated)"]);
  });
});

describe("runPreflight: denied", () => {
  beforeEach(() => caller(`arn:aws:iam::${ACCOUNT}:user/deployer`));

  it("lists implicit and explicit denies with the statement to add, grouped per requirement", async () => {
    // A policy without ExecuteChangeSet and UpdateProject, an explicit Deny on PutRolePolicy, and
    // PassRole allowed to CodeBuild only.
    simulator((action, _resource, context) => {
      if (action === "iam:PutRolePolicy") return "explicitDeny";
      if (action === "cloudformation:ExecuteChangeSet" || action === "codebuild:UpdateProject") return "implicitDeny";
      if (action === "iam:PassRole") return context["iam:PassedToService"]?.[0] === "codebuild.amazonaws.com" ? "allowed" : "implicitDeny";
      return "allowed";
    });
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.map(({ action, resource, decision }) => ({ action, resource, decision }))).toEqual([
      { action: "cloudformation:ExecuteChangeSet", resource: STACK, decision: "implicitDeny" },
      { action: "codebuild:UpdateProject", resource: PROJECT, decision: "implicitDeny" },
      { action: "iam:PassRole", resource: ROLES, decision: "implicitDeny" },
      { action: "iam:PutRolePolicy", resource: ROLES, decision: "explicitDeny" },
    ]);
    // One statement per requirement with something missing, only the missing actions, with the condition.
    expect(result.statements).toEqual([
      { Sid: "CloudFormationStack", Effect: "Allow", Action: ["cloudformation:ExecuteChangeSet"], Resource: [STACK] },
      { Sid: "CodeBuildProject", Effect: "Allow", Action: ["codebuild:UpdateProject"], Resource: [PROJECT] },
      { Sid: "IamRoles", Effect: "Allow", Action: ["iam:PutRolePolicy"], Resource: [ROLES] },
      {
        Sid: "PassRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: [ROLES],
        Condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] } },
      },
    ]);
    const passRole = result.denied.find((d) => d.action === "iam:PassRole");
    expect(passRole?.statementToAdd).toBe(result.statements[3]);
    // Only the service that is not allowed.
    expect(passRole?.context).toEqual({ "iam:PassedToService": ["events.amazonaws.com"] });
    expect(result.denied.find((d) => d.action === "iam:PutRolePolicy")?.context).toBeUndefined();
    expect(result.checked).toBe(9);
  });

  it("one row per denied context: PassRole to each service with its own decision", async () => {
    simulator((action, _resource, context) => (action === "iam:PassRole" && context["iam:PassedToService"]?.[0] === "events.amazonaws.com" ? "explicitDeny" : action === "iam:PassRole" ? "implicitDeny" : "allowed"));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.map(({ action, decision, context }) => ({ action, decision, context }))).toEqual([
      { action: "iam:PassRole", decision: "implicitDeny", context: { "iam:PassedToService": ["codebuild.amazonaws.com"] } },
      { action: "iam:PassRole", decision: "explicitDeny", context: { "iam:PassedToService": ["events.amazonaws.com"] } },
    ]);
  });

  it("each denied entry carries the statement of the requirement that needs it (PassRole per service, as cody policy writes it)", async () => {
    const [, , , passRoles] = requirements();
    const perService: Requirement[] = [
      { ...passRoles, sid: "PassRoleToCodeBuild", condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } } },
      { ...passRoles, sid: "PassRoleToEventBridge", condition: { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } } },
    ];
    simulator(() => "implicitDeny");
    const result = expectType(await runPreflight({ identity, requirements: perService, region: REGION }), "denied");
    expect(result.denied.map((d) => [d.context?.["iam:PassedToService"]?.[0], d.statementToAdd.Sid])).toEqual([
      ["codebuild.amazonaws.com", "PassRoleToCodeBuild"],
      ["events.amazonaws.com", "PassRoleToEventBridge"],
    ]);
    expect(result.statements.map((st) => st.Condition)).toEqual([
      { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } },
      { StringEquals: { "iam:PassedToService": "events.amazonaws.com" } },
    ]);
  });

  it("says when an SCP or a permissions boundary is what denies, and which context keys were missing", async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => ({
      EvaluationResults: (input.ActionNames ?? []).map((action) => ({
        EvalActionName: action,
        EvalResourceName: input.ResourceArns?.[0],
        EvalDecision: action === "codebuild:CreateProject" ? "implicitDeny" : action === "codebuild:UpdateProject" ? "explicitDeny" : "allowed",
        ...(action === "codebuild:CreateProject" ? { PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false }, MissingContextValues: ["aws:SourceVpc"] } : {}),
        ...(action === "codebuild:UpdateProject" ? { OrganizationsDecisionDetail: { AllowedByOrganizations: false } } : {}),
      })),
    }));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.find((d) => d.action === "codebuild:CreateProject")).toMatchObject({ blockedBy: "permissions-boundary", missingContext: ["aws:SourceVpc"] });
    expect(result.denied.find((d) => d.action === "codebuild:UpdateProject")).toMatchObject({ blockedBy: "organizations", decision: "explicitDeny" });
  });
});


// ---------------------------------------------------------------- the local engine

/** What the SDK throws when moto's NotImplementedError page reaches the XML parser. */
function motoHtml500(): Error {
  return Object.assign(new Error("@aws-sdk XML parse error: mismatched tags <html> and </title>.\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object."), {
    $metadata: { httpStatusCode: 500, attempts: 2 },
  });
}

const allow = (actions: string[], resources: string[], extra: Partial<PolicyDocument["Statement"] & object> = {}): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: actions, Resource: resources, ...extra }],
});

/** Everything requirements() needs, split the way a real account might hold it. */
const STACK_POLICY = allow(["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"], [STACK]);
const PROJECT_POLICY = allow(["codebuild:CreateProject", "codebuild:UpdateProject"], [PROJECT]);
const ROLES_POLICY: PolicyDocument = {
  Version: "2012-10-17",
  Statement: [
    { Sid: "Roles", Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePolicy"], Resource: ROLES },
    { Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: ROLES, Condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] } } },
  ],
};
const MANAGED = `arn:aws:iam::${ACCOUNT}:policy/ci/cody-project`;
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundaries/cody`;

function account(extra: Partial<FakeAccount> = {}): FakeAccount {
  return {
    account: ACCOUNT,
    users: { deployer: { inline: { stack: STACK_POLICY }, groups: ["builders"] } },
    groups: { builders: { inline: { roles: ROLES_POLICY }, attached: [MANAGED] } },
    managed: { [MANAGED]: PROJECT_POLICY },
    ...extra,
  };
}

/** The simulator, answering from the same documents with the offline evaluator (what IAM would say). */
function simulatorFrom(documents: PolicyDocument[]): void {
  simulator((action, resource, context) =>
    evaluatePolicies(documents, { action, resource, context: Object.fromEntries(Object.entries(context).map(([k, v]) => [k, v.length === 1 ? v[0] : v])) }).decision,
  );
}

describe("runPreflight: the local engine, when the simulator is unavailable or denied", () => {
  beforeEach(() => caller(`arn:aws:iam::${ACCOUNT}:user/deployer`));

  it("simulator unavailable (moto's HTML 500): the user's inline, group inline and group-attached managed policies, evaluated locally", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, account());
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result.engine).toBe("local");
    expect(result.checked).toBe(9);
    expect(result.simulatorUnavailable).toBe("the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)");
    expect(result.notes).toContain(LOCAL_LIMITS);
    expect(LOCAL_LIMITS).toMatch(/service control policies, resource policies and session policies/);
    // One simulator call showed it is missing; no parser text anywhere in the result.
    expect(simulateCalls()).toHaveLength(1);
    expect(JSON.stringify(result)).not.toMatch(/XML|parse|Deserialization|<html>/);
  });

  it("simulator denied (AccessDenied): the local engine answers, with the same result shape as the simulator", async () => {
    const policies = [STACK_POLICY, ROLES_POLICY]; // no project policy: the group's managed policy is detached
    simulatorFrom(policies);
    const bySimulator = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(bySimulator.engine).toBe("simulator");

    iam.reset();
    iam.on(SimulatePrincipalPolicyCommand).rejects(accessDenied("iam:SimulatePrincipalPolicy"));
    fakeIam(iam, account({ groups: { builders: { inline: { roles: ROLES_POLICY } } } }));
    const locally = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(locally.engine).toBe("local");
    expect(locally.simulatorUnavailable).toBe(`the caller may not call iam:SimulatePrincipalPolicy on arn:aws:iam::${ACCOUNT}:user/deployer`);
    // Same rows, same statements to add, same count: only the engine differs.
    expect(locally.denied).toEqual(bySimulator.denied);
    expect(locally.statements).toEqual(bySimulator.statements);
    expect(locally.checked).toBe(bySimulator.checked);
    expect(locally.denied.map((d) => d.action)).toEqual(["codebuild:CreateProject", "codebuild:UpdateProject"]);
  });

  it("groups count: without its group the same user is missing the group's permissions", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, account({ users: { deployer: { inline: { stack: STACK_POLICY } } } }));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect([...new Set(result.denied.map((d) => d.action))]).toEqual(["codebuild:CreateProject", "codebuild:UpdateProject", "iam:CreateRole", "iam:PassRole", "iam:PutRolePolicy"]);
  });

  it("a permissions boundary intersects: allowed by identity policies but not the boundary is denied (boundary)", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    const boundary: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["cloudformation:*", "codebuild:*", "iam:PassRole"], Resource: "*" },
        { Effect: "Deny", Action: "codebuild:UpdateProject", Resource: "*" },
      ],
    };
    fakeIam(iam, account({ users: { deployer: { inline: { stack: STACK_POLICY }, groups: ["builders"], boundary: BOUNDARY } }, managed: { [MANAGED]: PROJECT_POLICY, [BOUNDARY]: boundary } }));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.map(({ action, decision, blockedBy }) => ({ action, decision, blockedBy }))).toEqual([
      { action: "codebuild:UpdateProject", decision: "explicitDeny", blockedBy: "permissions-boundary" },
      { action: "iam:CreateRole", decision: "implicitDeny", blockedBy: "permissions-boundary" },
      { action: "iam:PutRolePolicy", decision: "implicitDeny", blockedBy: "permissions-boundary" },
    ]);
    // The boundary alone grants nothing: without identity policies everything is denied, not "boundary".
    iam.reset();
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, account({ users: { deployer: { boundary: BOUNDARY } }, managed: { [BOUNDARY]: allow(["*"], ["*"]) } }));
    const none = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(none.denied).toHaveLength(9);
    expect(none.denied.every((d) => d.decision === "implicitDeny" && d.blockedBy === undefined)).toBe(true);
  });

  it("an assumed role: the role's inline and attached policies, its boundary from GetRole, and no user calls", async () => {
    caller(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-1`);
    iam.on(SimulatePrincipalPolicyCommand).rejects(accessDenied("iam:SimulatePrincipalPolicy"));
    fakeIam(iam, {
      account: ACCOUNT,
      roles: { Deployer: { path: "/ci/", inline: { stack: STACK_POLICY, roles: ROLES_POLICY }, attached: [MANAGED], boundary: BOUNDARY } },
      managed: { [MANAGED]: PROJECT_POLICY, [BOUNDARY]: allow(["cloudformation:*", "codebuild:*", "iam:*"], ["*"]) },
    });
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result).toMatchObject({ engine: "local", principal: { kind: "role", arn: `arn:aws:iam::${ACCOUNT}:role/ci/Deployer` } });
    expect(iam.commandCalls(GetUserCommand)).toHaveLength(0);
    expect(iam.commandCalls(GetRoleCommand)).toHaveLength(1); // the path lookup also gave the boundary
    expect(result.notes.join("\n")).toMatch(/session policies are not checked/);
  });

  it("reads URL-encoded documents (as IAM returns them) and plain ones (as some emulators do), across pages", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    const split = { stack: STACK_POLICY, project: PROJECT_POLICY, roles: ROLES_POLICY };
    fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: split } }, pageSize: 1 });
    expect(expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok").engine).toBe("local");
    expect(iam.commandCalls(ListUserPoliciesCommand).map((c) => c.args[0].input.Marker)).toEqual([undefined, "1", "2"]);

    iam.reset();
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: split } }, plain: true });
    expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
  });

  it("an explicit Deny in an identity policy wins, and policy variables are resolved for the caller", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    const own: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: ["cloudformation:*", "codebuild:*"], Resource: "*" },
        // Only roles under the caller's own name: role/cody/* does not match role/deployer/*.
        { Effect: "Allow", Action: "iam:*", Resource: `arn:aws:iam::${ACCOUNT}:role/\${aws:username}/*` },
        { Effect: "Deny", Action: "cloudformation:ExecuteChangeSet", Resource: "*" },
      ],
    };
    fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: { own } } } });
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.find((d) => d.action === "cloudformation:ExecuteChangeSet")?.decision).toBe("explicitDeny");
    expect(result.denied.filter((d) => d.action.startsWith("iam:")).map((d) => d.action)).toEqual(["iam:CreateRole", "iam:PassRole", "iam:PassRole", "iam:PutRolePolicy"]);
    expect(result.warnings).toEqual([]);

    // The same with the caller's own name resolves: ${aws:username} = deployer.
    const mine = { ...own, Statement: [own.Statement].flat().map((st) => (st.Action === "iam:*" ? { ...st, Resource: `arn:aws:iam::${ACCOUNT}:role/cody/\${aws:username}*` } : st)) };
    const requirementsFor = requirements().map((r) => ({ ...r, resources: r.resources.map((res) => res.replace("role/cody/*", "role/cody/deployer-*")) }));
    iam.reset();
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: { mine } } } });
    const resolved = expectType(await runPreflight({ identity, requirements: requirementsFor, region: REGION }), "denied");
    expect(resolved.denied.map((d) => d.action)).toEqual(["cloudformation:ExecuteChangeSet"]);
  });

  it("requirements the CloudFormation service role holds are evaluated against that role's policies (GetRole for its boundary)", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    const serviceRole = `arn:aws:iam::${ACCOUNT}:role/cfn/cfn-deployer`;
    fakeIam(iam, {
      account: ACCOUNT,
      users: { deployer: { inline: { stack: STACK_POLICY } } },
      roles: { "cfn-deployer": { path: "/cfn/", inline: { project: allow(["codebuild:CreateProject"], [PROJECT]) } } },
    });
    const [stack, project] = requirements();
    const result = expectType(
      await runPreflight({ identity, region: REGION, serviceRoleArn: serviceRole, requirements: [{ ...stack, principal: "caller" }, { ...project, principal: "serviceRole" }] }),
      "denied",
    );
    // The user's stack policy covers the stack; the service role lacks UpdateProject (and the user's policy is not asked).
    expect(result.denied.map((d) => d.action)).toEqual(["codebuild:UpdateProject"]);
    expect(iam.commandCalls(GetRoleCommand).map((c) => c.args[0].input)).toEqual([{ RoleName: "cfn-deployer" }]);
  });

  it("a policy variable with no value (a principal tag cody does not read) never matches, and says so", async () => {
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    const tagged = allow(["cloudformation:*"], [`arn:aws:cloudformation:*:${ACCOUNT}:stack/\${aws:PrincipalTag/team}-*/*`]);
    fakeIam(iam, { account: ACCOUNT, users: { deployer: { inline: { tagged, project: PROJECT_POLICY, roles: ROLES_POLICY } } } });
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "denied");
    expect(result.denied.map((d) => d.action)).toEqual(["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"]);
    expect(result.warnings).toEqual([
      "your policies use ${aws:PrincipalTag/team}, which cody cannot resolve locally: statements using it were treated as not applying.",
    ]);
  });

  it("makes exactly the IAM calls it declares (LOCAL_ENGINE_CALLS, which `cody policy` must grant), on the caller's own entities", async () => {
    /** The IAM actions called, as `iam:Name`, and the names they were called on. */
    const called = () => {
      const calls = iam.calls().map((c) => ({ name: c.args[0].constructor.name, input: c.args[0].input as Record<string, unknown> }));
      const actions = new Set(calls.map((c) => `iam:${c.name.replace(/Command$/, "")}`));
      actions.delete("iam:SimulatePrincipalPolicy");
      return { actions, inputs: calls.map((c) => c.input) };
    };
    iam.on(SimulatePrincipalPolicyCommand).rejects(accessDenied("iam:SimulatePrincipalPolicy"));
    fakeIam(iam, account({ users: { deployer: { inline: { stack: STACK_POLICY }, groups: ["builders"], boundary: BOUNDARY } }, managed: { [MANAGED]: PROJECT_POLICY, [BOUNDARY]: allow(["*"], ["*"]) } }));
    await runPreflight({ identity, requirements: requirements(), region: REGION });
    const user = called();
    expect([...user.actions].sort()).toEqual([...LOCAL_ENGINE_CALLS.user, ...LOCAL_ENGINE_CALLS.group, ...LOCAL_ENGINE_CALLS.policy].sort());
    for (const input of user.inputs) {
      if ("UserName" in input) expect(input.UserName).toBe("deployer");
      if ("GroupName" in input) expect(input.GroupName).toBe("builders");
      if ("PolicyArn" in input) expect([MANAGED, BOUNDARY]).toContain(input.PolicyArn);
    }

    iam.reset();
    caller(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/ci-1`);
    iam.on(SimulatePrincipalPolicyCommand).rejects(accessDenied("iam:SimulatePrincipalPolicy"));
    fakeIam(iam, { account: ACCOUNT, roles: { Deployer: { inline: { stack: STACK_POLICY }, attached: [MANAGED] } }, managed: { [MANAGED]: PROJECT_POLICY } });
    await runPreflight({ identity, requirements: requirements(), region: REGION });
    expect([...called().actions].sort()).toEqual([...LOCAL_ENGINE_CALLS.role, ...LOCAL_ENGINE_CALLS.policy].sort());
  });

  it("a later simulator batch failing falls back to the local engine for everything (nothing half-reported)", async () => {
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input: SimulatePrincipalPolicyCommandInput) => {
      if (input.ResourceArns?.[0] === PROJECT) throw accessDenied("iam:SimulatePrincipalPolicy");
      return { EvaluationResults: (input.ActionNames ?? []).map((a) => ({ EvalActionName: a, EvalDecision: "implicitDeny" })) };
    });
    fakeIam(iam, account());
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "ok");
    expect(result.engine).toBe("local");
  });
});

describe("runPreflight: could not run", () => {
  it("neither engine: the simulator is missing and the policies cannot be read (moto's dummy user); one clean line", async () => {
    caller(`arn:aws:sts::${ACCOUNT}:user/moto`);
    iam.on(SimulatePrincipalPolicyCommand).rejects(motoHtml500());
    fakeIam(iam, { account: ACCOUNT });
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(result.reason).toBe(
      "the AWS policy simulator is not usable (the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)), " +
        "and your IAM policies could not be read (iam:GetUser: The user with name moto cannot be found).",
    );
    expect(result.reason).not.toMatch(/\n/);
    expect(result.principal?.arn).toBe(`arn:aws:iam::${ACCOUNT}:user/moto`);
  });

  it("no permission to simulate nor to read its policies: could not run, naming both actions and where to get them", async () => {
    caller(`arn:aws:iam::${ACCOUNT}:user/deployer`);
    iam.on(SimulatePrincipalPolicyCommand).rejects(accessDenied("iam:SimulatePrincipalPolicy"));
    fakeIam(iam, account());
    iam.on(ListUserPoliciesCommand).rejects(accessDenied("iam:ListUserPolicies"));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(result.reason).toMatch(/may not call iam:SimulatePrincipalPolicy on arn:aws:iam::123456789012:user\/deployer/);
    expect(result.reason).toMatch(/may not call iam:ListUserPolicies on arn:aws:iam::123456789012:user\/deployer\. Grant it \(`cody policy` includes preflight's calls\)/);
    // The first batch runs alone: a forbidden simulator costs one call, not one per resource.
    expect(simulateCalls()).toHaveLength(1);
  });

  it("no permission to read the role (GetRole AccessDenied): could not run, saying the path is needed", async () => {
    caller(`arn:aws:sts::${ACCOUNT}:assumed-role/Dev/s`);
    iam.on(GetRoleCommand).rejects(accessDenied("iam:GetRole"));
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(result.reason).toMatch(/cannot find the path of role Dev/);
    expect(result.reason).toMatch(/may not call iam:GetRole/);
    expect(simulateCalls()).toHaveLength(0);
  });

  it("STS throttled (after the SDK's retries) or failing with a 5xx: could not run, not an error", async () => {
    const throttled = new STSServiceException({ name: "Throttling", $fault: "client", $metadata: { httpStatusCode: 400, attempts: 2 }, message: "Rate exceeded" });
    sts.on(GetCallerIdentityCommand).rejects(throttled);
    const result = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(result.reason).toBe("cody could not tell who is calling: AWS throttled sts:GetCallerIdentity, also when retried");
    expect(iam.calls()).toHaveLength(0);

    sts.reset();
    sts.on(GetCallerIdentityCommand).rejects(new STSServiceException({ name: "InternalFailure", $fault: "server", $metadata: { httpStatusCode: 503 }, message: "Service Unavailable" }));
    const fault = expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run");
    expect(fault.reason).toBe("cody could not tell who is calling: sts:GetCallerIdentity failed on AWS's side (InternalFailure, HTTP 503)");

    sts.reset();
    sts.on(GetCallerIdentityCommand).rejects(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    expect(expectType(await runPreflight({ identity, requirements: requirements(), region: REGION }), "could-not-run").reason).toMatch(/got no answer \(ECONNRESET\)/);
  });

  it("expired or rejected credentials are not a preflight result: they propagate, as the command would fail anyway", async () => {
    sts.on(GetCallerIdentityCommand).rejects(new STSServiceException({ name: "InvalidClientTokenId", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "The security token included in the request is invalid." }));
    const error = await runPreflight({ identity, requirements: requirements(), region: REGION }).catch((e: unknown) => e);
    expect(isCodyError(error)).toBe(true);
    expect((error as Error).message).toMatch(/AWS rejected the credentials/);
  });
});
