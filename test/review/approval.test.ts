import { describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { reviewSeam } from "../../src/cli/deploy-review";
import { decideApproval } from "../../src/review/approval";
import { approvalLevel, checkReviewFlags } from "../../src/review/deploy-flags";
import { recordingReporter } from "../_helpers/test-io";

describe("decideApproval", () => {
  const base = { level: "broadening" as const, changes: 2, broadening: true, yes: false, interactive: false };
  it("refuses a broadening change without a terminal, asks on one, and --yes answers it", () => {
    expect(decideApproval(base)).toEqual({ type: "refuse", why: "the change broadens IAM permissions (--require-approval broadening)" });
    expect(decideApproval({ ...base, interactive: true }).type).toBe("ask");
    expect(decideApproval({ ...base, yes: true })).toEqual({ type: "execute" });
  });
  it("executes what does not broaden under broadening, everything under never; any-change asks for any change", () => {
    expect(decideApproval({ ...base, broadening: false })).toEqual({ type: "execute" });
    expect(decideApproval({ ...base, level: "never" })).toEqual({ type: "execute" });
    expect(decideApproval({ ...base, level: "any-change", broadening: false }).type).toBe("refuse");
    expect(decideApproval({ ...base, level: "any-change", changes: 0 })).toEqual({ type: "execute" });
  });
});

describe("approval level and flags", () => {
  it("the flag, then CODY_REQUIRE_APPROVAL, then settings, then broadening", () => {
    expect(approvalLevel("never", "any-change", { CODY_REQUIRE_APPROVAL: "broadening" })).toBe("never");
    expect(approvalLevel(undefined, "any-change", { CODY_REQUIRE_APPROVAL: "never" })).toBe("never");
    expect(approvalLevel(undefined, "any-change", {})).toBe("any-change");
    expect(approvalLevel(undefined, undefined, {})).toBe("broadening");
    expect(() => approvalLevel(undefined, undefined, { CODY_REQUIRE_APPROVAL: "sometimes" })).toThrow(/"sometimes" is not one of never, any-change, broadening/);
  });
  it("bad change set names and contradictions are bad input", () => {
    expect(() => checkReviewFlags({ changeSetName: "1st review" })).toThrow(/not a change set name/);
    expect(() => checkReviewFlags({ executeOnly: true })).toThrow(/needs the change set/);
    expect(() => checkReviewFlags({ executeOnly: true, changeSetName: "r", execute: false })).toThrow(/contradict/);
    expect(() => checkReviewFlags({ changeSetName: "review-1", executeOnly: true })).not.toThrow();
  });
});

describe("the deploy's review seam at a terminal", () => {
  const TEMPLATE = { Resources: { IamRole: { Type: "AWS::IAM::Role", Properties: { ManagedPolicyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } } };
  const cfn = { getTemplate: async () => ({ TemplateBody: "Resources:\n  IamRole:\n    Type: AWS::IAM::Role\n" }) } as unknown as CfnApi;
  const changes = [{ action: "Modify", logicalId: "IamRole", resourceType: "AWS::IAM::Role", replacement: "False", properties: [] }];

  function seam(answer: boolean, deletes = true) {
    const rec = recordingReporter();
    const questions: string[] = [];
    const run = reviewSeam({
      cfn,
      stackName: "demo-cody",
      region: "us-east-1",
      template: TEMPLATE,
      level: "broadening",
      yes: false,
      keep: false,
      deletes,
      prompt: { interactive: true, ask: async (q) => (questions.push(q), answer) },
      reporter: rec.reporter,
    });
    return { rec, questions, run: () => run(changes, { changeSetName: "cody-1", isNew: false }) };
  }

  it("shows the values and the IAM table, then asks; yes executes", async () => {
    const s = seam(true);
    expect(await s.run()).toEqual({ type: "execute" });
    expect(s.rec.lines).toContain('      ManagedPolicyArns: + ["arn:aws:iam::aws:policy/AdministratorAccess"]');
    expect(s.rec.lines).toContain("IAM changes: 1 broadening (lets something do more than before)");
    expect(s.rec.lines.some((l) => /^ {2}\+ {2}broadening {2}IamRole +managed policy +arn:aws:iam::aws:policy\/AdministratorAccess$/.test(l))).toBe(true);
    expect(s.questions).toEqual(["Execute change set cody-1? the change broadens IAM permissions (--require-approval broadening)."]);
  });

  it("no refuses: the deploy deletes the change set; --execute-only keeps it", async () => {
    const refused = await seam(false).run();
    expect(refused.type === "refuse" && refused.error.message).toBe("not deployed: the change set was not approved. The change set was deleted; nothing was executed.");
    const kept = await seam(false, false).run();
    expect(kept.type === "refuse" && kept.error.message).toContain("Change set cody-1 was not executed and is still there.");
  });
});
