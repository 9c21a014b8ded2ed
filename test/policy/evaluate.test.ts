// Unit tests of the offline IAM evaluator (src/policy/evaluate.ts), one table per rule. The broad
// agreement with iam-simulate is in evaluate-differential.test.ts; these pin each rule, including
// the places where we deliberately differ from it.
import { describe, expect, it } from "vitest";
import type { Issue } from "../../src/errors";
import {
  actionMatches,
  evaluatePolicies,
  globMatch,
  parsePolicyDocument,
  resourceMatches,
  unsupportedFeatures,
  type EvalRequest,
  type PolicyDocument,
  type IamStatement,
} from "../../src/policy/evaluate";
import { configErrorFrom } from "../_helpers/project";

const ACCOUNT = "123456789012";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cody/cody-demo-dev-CodeBuildRole`;
const STACK = `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/cody-demo-dev/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc`;
const PROJECT = `arn:aws:codebuild:us-east-1:${ACCOUNT}:project/cody-demo-dev`;
const LOG_STREAM = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/codebuild/cody-demo-dev:log-stream:abc/123`;

const policy = (...Statement: IamStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const allow = (extra: Partial<IamStatement> = {}): IamStatement => ({ Effect: "Allow", Action: "*", Resource: "*", ...extra });

/** The decision for one statement under the given request context. */
function decide(statement: IamStatement, request: Partial<EvalRequest> = {}): string {
  return evaluatePolicies([policy(statement)], { action: "iam:PassRole", resource: ROLE, ...request }).decision;
}

const issuesOf = (fn: () => unknown): Issue[] => configErrorFrom(fn).issues;

describe("globMatch", () => {
  it.each([
    ["*", "", true],
    ["*", "anything/at:all", true],
    ["a?c", "abc", true],
    ["a?c", "ac", false],
    ["a*c", "abbbc", true],
    ["a*c", "abbbd", false],
    ["*a*b*", "xxaxxbxx", true],
    ["*a*b", "xxaxxbxxc", false],
    ["a.c", "abc", false], // regex metacharacters are literal
    ["a+", "aa", false],
    ["", "", true],
    ["", "a", false],
  ])("%j vs %j → %s", (pattern, text, expected) => {
    expect(globMatch(pattern, text)).toBe(expected);
  });

  it("is case-sensitive unless asked", () => {
    expect(globMatch("Cody-*", "cody-x")).toBe(false);
    expect(globMatch("Cody-*", "cody-x", true)).toBe(true);
  });
});

describe("decision", () => {
  const passRole = { action: "iam:PassRole", resource: ROLE };

  it.each<[string, PolicyDocument[], string]>([
    ["no policies → implicit deny", [], "implicitDeny"],
    ["an allow → allowed", [policy(allow())], "allowed"],
    ["an allow for another action → implicit deny", [policy(allow({ Action: "iam:GetRole" }))], "implicitDeny"],
    ["deny beats allow in the same policy", [policy(allow(), { Effect: "Deny", Action: "iam:PassRole", Resource: "*" })], "explicitDeny"],
    ["deny beats allow across policies", [policy(allow()), policy({ Effect: "Deny", Action: "iam:*", Resource: ROLE })], "explicitDeny"],
    ["a deny that does not match leaves the allow", [policy(allow(), { Effect: "Deny", Action: "iam:DeleteRole", Resource: "*" })], "allowed"],
    ["a lone deny is explicit", [policy({ Effect: "Deny", Action: "*", Resource: "*" })], "explicitDeny"],
  ])("%s", (_name, policies, expected) => {
    expect(evaluatePolicies(policies, passRole).decision).toBe(expected);
  });

  it("names matched statements by Sid, else by index in their policy", () => {
    const result = evaluatePolicies(
      [
        policy(allow({ Sid: "AllowAll" }), allow({ Action: "s3:*" }), allow()),
        policy({ Effect: "Deny", Action: "iam:PassRole", Resource: "*" }, { Sid: "NoPass", Effect: "Deny", Action: "iam:Pass*", Resource: ROLE }),
      ],
      passRole,
    );
    expect(result).toEqual({ decision: "explicitDeny", matchedAllow: ["AllowAll", "Statement[2]"], matchedDeny: ["Statement[0]", "NoPass"] });
  });

  it("an empty Sid counts as none", () => {
    expect(evaluatePolicies([policy(allow({ Sid: "" }))], passRole).matchedAllow).toEqual(["Statement[0]"]);
  });

  it("accepts a single statement object instead of an array", () => {
    expect(evaluatePolicies([{ Statement: allow() }], passRole)).toEqual({ decision: "allowed", matchedAllow: ["Statement[0]"], matchedDeny: [] });
  });

  it("ignores statements IAM would reject (no Action/NotAction, no Resource/NotResource, bad Effect)", () => {
    const invalid: IamStatement[] = [
      { Effect: "Allow", Resource: "*" },
      { Effect: "Allow", Action: "*" },
      { Effect: "allow" as "Allow", Action: "*", Resource: "*" },
    ];
    for (const s of invalid) expect(decide(s)).toBe("implicitDeny");
    expect(decide({ Effect: "Deny", Resource: "*" })).toBe("implicitDeny");
  });
});

describe("Action matching", () => {
  it.each([
    ["*", "iam:PassRole", true],
    ["iam:PassRole", "iam:PassRole", true],
    ["iam:passrole", "iam:PassRole", true], // action names are case-insensitive
    ["IAM:PassRole", "iam:PassRole", true], // and so is the service prefix
    ["iam:Pass*", "iam:PassRole", true],
    ["iam:*Role", "iam:PassRole", true],
    ["iam:?assRole", "iam:PassRole", true],
    ["iam:??assRole", "iam:PassRole", false],
    ["iam:*", "iam:PassRole", true],
    ["iam:Get*", "iam:PassRole", false],
    ["codebuild:*", "iam:PassRole", false], // another service
    ["i*:PassRole", "iam:PassRole", true], // IAM rejects this on upload (see parsePolicyDocument); globbed here
    ["iam:", "iam:PassRole", false],
    ["iam", "iam:PassRole", false],
    ["iam:Pass Role", "iam:Pass Role", false], // whitespace never matches
    ["logs:Get*", "logs:GetLogEvents", true],
    ["cloudformation:*ChangeSet", "cloudformation:CreateChangeSet", true],
    ["cloudformation:*ChangeSet", "cloudformation:DescribeChangeSetHooks", false],
  ])("%j vs %j → %s", (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });

  it("NotAction applies to every action it does not list", () => {
    expect(decide(allow({ Action: undefined, NotAction: "iam:*" }))).toBe("implicitDeny");
    expect(decide(allow({ Action: undefined, NotAction: ["s3:*", "iam:Get*"] }))).toBe("allowed");
    expect(decide({ Effect: "Deny", NotAction: ["codebuild:*", "logs:*"], Resource: "*" })).toBe("explicitDeny");
    expect(decide({ Effect: "Deny", NotAction: "*", Resource: "*" })).toBe("implicitDeny");
  });
});

describe("Resource matching", () => {
  it.each([
    ["*", ROLE, true],
    ["*", "*", true],
    [ROLE, ROLE, true],
    [`arn:aws:iam::${ACCOUNT}:role/cody/*`, ROLE, true],
    [`arn:aws:iam::${ACCOUNT}:role/cody/*`, `arn:aws:iam::${ACCOUNT}:role/cody/nested/deep`, true], // `*` crosses `/`
    [`arn:aws:iam::${ACCOUNT}:role/cody/*`, `arn:aws:iam::${ACCOUNT}:role/other/x`, false],
    [`arn:aws:iam::${ACCOUNT}:role/cody*`, ROLE, true],
    [`arn:aws:iam::${ACCOUNT}:role/Cody/*`, ROLE, false], // the resource part is case-sensitive
    [`arn:aws:IAM::${ACCOUNT}:role/cody/*`, ROLE, true], // partition/service/region/account are not (iam-simulate)
    ["arn:aws:iam::*:role/cody/*", ROLE, true],
    [`arn:aws:iam::${ACCOUNT}:role/cody/cody-????-dev-*`, ROLE, true],
    [`arn:aws:iam::${ACCOUNT}:role/cody/cody-???-dev-*`, ROLE, false],
    [`arn:aws:iam::999999999999:role/cody/*`, ROLE, false],
    [`arn:aws:cloudformation:*:${ACCOUNT}:stack/cody-*/*`, STACK, true],
    [`arn:aws:cloudformation:eu-*:${ACCOUNT}:stack/cody-*/*`, STACK, false],
    [`arn:aws:cloudformation:??-????-1:${ACCOUNT}:stack/*`, STACK, true],
    // Region and account wildcards stay within their segment.
    [`arn:aws:cloudformation:*:stack/cody-*/*`, STACK, false],
    // The resource part: `*` crosses `:` (log-group … :log-stream:…).
    [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/codebuild/*`, LOG_STREAM, true],
    [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/codebuild/cody-demo-dev:*`, LOG_STREAM, true],
    [`arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/codebuild/cody-demo-dev`, LOG_STREAM, false],
    ["arn:aws:logs:*:*:*", LOG_STREAM, true],
    // The resource-type prefix is literal: IAM forbids wildcards in it.
    [`arn:aws:iam::${ACCOUNT}:r*/cody/*`, ROLE, false],
    [`arn:aws:iam::${ACCOUNT}:*ole/cody/*`, ROLE, false],
    [`arn:aws:logs:*:${ACCOUNT}:*:/aws/codebuild/*`, LOG_STREAM, false],
    [`arn:aws:iam::${ACCOUNT}:*`, ROLE, true], // no separator: no prefix, plain glob
    [`arn:aws:iam::${ACCOUNT}:user/*`, ROLE, false],
    // Short ARNs are padded with `*` segments.
    ["arn:aws:iam::*", ROLE, true],
    ["arn:aws:codebuild:*", PROJECT, true],
    ["arn:aws:codebuild:*", ROLE, false],
    ["arn:aws", ROLE, true],
    // S3 bucket/object ARNs have no type prefix.
    ["arn:aws:s3:::cody-*/*", "arn:aws:s3:::cody-artifacts/builds/x.zip", true],
    ["arn:aws:s3:::*/builds/*", "arn:aws:s3:::cody-artifacts/builds/x.zip", true],
    ["arn:aws:s3:::cody-*", "arn:aws:s3:::other-bucket", false],
    // The request: "*" (actions without resource-level permissions) is matched only by "*".
    [`arn:aws:codebuild:*:${ACCOUNT}:*`, "*", false],
    ["arn:*", "*", false],
    // Policy variables are not substituted (documented).
    [`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:user/dev`, false],
    [`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, true],
    // A request that is not an ARN matches only "*".
    [`arn:aws:iam::${ACCOUNT}:role/*`, "role/cody/x", false],
  ])("%j vs %j → %s", (pattern, resource, expected) => {
    expect(resourceMatches(pattern, resource)).toBe(expected);
  });

  it("Resource: any listed value matches", () => {
    expect(decide(allow({ Resource: [PROJECT, `arn:aws:iam::${ACCOUNT}:role/cody/*`] }))).toBe("allowed");
    expect(decide(allow({ Resource: [PROJECT, STACK] }))).toBe("implicitDeny");
    expect(decide(allow({ Resource: [] }))).toBe("implicitDeny");
  });

  it("NotResource applies to every resource it does not list", () => {
    expect(decide(allow({ Resource: undefined, NotResource: `arn:aws:iam::${ACCOUNT}:role/cody/*` }))).toBe("implicitDeny");
    expect(decide(allow({ Resource: undefined, NotResource: [PROJECT, STACK] }))).toBe("allowed");
    expect(decide(allow({ Resource: undefined, NotResource: [] }))).toBe("allowed");
    // The classic guard: deny everything outside the cody path.
    const guard: IamStatement = { Effect: "Deny", Action: "iam:PassRole", NotResource: `arn:aws:iam::${ACCOUNT}:role/cody/*` };
    expect(evaluatePolicies([policy(allow(), guard)], { action: "iam:PassRole", resource: ROLE }).decision).toBe("allowed");
    expect(evaluatePolicies([policy(allow(), guard)], { action: "iam:PassRole", resource: `arn:aws:iam::${ACCOUNT}:role/Admin` }).decision).toBe("explicitDeny");
  });
});

describe("Condition", () => {
  type Row = [string, IamStatement["Condition"], Record<string, string | string[]>, boolean];
  const cb = "codebuild.amazonaws.com";
  const ev = "events.amazonaws.com";

  const rows: Row[] = [
    // String operators
    ["StringEquals matches", { StringEquals: { "iam:PassedToService": cb } }, { "iam:PassedToService": cb }, true],
    ["StringEquals values are OR-ed", { StringEquals: { "iam:PassedToService": [ev, cb] } }, { "iam:PassedToService": cb }, true],
    ["StringEquals is case-sensitive", { StringEquals: { "iam:PassedToService": "CodeBuild.amazonaws.com" } }, { "iam:PassedToService": cb }, false],
    ["StringEquals has no wildcards", { StringEquals: { "iam:PassedToService": "*.amazonaws.com" } }, { "iam:PassedToService": cb }, false],
    ["StringEquals: a missing key is false", { StringEquals: { "iam:PassedToService": cb } }, {}, false],
    ["condition keys are case-insensitive", { StringEquals: { "IAM:passedtoservice": cb } }, { "iam:PassedToService": cb }, true],
    ["StringNotEquals: differs from every value", { StringNotEquals: { "iam:PassedToService": [ev, "ec2.amazonaws.com"] } }, { "iam:PassedToService": cb }, true],
    ["StringNotEquals: equal to one value is false", { StringNotEquals: { "iam:PassedToService": [ev, cb] } }, { "iam:PassedToService": cb }, false],
    ["StringNotEquals: a missing key is true", { StringNotEquals: { "iam:PassedToService": cb } }, {}, true],
    ["StringEqualsIgnoreCase", { StringEqualsIgnoreCase: { "aws:RequestedRegion": "US-EAST-1" } }, { "aws:RequestedRegion": "us-east-1" }, true],
    ["StringNotEqualsIgnoreCase", { StringNotEqualsIgnoreCase: { "aws:RequestedRegion": "US-EAST-1" } }, { "aws:RequestedRegion": "us-east-1" }, false],
    ["StringLike with *", { StringLike: { "iam:PassedToService": "*.amazonaws.com" } }, { "iam:PassedToService": cb }, true],
    ["StringLike with ?", { StringLike: { "aws:RequestedRegion": "eu-west-?" } }, { "aws:RequestedRegion": "eu-west-1" }, true],
    ["StringLike is case-sensitive", { StringLike: { "aws:RequestedRegion": "EU-*" } }, { "aws:RequestedRegion": "eu-west-1" }, false],
    ["StringNotLike", { StringNotLike: { "iam:PassedToService": ["ec2.*", "lambda.*"] } }, { "iam:PassedToService": cb }, true],
    ["StringNotLike matching one pattern is false", { StringNotLike: { "iam:PassedToService": ["ec2.*", "code*"] } }, { "iam:PassedToService": cb }, false],
    ["StringNotLike: a missing key is true", { StringNotLike: { "iam:PassedToService": "code*" } }, {}, true],
    // ARN operators: per segment, case-sensitive
    ["ArnLike", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/cody/*` } }, { "aws:PrincipalArn": ROLE }, true],
    ["ArnEquals behaves as ArnLike", { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::*:role/cody/*" } }, { "aws:PrincipalArn": ROLE }, true],
    ["ArnLike: wildcards stay in their segment", { ArnLike: { "aws:PrincipalArn": "arn:aws:*:role/cody/*" } }, { "aws:PrincipalArn": ROLE }, false],
    ["ArnLike is case-sensitive", { ArnLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:role/Cody/*` } }, { "aws:PrincipalArn": ROLE }, false],
    ["ArnLike with an invalid value is false", { ArnLike: { "aws:PrincipalArn": "not-an-arn" } }, { "aws:PrincipalArn": ROLE }, false],
    ["ArnNotLike", { ArnNotLike: { "aws:PrincipalArn": `arn:aws:iam::${ACCOUNT}:user/*` } }, { "aws:PrincipalArn": ROLE }, true],
    ["ArnNotEquals with a match is false", { ArnNotEquals: { "aws:PrincipalArn": ROLE } }, { "aws:PrincipalArn": ROLE }, false],
    ["ArnNotLike with an invalid value is false", { ArnNotLike: { "aws:PrincipalArn": "not-an-arn" } }, { "aws:PrincipalArn": ROLE }, false],
    ["ArnNotLike: a missing key is true", { ArnNotLike: { "aws:PrincipalArn": ROLE } }, {}, true],
    // Bool
    ["Bool true", { Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "true" }, true],
    ["Bool with a JSON boolean", { Bool: { "aws:SecureTransport": false } }, { "aws:SecureTransport": "false" }, true],
    ["Bool is case-insensitive", { Bool: { "aws:SecureTransport": "TRUE" } }, { "aws:SecureTransport": "True" }, true],
    ["Bool mismatch", { Bool: { "aws:SecureTransport": "true" } }, { "aws:SecureTransport": "false" }, false],
    ["Bool with a non-boolean policy value", { Bool: { "aws:SecureTransport": "yes" } }, { "aws:SecureTransport": "true" }, false],
    ["Bool: a missing key is false", { Bool: { "aws:SecureTransport": "false" } }, {}, false],
    ["BoolIfExists: a missing key is true", { BoolIfExists: { "aws:SecureTransport": "false" } }, {}, true],
    // Null
    ["Null true: key absent", { Null: { "aws:TagKeys": "true" } }, {}, true],
    ["Null true: key present", { Null: { "aws:TagKeys": "true" } }, { "aws:TagKeys": ["Project"] }, false],
    ["Null false: key present", { Null: { "aws:TagKeys": false } }, { "aws:TagKeys": ["Project"] }, true],
    ["Null false: key absent", { Null: { "aws:TagKeys": "false" } }, {}, false],
    ["Null: an empty multivalued key is present", { Null: { "aws:TagKeys": "false" } }, { "aws:TagKeys": [] }, true],
    // Numeric
    ["NumericEquals", { NumericEquals: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "3600" }, true],
    ["NumericEquals compares numbers, not text", { NumericEquals: { "aws:MultiFactorAuthAge": 3600 } }, { "aws:MultiFactorAuthAge": "3600.0" }, true],
    ["NumericNotEquals", { NumericNotEquals: { "aws:MultiFactorAuthAge": ["300", "600"] } }, { "aws:MultiFactorAuthAge": "3600" }, true],
    ["NumericNotEquals with an equal value", { NumericNotEquals: { "aws:MultiFactorAuthAge": ["300", "3600"] } }, { "aws:MultiFactorAuthAge": "3600" }, false],
    ["NumericLessThan", { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "3599" }, true],
    ["NumericLessThan at the bound", { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "3600" }, false],
    ["NumericLessThanEquals at the bound", { NumericLessThanEquals: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "3600" }, true],
    ["NumericGreaterThan", { NumericGreaterThan: { "aws:MultiFactorAuthAge": "1.5" } }, { "aws:MultiFactorAuthAge": "2" }, true],
    ["NumericGreaterThan at the bound", { NumericGreaterThan: { "aws:MultiFactorAuthAge": "2" } }, { "aws:MultiFactorAuthAge": "2" }, false],
    ["NumericGreaterThanEquals at the bound", { NumericGreaterThanEquals: { "aws:MultiFactorAuthAge": "2" } }, { "aws:MultiFactorAuthAge": "2" }, true],
    ["Numeric with a non-number is false", { NumericLessThan: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "12abc" }, false],
    ["NumericNotEquals with a non-number is false", { NumericNotEquals: { "aws:MultiFactorAuthAge": "n/a" } }, { "aws:MultiFactorAuthAge": "300" }, false],
    ["NumericLessThanIfExists: missing is true", { NumericLessThanIfExists: { "aws:MultiFactorAuthAge": "3600" } }, {}, true],
    ["NumericLessThanIfExists: present is tested", { NumericLessThanIfExists: { "aws:MultiFactorAuthAge": "3600" } }, { "aws:MultiFactorAuthAge": "7200" }, false],
    // Date (not in the differential: iam-simulate reads epoch values unscaled)
    ["DateGreaterThan ISO", { DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } }, { "aws:CurrentTime": "2026-09-27T12:00:00Z" }, true],
    ["DateLessThan epoch seconds", { DateLessThan: { "aws:CurrentTime": "1800000000" } }, { "aws:CurrentTime": "2026-09-27T12:00:00Z" }, true],
    ["DateEquals", { DateEquals: { "aws:CurrentTime": "2026-09-27T12:00:00Z" } }, { "aws:CurrentTime": "2026-09-27T12:00:00.000Z" }, true],
    ["DateNotEquals with garbage is false", { DateNotEquals: { "aws:CurrentTime": "yesterday" } }, { "aws:CurrentTime": "2026-09-27T12:00:00Z" }, false],
    // IP addresses
    ["IpAddress in a CIDR", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }, { "aws:SourceIp": "10.1.2.3" }, true],
    ["IpAddress outside", { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } }, { "aws:SourceIp": "10.1.2.3" }, false],
    ["IpAddress 0.0.0.0/0 covers all IPv4 (iam-simulate 0.1.173 gets this wrong)", { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } }, { "aws:SourceIp": "203.0.113.9" }, true],
    ["IpAddress single address", { IpAddress: { "aws:SourceIp": "192.168.0.7" } }, { "aws:SourceIp": "192.168.0.7" }, true],
    ["IpAddress IPv6, any spelling", { IpAddress: { "aws:SourceIp": "2001:db8:0:0::17" } }, { "aws:SourceIp": "2001:db8::17" }, true],
    ["IpAddress IPv6 CIDR", { IpAddress: { "aws:SourceIp": "2001:db8::/32" } }, { "aws:SourceIp": "2001:db8:ffff::1" }, true],
    ["NotIpAddress", { NotIpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"] } }, { "aws:SourceIp": "203.0.113.9" }, true],
    ["NotIpAddress: IPv4 is outside an IPv6 range", { NotIpAddress: { "aws:SourceIp": "2001:db8::/32" } }, { "aws:SourceIp": "10.1.2.3" }, true],
    ["NotIpAddress with a bad CIDR is false", { NotIpAddress: { "aws:SourceIp": "10.0.0.0/33" } }, { "aws:SourceIp": "10.1.2.3" }, false],
    ["BinaryEquals compares the base64 text", { BinaryEquals: { "s3:x": "QmluYXJ5" } }, { "s3:x": "QmluYXJ5" }, true],
    // IfExists
    ["StringEqualsIfExists: missing is true", { StringEqualsIfExists: { "iam:PassedToService": cb } }, {}, true],
    ["StringEqualsIfExists: present is tested", { StringEqualsIfExists: { "iam:PassedToService": cb } }, { "iam:PassedToService": ev }, false],
    ["the IfExists suffix is case-insensitive", { StringEqualsifexists: { "iam:PassedToService": cb } }, {}, true],
    // Multivalued keys
    ["ForAnyValue: one request value matches", { "ForAnyValue:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } }, { "aws:CalledVia": ["athena.amazonaws.com", "cloudformation.amazonaws.com"] }, true],
    ["ForAnyValue: none matches", { "ForAnyValue:StringEquals": { "aws:CalledVia": "cloudformation.amazonaws.com" } }, { "aws:CalledVia": ["athena.amazonaws.com"] }, false],
    ["ForAnyValue: a missing key is false", { "ForAnyValue:StringLike": { "aws:TagKeys": "*" } }, {}, false],
    ["ForAnyValue: an empty set is false", { "ForAnyValue:StringLike": { "aws:TagKeys": "*" } }, { "aws:TagKeys": [] }, false],
    ["ForAnyValue on a single value", { "ForAnyValue:StringEquals": { "iam:PassedToService": cb } }, { "iam:PassedToService": cb }, true],
    ["ForAnyValue:StringNotEquals: some value outside the list", { "ForAnyValue:StringNotEquals": { "aws:TagKeys": ["Project", "Env"] } }, { "aws:TagKeys": ["Project", "Owner"] }, true],
    ["ForAllValues: every value allowed", { "ForAllValues:StringEquals": { "aws:TagKeys": ["Project", "Env"] } }, { "aws:TagKeys": ["Project", "Env"] }, true],
    ["ForAllValues: one value not allowed", { "ForAllValues:StringEquals": { "aws:TagKeys": ["Project", "Env"] } }, { "aws:TagKeys": ["Project", "Owner"] }, false],
    ["ForAllValues: a missing key is true", { "ForAllValues:StringEquals": { "aws:TagKeys": "Project" } }, {}, true],
    ["ForAllValues: an empty set is true", { "ForAllValues:StringEquals": { "aws:TagKeys": "Project" } }, { "aws:TagKeys": [] }, true],
    ["ForAllValues:StringNotLike: no value matches any pattern", { "ForAllValues:StringNotLike": { "aws:TagKeys": ["aws:*", "Secret*"] } }, { "aws:TagKeys": ["Project", "Env"] }, true],
    ["ForAllValues:StringNotLike: one value matches", { "ForAllValues:StringNotLike": { "aws:TagKeys": ["aws:*", "Secret*"] } }, { "aws:TagKeys": ["Project", "SecretX"] }, false],
    ["set prefixes are case-insensitive", { "forallvalues:StringEquals": { "aws:TagKeys": "Project" } }, { "aws:TagKeys": ["Project"] }, true],
    ["a plain operator on a multivalued key is false", { StringEquals: { "aws:CalledVia": "cloudformation.amazonaws.com" } }, { "aws:CalledVia": ["cloudformation.amazonaws.com"] }, false],
    ["… even a negated one", { StringNotEquals: { "aws:CalledVia": "x" } }, { "aws:CalledVia": ["cloudformation.amazonaws.com"] }, false],
    ["… even with IfExists", { StringEqualsIfExists: { "aws:CalledVia": "cloudformation.amazonaws.com" } }, { "aws:CalledVia": ["cloudformation.amazonaws.com"] }, false],
    ["ForAnyValue…IfExists: a missing key is true (iam-simulate says false)", { "ForAnyValue:StringEqualsIfExists": { "aws:CalledVia": "x" } }, {}, true],
    // AND across keys and operators
    ["two keys in a block are AND-ed (both hold)", { StringEquals: { "iam:PassedToService": cb, "aws:RequestedRegion": "us-east-1" } }, { "iam:PassedToService": cb, "aws:RequestedRegion": "us-east-1" }, true],
    ["two keys in a block are AND-ed (one fails)", { StringEquals: { "iam:PassedToService": cb, "aws:RequestedRegion": "us-east-1" } }, { "iam:PassedToService": cb, "aws:RequestedRegion": "eu-west-1" }, false],
    ["two operators are AND-ed", { StringEquals: { "iam:PassedToService": cb }, Bool: { "aws:SecureTransport": "true" } }, { "iam:PassedToService": cb, "aws:SecureTransport": "false" }, false],
    ["an empty Condition holds", {}, {}, true],
    // Unsupported or invalid
    ["an unknown operator never holds", { StringEqual: { "iam:PassedToService": cb } } as IamStatement["Condition"], { "iam:PassedToService": cb }, false],
    ["policy variables are filled from the context", { StringEquals: { "aws:RequestedRegion": "${aws:username}" } }, { "aws:RequestedRegion": "us-east-1", "aws:username": "us-east-1" }, true],
  ];

  it.each(rows)("%s", (_name, Condition, context, holds) => {
    expect(decide(allow({ Condition }), { context })).toBe(holds ? "allowed" : "implicitDeny");
    // The same condition on a Deny decides the other way round.
    expect(decide({ Effect: "Deny", Action: "*", Resource: "*", Condition }, { context })).toBe(holds ? "explicitDeny" : "implicitDeny");
  });

  it("cody's PassRole guard: only to CodeBuild and EventBridge, only under role/cody/", () => {
    const doc = policy({
      Sid: "PassCodyRoles",
      Effect: "Allow",
      Action: "iam:PassRole",
      Resource: `arn:aws:iam::${ACCOUNT}:role/cody/*`,
      Condition: { StringEquals: { "iam:PassedToService": [cb, ev] } },
    });
    const pass = (resource: string, service?: string): string =>
      evaluatePolicies([doc], { action: "iam:PassRole", resource, context: service ? { "iam:PassedToService": service } : {} }).decision;
    expect(pass(ROLE, cb)).toBe("allowed");
    expect(pass(ROLE, ev)).toBe("allowed");
    expect(pass(ROLE, "ec2.amazonaws.com")).toBe("implicitDeny");
    expect(pass(ROLE)).toBe("implicitDeny");
    expect(pass(`arn:aws:iam::${ACCOUNT}:role/Admin`, cb)).toBe("implicitDeny");
  });
});

describe("parsePolicyDocument", () => {
  const valid = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Deploy",
      "Effect": "Allow",
      "Action": ["cloudformation:CreateChangeSet", "cloudformation:Describe*"],
      "Resource": "arn:aws:cloudformation:*:${ACCOUNT}:stack/cody-*/*"
    },
    {
      "Effect": "Allow",
      "Action": "iam:PassRole",
      "Resource": "arn:aws:iam::${ACCOUNT}:role/cody/*",
      "Condition": { "StringEquals": { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] }, "Bool": { "aws:SecureTransport": true } }
    }
  ]
}`;

  it("reads a valid policy into the evaluator's shape", () => {
    const doc = parsePolicyDocument(valid, "policy.json");
    expect(doc).toEqual(JSON.parse(valid));
    const result = evaluatePolicies([doc], { action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "codebuild.amazonaws.com", "aws:SecureTransport": "true" } });
    expect(result).toEqual({ decision: "allowed", matchedAllow: ["Statement[1]"], matchedDeny: [] });
  });

  it("accepts a single statement object, a BOM and the legacy version", () => {
    expect(parsePolicyDocument(`\uFEFF{"Version":"2008-10-17","Statement":{"Effect":"Deny","NotAction":"s3:*","NotResource":"*"}}`)).toEqual({
      Version: "2008-10-17",
      Statement: { Effect: "Deny", NotAction: "s3:*", NotResource: "*" },
    });
  });

  it("decodes JSON string escapes", () => {
    const doc = parsePolicyDocument(`{"Statement":{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b\\/k\\u0041\\n"}}`);
    expect((doc.Statement as IamStatement).Resource).toBe("arn:aws:s3:::b/kA\n");
  });

  // Ruby cody's docs page (docs/architecture.md#ruby-codys-bugs) shipped this policy with a trailing comma after "ssm:*".
  const codySeed = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Action": [
        "cloudformation:*",
        "codebuild:*",
        "events:*",
        "iam:*",
        "logs:*",
        "ssm:*",
      ],
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}`;

  it.each<[string, string, number, RegExp]>([
    ["cody's seed page: trailing comma in an array", codySeed, 11, /line 11, column 16: trailing comma before '\]'/],
    ["trailing comma in an object", `{\n  "Statement": [],\n}`, 2, /trailing comma before '\}'/],
    ["missing comma", `{\n  "Version": "2012-10-17"\n  "Statement": []\n}`, 3, /missing comma between properties/],
    ["comment", `{\n  // deploy policy\n  "Statement": []\n}`, 2, /comments are not allowed/],
    ["single quotes", `{\n  'Statement': []\n}`, 2, /double quotes/],
    ["unquoted key", `{\n  Statement: []\n}`, 2, /expected a property name in double quotes/],
    ["unclosed object", `{\n  "Statement": [\n  ]\n`, 1, /the object is not closed/],
    ["unclosed array", `{\n  "Statement": [\n    {}\n`, 2, /the array is not closed/],
    ["unterminated string", `{\n  "Statement": "abc\n}`, 2, /unterminated string/],
    ["duplicate key", `{\n  "Statement": [],\n  "Statement": []\n}`, 3, /duplicate key "Statement"/],
    ["extra content", `{"Statement": []}\n{"Statement": []}`, 2, /after the end of the JSON document/],
    ["empty file", "  \n", 2, /the file is empty/],
    ["bad literal", `{\n  "Statement": True\n}`, 2, /unexpected 'T' where a value was expected/],
    ["bad escape", `{\n  "Statement": "a\\x"\n}`, 2, /invalid escape/],
  ])("JSON syntax: %s", (_name, text, line, message) => {
    const [issue, ...rest] = issuesOf(() => parsePolicyDocument(text, "deploy-policy.json"));
    expect(rest).toEqual([]);
    expect(issue.file).toBe("deploy-policy.json");
    expect(issue.line).toBe(line);
    expect(issue.message).toMatch(message);
    expect(issue.fix).toBeTruthy();
  });

  const statementIssues = (statement: string): Issue[] =>
    issuesOf(() => parsePolicyDocument(`{\n  "Version": "2012-10-17",\n  "Statement": [\n    ${statement}\n  ]\n}`, "p.json"));

  it.each<[string, string, string, RegExp, RegExp?]>([
    ["Effect typo", `{"Effect": "allow", "Action": "*", "Resource": "*"}`, "Statement[0].Effect", /Effect must be "Allow" or "Deny"/, /"Allow"/],
    ["no Effect", `{"Action": "*", "Resource": "*"}`, "Statement[0]", /no Effect/],
    ["both Action and NotAction", `{"Effect": "Allow", "Action": "*", "NotAction": "s3:*", "Resource": "*"}`, "Statement[0]", /both Action and NotAction/],
    ["no Action", `{"Effect": "Allow", "Resource": "*"}`, "Statement[0]", /no Action/],
    ["no Resource", `{"Effect": "Allow", "Action": "*"}`, "Statement[0]", /no Resource/],
    ["empty Action array", `{"Effect": "Allow", "Action": [], "Resource": "*"}`, "Statement[0].Action", /empty array/],
    ["Action not a string", `{"Effect": "Allow", "Action": [1], "Resource": "*"}`, "Statement[0].Action[0]", /string or an array of strings/],
    ["action without a service", `{"Effect": "Allow", "Action": "PassRole", "Resource": "*"}`, "Statement[0].Action", /service:ActionName/],
    ["wildcard in the service prefix", `{"Effect": "Allow", "Action": "code*:StartBuild", "Resource": "*"}`, "Statement[0].Action", /service prefix .* must be spelled out/],
    ["resource that is not an ARN", `{"Effect": "Allow", "Action": "*", "Resource": "role/cody/*"}`, "Statement[0].Resource", /must be an ARN or "\*"/],
    ["wildcard in the resource service", `{"Effect": "Allow", "Action": "*", "Resource": ["*", "arn:aws:*:*:*:*"]}`, "Statement[0].Resource[1]", /service segment .* must be spelled out/],
    ["resource without a service", `{"Effect": "Allow", "Action": "*", "Resource": "arn:aws"}`, "Statement[0].Resource", /service segment/],
    ["bad partition", `{"Effect": "Allow", "Action": "*", "Resource": "arn:amazon:iam::1:role/x"}`, "Statement[0].Resource", /partition "amazon"/],
    ["Principal in an identity policy", `{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}`, "Statement[0].Principal", /must not specify Principal/],
    ["unknown statement key", `{"Effect": "Allow", "Action": "*", "Resource": "*", "Conditon": {}}`, "Statement[0].Conditon", /unknown statement key "Conditon"/, /"Condition"/],
    ["non-alphanumeric Sid", `{"Sid": "pass-role", "Effect": "Allow", "Action": "*", "Resource": "*"}`, "Statement[0].Sid", /letters and digits/],
    ["unknown condition operator", `{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqual": {"iam:PassedToService": "x"}}}`, "Statement[0].Condition.StringEqual", /unknown condition operator "StringEqual"/, /"StringEquals"/],
    ["unknown set operator", `{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForEachValue:StringEquals": {"aws:TagKeys": "x"}}}`, "Statement[0].Condition.ForEachValue:StringEquals", /unknown condition operator/],
    ["condition block that is not an object", `{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": ["x"]}}`, "Statement[0].Condition.StringEquals", /must be an object/],
    ["condition value of the wrong type", `{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"k": {"a": 1}}}}`, "Statement[0].Condition.StringEquals.k", /string, number, boolean/],
  ])("IAM grammar: %s", (_name, statement, field, message, fix) => {
    const issues = statementIssues(statement);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: "p.json", line: 4, field });
    expect(issues[0].message).toMatch(message);
    if (fix) expect(issues[0].fix).toMatch(fix);
  });

  it("reports every problem at once, each on its own line", () => {
    const text = `{
  "Version": "2012-10-17",
  "Statment": [],
  "Statement": [
    { "Sid": "A", "Effect": "Allow", "Action": "*", "Resource": "*" },
    { "Sid": "A", "Effect": "Permit", "Action": "*", "Resource": "*" },
    {
      "Effect": "Deny",
      "NotAction": "iam:*",
      "Resource": "*",
      "Condition": { "NumericLesThan": { "aws:MultiFactorAuthAge": 3600 } }
    }
  ]
}`;
    const issues = issuesOf(() => parsePolicyDocument(text, "p.json"));
    expect(issues.map((i) => [i.line, i.field])).toEqual([
      [3, "Statment"],
      [6, "Statement[1].Sid"],
      [6, "Statement[1].Effect"],
      [11, "Statement[2].Condition.NumericLesThan"],
    ]);
    expect(issues[0].fix).toMatch(/"Statement"/);
    expect(issues[1].message).toMatch(/also used by Statement\[0\]/);
    expect(issues[3].fix).toMatch(/"NumericLessThan"/);
  });

  it.each<[string, string, RegExp]>([
    ["an array root", "[]", /must be a JSON object/],
    ["no Statement", `{"Version": "2012-10-17"}`, /no Statement/],
    ["an empty Statement", `{"Statement": []}`, /empty array/],
    ["a string Statement", `{"Statement": "Allow"}`, /object or an array of objects/],
    ["a bad Version", `{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`, /Version must be "2012-10-17"/],
    ["a non-object statement", `{"Statement": ["Allow"]}`, /must be a JSON object/],
  ])("document shape: %s", (_name, text, message) => {
    const issues = issuesOf(() => parsePolicyDocument(text, "p.json"));
    expect(issues[0].message).toMatch(message);
    expect(issues[0].file).toBe("p.json");
    expect(issues[0].line).toBe(1);
  });

  it("names no file when none is given", () => {
    expect(issuesOf(() => parsePolicyDocument("{,}"))[0].file).toBeUndefined();
  });

  it("accepts every supported operator with its prefixes and suffix", () => {
    const ops = ["StringEquals", "StringNotLike", "ArnLike", "Bool", "Null", "NumericGreaterThanEquals", "DateLessThan", "IpAddress", "BinaryEquals"];
    const condition = Object.fromEntries(ops.flatMap((op) => [[op, { k: "1" }], [`${op}IfExists`, { k: "1" }], [`ForAnyValue:${op}`, { k: ["1"] }], [`ForAllValues:${op}IfExists`, { k: true }]]));
    expect(() => parsePolicyDocument(JSON.stringify({ Statement: { Effect: "Allow", Action: "*", Resource: "*", Condition: condition } }))).not.toThrow();
  });
});

describe("unsupportedFeatures", () => {
  it("lists policy variables that have no value offline, not ${aws:username} or the escapes", () => {
    const docs = [
      policy(
        allow({ Sid: "Self", Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` }),
        allow({ Condition: { StringLike: { "s3:prefix": ["home/${aws:userid}/*", "public/${*}"] } } }),
        allow({ Resource: [ROLE, "*"] }),
      ),
    ];
    expect(unsupportedFeatures(docs)).toEqual([
      "Statement[1]: policy variable ${aws:userid} has no value offline: an Allow that needs it covers nothing, a Deny that uses it is taken to apply",
    ]);
    expect(unsupportedFeatures([policy(allow({ Resource: ROLE, Condition: { Bool: { "aws:SecureTransport": true } } }))])).toEqual([]);
  });
});

describe("policy variables (one request)", () => {
  const self = allow({ Action: "iam:GetUser", Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username}` });
  const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

  it("fills ${aws:username} from the context: the caller's own user only", () => {
    const docs = [policy(self)];
    expect(evaluatePolicies(docs, { action: "iam:GetUser", resource: user("alice"), context: { "aws:username": "alice" } }).decision).toBe("allowed");
    expect(evaluatePolicies(docs, { action: "iam:GetUser", resource: user("bob"), context: { "aws:username": "alice" } }).decision).toBe("implicitDeny");
  });

  it("without a value, an Allow that needs it covers nothing and a Deny that uses it applies", () => {
    expect(evaluatePolicies([policy(self)], { action: "iam:GetUser", resource: user("alice") }).decision).toBe("implicitDeny");
    const deny: IamStatement = { Effect: "Deny", Action: "iam:*", Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:userid}` };
    expect(evaluatePolicies([policy(allow(), deny)], { action: "iam:GetUser", resource: user("alice") }).decision).toBe("explicitDeny");
  });

  it("takes a default value, and ${*} as a literal star", () => {
    const withDefault = allow({ Action: "iam:GetUser", Resource: `arn:aws:iam::${ACCOUNT}:user/\${aws:username, 'ci'}` });
    expect(evaluatePolicies([policy(withDefault)], { action: "iam:GetUser", resource: user("ci") }).decision).toBe("allowed");
    const star = allow({ Action: "iam:GetUser", Resource: `arn:aws:iam::${ACCOUNT}:user/a\${*}` });
    expect(evaluatePolicies([policy(star)], { action: "iam:GetUser", resource: user("a*") }).decision).toBe("allowed");
    expect(evaluatePolicies([policy(star)], { action: "iam:GetUser", resource: user("ab") }).decision).toBe("implicitDeny");
  });
});
