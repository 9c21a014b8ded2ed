import { describe, expect, it } from "vitest";
import { diffTemplates, formatChange, formatPair, formatValue, shorten, type TemplateLike } from "../../src/review/template-diff";
import { parseTemplateBody } from "../../src/review/parse-template";

const project = (environment: Record<string, unknown>, extra: Record<string, unknown> = {}): TemplateLike => ({
  Resources: {
    CodeBuild: {
      Type: "AWS::CodeBuild::Project",
      Properties: { Name: "demo", Environment: environment, ServiceRole: { "Fn::GetAtt": ["IamRole", "Arn"] }, ...extra },
    },
  },
});

describe("diffTemplates", () => {
  it("gives the path and old and new value of a changed property", () => {
    const before = project({ ComputeType: "BUILD_GENERAL1_SMALL", Image: "aws/codebuild/standard:7.0" });
    const after = project({ ComputeType: "BUILD_GENERAL1_LARGE", Image: "aws/codebuild/standard:7.0" });
    const diff = diffTemplates(before, after);
    expect(diff).toEqual([
      { logicalId: "CodeBuild", resourceType: "AWS::CodeBuild::Project", action: "Modify", changes: [{ path: "Environment.ComputeType", old: "BUILD_GENERAL1_SMALL", new: "BUILD_GENERAL1_LARGE" }] },
    ]);
    expect(formatChange(diff[0].changes[0])).toBe('Environment.ComputeType: "BUILD_GENERAL1_SMALL" → "BUILD_GENERAL1_LARGE"');
  });

  it("matches named list elements (environment variables by Name) and shows only what changed in them", () => {
    const vars = (v: unknown[]) => project({ EnvironmentVariables: v });
    const diff = diffTemplates(
      vars([{ Name: "A", Type: "PLAINTEXT", Value: "1" }, { Name: "B", Type: "PLAINTEXT", Value: "2" }]),
      vars([{ Name: "B", Type: "PLAINTEXT", Value: "3" }, { Name: "C", Type: "PLAINTEXT", Value: "4" }]),
    );
    expect(diff[0].changes.map(formatChange)).toEqual([
      'Environment.EnvironmentVariables[B].Value: "2" → "3"',
      'Environment.EnvironmentVariables[C]: + { Name: "C", Type: "PLAINTEXT", Value: "4" }',
      'Environment.EnvironmentVariables[A]: - { Name: "A", Type: "PLAINTEXT", Value: "1" }',
    ]);
  });

  it("diffs lists of values as sets: one added action is one added element", () => {
    const role = (actions: string[]): TemplateLike => ({
      Resources: { R: { Type: "AWS::IAM::Role", Properties: { Policies: [{ PolicyName: "P", PolicyDocument: { Statement: [{ Sid: "S", Effect: "Allow", Action: actions, Resource: "*" }] } }] } } },
    });
    const diff = diffTemplates(role(["s3:GetObject"]), role(["s3:GetObject", "s3:PutObject"]));
    expect(diff[0].changes.map(formatChange)).toEqual(['Policies[P].PolicyDocument.Statement[S].Action[+]: + "s3:PutObject"']);
  });

  it("shows statements without Sid as added and removed elements", () => {
    const role = (statements: unknown[]): TemplateLike => ({ Resources: { R: { Type: "AWS::IAM::Role", Properties: { ManagedPolicyArns: statements } } } });
    const diff = diffTemplates(role(["a", "b"]), role(["b", "c", "d"]));
    expect(diff[0].changes.map(formatChange)).toEqual(['ManagedPolicyArns[-]: - "a"', 'ManagedPolicyArns[+]: + "c"', 'ManagedPolicyArns[+]: + "d"']);
  });

  it("reports added and removed resources, resource attributes, and ignores key order", () => {
    const before: TemplateLike = { Resources: { Old: { Type: "AWS::SNS::Topic" }, Same: { Type: "X", Properties: { a: 1, b: 2 } }, LogGroup: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 7 } } } };
    const after: TemplateLike = {
      Resources: { Same: { Type: "X", Properties: { b: 2, a: 1 } }, New: { Type: "AWS::SQS::Queue" }, LogGroup: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", Properties: { RetentionInDays: 7 } } },
    };
    const diff = diffTemplates(before, after);
    expect(diff.map((d) => `${d.action} ${d.logicalId}`)).toEqual(["Add New", "Modify LogGroup", "Remove Old"]);
    expect(diff[1].changes.map(formatChange)).toEqual(['DeletionPolicy: + "Retain"']);
  });

  it("treats every resource as added when there is no deployed template", () => {
    expect(diffTemplates(undefined, project({})).map((d) => d.action)).toEqual(["Add"]);
  });

  it("does not descend into intrinsics: a Ref replaced by a string is one change", () => {
    const diff = diffTemplates(project({}), project({}, { ServiceRole: "arn:aws:iam::123456789012:role/ci" }));
    expect(diff[0].changes.map(formatChange)).toEqual(['ServiceRole: !GetAtt IamRole.Arn → "arn:aws:iam::123456789012:role/ci"']);
  });
});

describe("formatting values", () => {
  it("shortens long values in the middle and keeps short ones", () => {
    expect(shorten("x".repeat(10))).toBe("xxxxxxxxxx");
    const long = shorten("a".repeat(100) + "END", 20);
    expect(long).toHaveLength(20);
    expect(long).toContain("…");
    expect(long.endsWith("END")).toBe(true);
  });

  it("shows intrinsics in short form", () => {
    expect(formatValue({ Ref: "X" })).toBe("!Ref X");
    expect(formatValue({ "Fn::Sub": "arn:${AWS::Partition}:s3:::b" })).toBe('!Sub "arn:${AWS::Partition}:s3:::b"');
    expect(formatValue({ "Fn::Join": ["", ["a", "b"]] })).toBe('!Join ["",["a","b"]]');
  });

  it("shortens two long strings around their first difference (a buildspec)", () => {
    const base = "version: 0.2\nphases:\n  build:\n    commands:\n      - npm ci\n      - npm test\n".repeat(3);
    const [a, b] = formatPair(base + "      - npm run lint\n", base + "      - npm run e2e\n", 50);
    expect(a).toContain("lint");
    expect(b).toContain("e2e");
    expect(a.length).toBeLessThanOrEqual(50);
    expect(a.startsWith("…")).toBe(true);
  });
});

describe("parseTemplateBody", () => {
  it("reads JSON and YAML, with short tags in long form", () => {
    expect(parseTemplateBody('{"Resources":{"A":{"Type":"T"}}}')).toEqual({ Resources: { A: { Type: "T" } } });
    const yaml = "Resources:\n  A:\n    Type: T\n    Properties:\n      X: !Ref B\n      V: !GetAtt B.Arn\n      Z: !Sub 'arn:${AWS::Partition}'\n      W: !Join ['', [a, !Ref C]]\n";
    expect(parseTemplateBody(yaml)).toEqual({
      Resources: { A: { Type: "T", Properties: { X: { Ref: "B" }, V: { "Fn::GetAtt": ["B", "Arn"] }, Z: { "Fn::Sub": "arn:${AWS::Partition}" }, W: { "Fn::Join": ["", ["a", { Ref: "C" }]] } } } },
    });
  });
});
