import { describe, expect, it } from "vitest";
import { formatIamTable, iamChanges, isBroadening } from "../../src/review/iam-changes";
import type { TemplateLike } from "../../src/review/template-diff";

const TRUST = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] };

function role(statements: unknown[], extra: Record<string, unknown> = {}): TemplateLike {
  return {
    Resources: {
      IamRole: {
        Type: "AWS::IAM::Role",
        Properties: { AssumeRolePolicyDocument: TRUST, Policies: [{ PolicyName: "CodeBuildAccess", PolicyDocument: { Version: "2012-10-17", Statement: statements } }], ...extra },
      },
    },
  };
}
const LOGS = { Sid: "WriteBuildLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" };

describe("iamChanges", () => {
  it("an added Allow statement broadens, and is shown with effect, actions and resources", () => {
    const put = { Sid: "WriteArtifacts", Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::bucket/*"] };
    const changes = iamChanges(role([LOGS]), role([LOGS, put]));
    expect(changes).toEqual([
      { change: "+", logicalId: "IamRole", kind: "statement", policy: "CodeBuildAccess", effect: "Allow", actions: ["s3:PutObject"], resources: ["arn:aws:s3:::bucket/*"], broadening: true, passRole: false },
    ]);
    expect(isBroadening(changes)).toBe(true);
    const table = formatIamTable(changes);
    expect(table[0]).toMatch(/^\s+Resource\s+Change\s+Effect\s+Actions\s+Resources \/ principal\s+Condition$/);
    expect(table[1]).toMatch(/^\+ {2}broadening {2}IamRole\/CodeBuildAccess {2}statement\s+Allow\s+s3:PutObject\s+arn:aws:s3:::bucket\/\*$/);
  });

  it("a removed Allow statement narrows; a removed Deny broadens; an added Deny narrows", () => {
    const deny = { Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" };
    expect(iamChanges(role([LOGS]), role([])).map((c) => [c.change, c.broadening])).toEqual([["-", false]]);
    expect(iamChanges(role([deny]), role([])).map((c) => [c.change, c.broadening])).toEqual([["-", true]]);
    expect(iamChanges(role([]), role([deny])).map((c) => [c.change, c.broadening])).toEqual([["+", false]]);
  });

  it("a statement edited to allow less is narrowing; one edited to allow more is broadening", () => {
    const fewer = { ...LOGS, Action: ["logs:PutLogEvents"] };
    const more = { ...LOGS, Action: [...LOGS.Action, "logs:CreateLogGroup"] };
    expect(isBroadening(iamChanges(role([LOGS]), role([fewer])))).toBe(false);
    expect(isBroadening(iamChanges(role([LOGS]), role([more])))).toBe(true);
    const conditioned = { ...LOGS, Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } };
    // Adding a condition restricts, but cody does not reason about conditions: it counts as broadening (safe side).
    expect(isBroadening(iamChanges(role([LOGS]), role([conditioned])))).toBe(true);
  });

  it("managed policies attached broaden, detached narrow", () => {
    const admin = { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess" };
    const changes = iamChanges(role([LOGS]), role([LOGS], { ManagedPolicyArns: [admin] }));
    expect(changes).toEqual([{ change: "+", logicalId: "IamRole", kind: "managed-policy", value: admin, broadening: true, passRole: false }]);
    expect(formatIamTable(changes)[1]).toMatch(/^\+ {2}broadening {2}IamRole\s+managed policy\s+arn:\$\{AWS::Partition\}:iam::aws:policy\/AdministratorAccess$/);
    expect(iamChanges(role([LOGS], { ManagedPolicyArns: [admin] }), role([LOGS])).map((c) => c.broadening)).toEqual([false]);
  });

  it("a boundary removed broadens, added narrows, replaced counts as broadening", () => {
    const b1 = { PermissionsBoundary: "arn:aws:iam::1:policy/b1" };
    const b2 = { PermissionsBoundary: "arn:aws:iam::1:policy/b2" };
    expect(iamChanges(role([], b1), role([])).map((c) => [c.change, c.broadening])).toEqual([["-", true]]);
    expect(iamChanges(role([]), role([], b1)).map((c) => [c.change, c.broadening])).toEqual([["+", false]]);
    expect(isBroadening(iamChanges(role([], b1), role([], b2)))).toBe(true);
  });

  it("a trust policy that lets another principal assume the role broadens", () => {
    const wider = { ...TRUST, Statement: [...TRUST.Statement, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "sts:AssumeRole" }] };
    const changes = iamChanges(role([]), role([], { AssumeRolePolicyDocument: wider }));
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ change: "+", kind: "trust", broadening: true, principal: { AWS: "arn:aws:iam::999999999999:root" } });
    expect(formatIamTable(changes)[1]).toContain("999999999999");
  });

  it("flags statements that allow iam:PassRole, directly or by wildcard", () => {
    const pass = (action: unknown) => iamChanges(role([]), role([{ Effect: "Allow", Action: action, Resource: "*" }]))[0].passRole;
    expect(pass("iam:PassRole")).toBe(true);
    expect(pass(["iam:*"])).toBe(true);
    expect(pass("*")).toBe(true);
    expect(pass("iam:Pass*")).toBe(true);
    expect(pass("iam:GetRole")).toBe(false);
    const table = formatIamTable(iamChanges(role([]), role([{ Effect: "Allow", Action: "iam:*", Resource: "*" }])));
    expect(table[1]).toContain("iam:* (incl. iam:PassRole)");
  });

  it("a whole new role counts its statements, trust policy and managed policies as added", () => {
    const changes = iamChanges(undefined, role([LOGS], { ManagedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] }));
    expect(changes.map((c) => `${c.change} ${c.kind}`)).toEqual(["+ statement", "+ trust", "+ managed-policy"]);
    expect(isBroadening(changes)).toBe(true);
  });

  it("a project switched to an existing service role broadens (its permissions are not in the template)", () => {
    const project = (serviceRole: unknown): TemplateLike => ({ Resources: { CodeBuild: { Type: "AWS::CodeBuild::Project", Properties: { ServiceRole: serviceRole } } } });
    const changes = iamChanges(project({ "Fn::GetAtt": ["IamRole", "Arn"] }), project("arn:aws:iam::1:role/ci"));
    expect(changes).toEqual([{ change: "+", logicalId: "CodeBuild", kind: "service-role", value: "arn:aws:iam::1:role/ci", broadening: true, passRole: false }]);
  });

  it("nothing changes: no rows, no table", () => {
    expect(iamChanges(role([LOGS]), role([LOGS]))).toEqual([]);
    expect(formatIamTable([])).toEqual([]);
  });
});

describe("formatIamTable on a terminal narrower than the table", () => {
  const wide = {
    Sid: "ReadAll",
    Effect: "Allow",
    Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "ssm:GetParameters"],
    Resource: ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/codebuild/demo:*", "arn:aws:ssm:us-east-1:123456789012:parameter/demo/*"],
    Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
  };
  const changes = iamChanges(role([]), role([wide]));
  const table = formatIamTable(changes);

  it("keeps the one-line table when it fits (and when no width is given: logs and pipes)", () => {
    const longest = Math.max(...table.map((l) => l.length));
    expect(longest).toBeGreaterThan(100);
    expect(formatIamTable(changes, undefined, longest)).toEqual(table);
  });

  it("stacks actions, resources and condition under each row, every line within the width", () => {
    const lines = formatIamTable(changes, undefined, 70);
    expect(lines[0]).toMatch(/^\s+Resource\s+Change\s+Effect$/);
    expect(lines[1]).toMatch(/^\+ {2}broadening {2}IamRole\/CodeBuildAccess {2}statement {2}Allow$/);
    expect(lines[2]).toMatch(/^ {4}actions {5}logs:CreateLogGroup, logs:CreateLogStream, /);
    expect(lines[3]).toMatch(/^ {4}resources {3}arn:aws:logs:us-east-1:123456789012:log-group/);
    expect(lines[4]).toMatch(/^ {4}condition {3}\{ StringEquals: /);
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(70);
    expect(lines.slice(2).some((l) => l.endsWith("…"))).toBe(true);
  });

  it("labels a trust policy's principal", () => {
    const trusted = { ...TRUST, Statement: [{ ...TRUST.Statement[0], Principal: { Service: ["codebuild.amazonaws.com", "events.amazonaws.com", "scheduler.amazonaws.com"] } }] };
    const trust = iamChanges(role([]), { Resources: { IamRole: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: trusted, Policies: [] } } } });
    const lines = formatIamTable(trust.filter((c) => c.kind === "trust"), undefined, 50);
    expect(lines.some((l) => /^ {4}principal {3}/.test(l))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(50);
  });
});

