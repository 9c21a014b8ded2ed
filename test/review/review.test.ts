import { describe, expect, it } from "vitest";
import { formatIamSection, formatReviewedChanges, jsonValues, review } from "../../src/review/review";
import type { TemplateLike } from "../../src/review/template-diff";

const before: TemplateLike = {
  Resources: {
    CodeBuild: { Type: "AWS::CodeBuild::Project", Properties: { Name: "demo", Environment: { ComputeType: "BUILD_GENERAL1_SMALL" } } },
    LogGroup: { Type: "AWS::Logs::LogGroup", Properties: { RetentionInDays: 30 } },
    IamRole: { Type: "AWS::IAM::Role", Properties: {} },
  },
};
const after: TemplateLike = {
  Resources: {
    CodeBuild: { Type: "AWS::CodeBuild::Project", Properties: { Name: "demo2", Environment: { ComputeType: "BUILD_GENERAL1_LARGE" } } },
    LogGroup: { Type: "AWS::Logs::LogGroup", DeletionPolicy: "Retain", Properties: { RetentionInDays: 30 } },
    IamRole: { Type: "AWS::IAM::Role", Properties: { ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } },
  },
};

describe("review", () => {
  const changeSet = [
    {
      action: "Modify",
      logicalId: "CodeBuild",
      resourceType: "AWS::CodeBuild::Project",
      replacement: "True",
      properties: [
        { name: "Name", requiresRecreation: "Always" },
        { name: "Environment", requiresRecreation: "Never" },
        { name: "ServiceRole", requiresRecreation: "Never" },
      ],
    },
    { action: "Modify", logicalId: "IamRole", resourceType: "AWS::IAM::Role", replacement: "False", properties: [] },
  ];

  it("joins the change set's verdicts with the template's values, and adds attribute-only changes", () => {
    const r = review(changeSet, before, after);
    expect(formatReviewedChanges(r.changes)).toEqual([
      "  ~ CodeBuild        AWS::CodeBuild::Project  (replaced)",
      '      Name: "demo" → "demo2" (replacement)',
      '      Environment.ComputeType: "BUILD_GENERAL1_SMALL" → "BUILD_GENERAL1_LARGE"',
      // CloudFormation lists it (a changed reference) though the template's text did not change.
      "      ServiceRole",
      "  ~ IamRole          AWS::IAM::Role",
      '      ManagedPolicyArns: + ["arn:aws:iam::aws:policy/AdministratorAccess"]',
      "  ~ LogGroup         AWS::Logs::LogGroup",
      '      DeletionPolicy: + "Retain"',
    ]);
    expect(r.broadening).toBe(true);
    expect(formatIamSection(r.iam)[0]).toBe("IAM changes: 1 broadening (lets something do more than before)");
  });

  it("gives --json values with null for what is absent", () => {
    const r = review(changeSet, before, after);
    expect(jsonValues(r.changes[1]!.values)).toEqual([{ path: "ManagedPolicyArns", old: null, new: ["arn:aws:iam::aws:policy/AdministratorAccess"] }]);
  });

  it("says 'narrowing only' when nothing broadens, and nothing when IAM does not change", () => {
    const narrowed = review([], after, before);
    expect(narrowed.broadening).toBe(false);
    expect(formatIamSection(narrowed.iam)[0]).toBe("IAM changes: narrowing only");
    expect(formatIamSection(review([], before, before).iam)).toEqual([]);
  });
});
