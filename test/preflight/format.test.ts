// The preflight's printed form: a short aligned table of what is denied, notes for denies an Allow
// cannot fix, and a pasteable policy document with the statement(s) to add.
import { describe, expect, it } from "vitest";
import { formatCouldNotRun, formatDenied, formatDeniedTable, formatFallback, formatOk, formatStatements } from "../../src/preflight/format";
import type { AllowStatement } from "../../src/iam/policy";
import type { DeniedAction, PreflightResult, Principal } from "../../src/preflight/preflight";

const principal: Principal = { kind: "user", callerArn: "arn:aws:iam::123456789012:user/deployer", arn: "arn:aws:iam::123456789012:user/deployer", account: "123456789012", partition: "aws" };
const STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/demo-cody/*";
const ROLES = "arn:aws:iam::123456789012:role/cody/*";

const stackStatement: AllowStatement = { Sid: "CloudFormationStack", Effect: "Allow", Action: ["cloudformation:CreateChangeSet"], Resource: [STACK] };
const passStatement: AllowStatement = {
  Sid: "PassRoles",
  Effect: "Allow",
  Action: ["iam:PassRole"],
  Resource: [ROLES],
  Condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] } },
};

const denied: DeniedAction[] = [
  { action: "cloudformation:CreateChangeSet", resource: STACK, decision: "implicitDeny", statementToAdd: stackStatement, commands: ["deploy", "diff"] },
  { action: "iam:PassRole", resource: ROLES, decision: "explicitDeny", statementToAdd: passStatement, commands: ["deploy"] },
];

function deniedResult(entries = denied, statements = [stackStatement, passStatement]): Extract<PreflightResult, { type: "denied" }> {
  return { type: "denied", engine: "simulator", principal, checked: 12, denied: entries, statements, warnings: [], notes: [] };
}

describe("formatDeniedTable", () => {
  it("aligns action, resource and decision in columns under a header", () => {
    expect(formatDeniedTable(denied)).toEqual([
      "ACTION                          RESOURCE                                                         DECISION",
      "------------------------------  ---------------------------------------------------------------  -------------",
      `cloudformation:CreateChangeSet  ${STACK}  not allowed`,
      `iam:PassRole                    ${ROLES}${" ".repeat(STACK.length - ROLES.length)}  explicit Deny`,
    ]);
  });

  it("adds the commands that need each action on request, and marks SCP / boundary denies", () => {
    const lines = formatDeniedTable(
      [
        { ...denied[0], blockedBy: "organizations" },
        { ...denied[1], decision: "implicitDeny", blockedBy: "permissions-boundary" },
      ],
      { showCommands: true },
    );
    expect(lines[0]).toMatch(/^ACTION +RESOURCE +DECISION +NEEDED BY$/);
    expect(lines[2]).toMatch(/not allowed \(SCP\) +deploy, diff$/);
    expect(lines[3]).toMatch(/not allowed \(boundary\) +deploy$/);
  });

  it("names the denied context in the action column: PassRole to which service", () => {
    const lines = formatDeniedTable([{ ...denied[1], context: { "iam:PassedToService": ["events.amazonaws.com"] } }, { ...denied[0], context: { "cloudformation:ResourceTypes": ["AWS::IAM::Role", "AWS::CodeBuild::Project"] } }]);
    expect(lines[2]).toMatch(/^iam:PassRole \(to events\.amazonaws\.com\) +arn:aws:iam::123456789012:role\/cody\/\* +explicit Deny$/);
    expect(lines[3]).toMatch(/^cloudformation:CreateChangeSet \(cloudformation:ResourceTypes=AWS::IAM::Role,AWS::CodeBuild::Project\) /);
  });
});

describe("formatStatements", () => {
  it("is a valid policy document with the statements as given", () => {
    const text = formatStatements([stackStatement, passStatement]);
    expect(JSON.parse(text)).toEqual({ Version: "2012-10-17", Statement: [stackStatement, passStatement] });
    expect(text).toContain('\n  "Statement": [');
  });
});

describe("formatDenied", () => {
  it("prints the summary, the table, the explicit-deny note and the statements, in that order", () => {
    const lines = formatDenied(deniedResult());
    expect(lines[0]).toBe("Preflight (AWS policy simulator): arn:aws:iam::123456789012:user/deployer is missing 2 permissions:");
    expect(formatDenied({ ...deniedResult(), engine: "local" })[0]).toBe(
      "Preflight (your IAM policies, evaluated locally): arn:aws:iam::123456789012:user/deployer is missing 2 permissions:",
    );
    expect(lines[2]).toMatch(/^ {2}ACTION +RESOURCE +DECISION$/);
    expect(lines[4]).toMatch(/^ {2}cloudformation:CreateChangeSet +\S+ +not allowed$/);
    const text = lines.join("\n");
    expect(text).toContain("An explicit Deny blocks iam:PassRole: adding an Allow does not help");
    expect(text.indexOf("explicit Deny blocks")).toBeLessThan(text.indexOf("Add these statements"));
    // The statements are the last thing printed, and parse as JSON.
    const json = lines[lines.length - 1];
    expect(JSON.parse(json)).toEqual({ Version: "2012-10-17", Statement: [stackStatement, passStatement] });
  });

  it("one permission, one statement: singular wording, no notes", () => {
    const lines = formatDenied(deniedResult([denied[0]], [stackStatement]));
    expect(lines[0]).toMatch(/is missing 1 permission:$/);
    const text = lines.join("\n");
    expect(text).toContain("Add this statement to the policy of arn:aws:iam::123456789012:user/deployer");
    expect(text).not.toContain("explicit Deny blocks");
    expect(text).not.toContain("NEEDED BY");
  });

  it("mentions context keys preflight could not supply", () => {
    const text = formatDenied(deniedResult([{ ...denied[0], missingContext: ["aws:SourceVpc"] }], [stackStatement])).join("\n");
    expect(text).toContain("condition keys preflight could not supply (aws:SourceVpc)");
  });
});

describe("formatOk / formatCouldNotRun / formatFallback", () => {
  it("says what passed and which engine said so, and distinctly when it could not run", () => {
    expect(formatOk({ type: "ok", engine: "simulator", principal, checked: 14, warnings: [], notes: [] })).toBe(
      "Preflight passed (AWS policy simulator): arn:aws:iam::123456789012:user/deployer has the 14 permissions checked.",
    );
    // The local engine names what it cannot see, on the same line (a deploy prints only this line).
    expect(formatOk({ type: "ok", engine: "local", principal, checked: 1, warnings: [], notes: [] })).toBe(
      "Preflight passed (your IAM policies, evaluated locally; SCPs, resource and session policies not seen): arn:aws:iam::123456789012:user/deployer has the 1 permission checked.",
    );
    expect(formatOk({ type: "ok", engine: "none", principal: { ...principal, kind: "root", arn: "arn:aws:iam::123456789012:root" }, checked: 0, warnings: [], notes: [] })).toMatch(/root user; nothing to check/);
    expect(formatCouldNotRun({ type: "could-not-run", reason: "the caller may not call iam:SimulatePrincipalPolicy." })).toBe(
      "Preflight could not run: the caller may not call iam:SimulatePrincipalPolicy.",
    );
  });

  it("ends the reason with exactly one full stop, whatever the quoted message ends with", () => {
    expect(formatCouldNotRun({ type: "could-not-run", reason: "iam:GetRole failed: Not found.. (x.)" })).toBe("Preflight could not run: iam:GetRole failed: Not found. (x).");
    expect(formatCouldNotRun({ type: "could-not-run", reason: "cody could not tell who is calling: AWS throttled sts:GetCallerIdentity" })).toBe(
      "Preflight could not run: cody could not tell who is calling: AWS throttled sts:GetCallerIdentity.",
    );
  });

  it("says why the simulator was not used when the local engine answered", () => {
    const ok = { type: "ok" as const, engine: "local" as const, principal, checked: 3, warnings: [], notes: [], simulatorUnavailable: "the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)" };
    expect(formatFallback(ok)).toBe(
      "the AWS policy simulator is not usable (the endpoint does not implement iam:SimulatePrincipalPolicy (HTTP 500)), so cody read your IAM policies and evaluated them itself.",
    );
    expect(formatFallback({ ...ok, engine: "simulator", simulatorUnavailable: undefined })).toBeUndefined();
  });
});
