// Regressions for `cody policy --check` on requirement *patterns* (src/policy/coverage.ts through
// checkPolicies): a pattern is covered only when every ARN it stands for is allowed and none is denied.
// One table per class the issue named: narrower Deny, NotResource, `?`, partial Allow, region both ways,
// `${aws:username}`, condition values that are patterns. The broad agreement with iam-simulate is in
// evaluate-coverage-differential.test.ts.
import { describe, expect, it } from "vitest";
import { coverage } from "../../src/policy/coverage";
import type { PolicyDocument, IamStatement } from "../../src/policy/evaluate";
import { findWitness, lit, matches, outside, overlap, STAR } from "../../src/policy/glob-sets";
import { checkPolicies, type CheckOptions } from "../../src/iam/policy";
import type { Requirement } from "../../src/iam/requirements";

const ACCOUNT = "123456789012";
const ROLES = `arn:aws:iam::${ACCOUNT}:role/cody/app-cody-*`;
const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/cody/${name}`;

const doc = (...Statement: IamStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement });
const allow = (Resource: string | string[], extra: Partial<IamStatement> = {}): IamStatement => ({ Effect: "Allow", Action: "iam:PassRole", Resource, ...extra });
const deny = (Resource: string | string[], extra: Partial<IamStatement> = {}): IamStatement => ({ Sid: "NoAdmin", Effect: "Deny", Action: "iam:*", Resource, ...extra });

function requirement(action: string, resource: string, condition?: Requirement["condition"]): Requirement {
  return { sid: "Need", actions: [action], resources: [resource], ...(condition ? { condition } : {}), why: "test", commands: ["deploy"] };
}

const passRoles = requirement("iam:PassRole", ROLES, { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } });

/** The check's answer for one requirement: covered, or the decision, who denied and the example. */
function check(policies: PolicyDocument[], need: Requirement = passRoles, options: CheckOptions = { region: "us-east-1" }) {
  const [gap] = checkPolicies(policies, [need], [need], options).missing;
  return gap ? { decision: gap.decision, deniedBy: gap.deniedBy, example: gap.example } : "covered";
}

describe("glob sets", () => {
  const seg = (text: string) => [...text].map((ch) => (ch === "*" ? STAR : lit(ch)[0]));

  it("inclusion and overlap of globs, with witnesses", () => {
    expect(outside(seg("app-*"), [seg("app-a*")])).toBe("app-"); // a shortest string of the first outside the second
    expect(outside(seg("app-a*"), [seg("app-*")])).toBeUndefined();
    expect(outside(seg("app-*"), [seg("app-a*"), seg("app-")])).toBe("app-x");
    expect(overlap(seg("app-*"), [seg("*-admin")])).toBe("app-admin");
    expect(overlap(seg("app-*"), [seg("web-*")])).toBeUndefined();
  });

  it("a `*` in an ARN segment never crosses `:`", () => {
    const segStar = { kind: "star", seg: true } as const;
    expect(matches([...lit("a:"), segStar, ...lit(":b")], "a:x:b")).toBe(true);
    expect(matches([...lit("a:"), segStar, ...lit(":b")], "a:x:y:b")).toBe(false);
  });

  it("answers for one concrete string without a search", () => {
    expect(findWitness(lit("abc"), [seg("a*")], (acc) => !acc[0])).toEqual({ found: false });
    expect(findWitness(lit("abc"), [seg("b*")], (acc) => !acc[0])).toEqual({ found: true, text: "abc" });
  });
});

describe("wildcard requirement resources", () => {
  it.each<[string, IamStatement[]]>([
    ["the same pattern", [allow(ROLES)]],
    ["a wider pattern", [allow(`arn:aws:iam::${ACCOUNT}:role/cody/*`)]],
    ["any account, path and name", [allow("arn:aws:iam::*:role/*")]],
    ["*", [allow("*")]],
    ["a short ARN", [allow("arn:aws:iam::*")]],
    ["the service segment in capitals", [allow(`arn:aws:IAM::${ACCOUNT}:role/cody/app-cody-*`)]],
    ["two Allows that only together cover it", [allow(role("app-cody-a*")), allow("*", { Resource: undefined, NotResource: role("app-cody-a*") })]],
    ["a Deny on another path", [allow("*"), deny(role("other/*"))]],
    ["a Deny with NotResource around the whole set", [allow("*"), deny("*", { Resource: undefined, NotResource: `arn:aws:iam::${ACCOUNT}:role/cody/*` })]],
  ])("covered: %s", (_name, statements) => {
    expect(check([doc(...statements)])).toBe("covered");
  });

  it("a narrower Deny makes it not covered, naming the Deny and an ARN it denies", () => {
    expect(check([doc(allow(ROLES), deny(role("app-cody-admin")))])).toEqual({ decision: "explicitDeny", deniedBy: ["NoAdmin"], example: role("app-cody-admin") });
    // In a second policy, with a `?` pattern or a wildcard of its own: still found.
    expect(check([doc(allow("*")), doc(deny(role("app-cody-adm?n")))])).toMatchObject({ decision: "explicitDeny", example: role("app-cody-admxn") });
    expect(check([doc(allow("*"), deny(role("*-admin")))])).toMatchObject({ decision: "explicitDeny", example: role("app-cody-admin") });
  });

  it("a Deny with a NotResource narrower than the set denies the rest of it", () => {
    const result = check([doc(allow(ROLES), deny("*", { Resource: undefined, NotResource: role("app-cody-a*") }))]);
    expect(result).toMatchObject({ decision: "explicitDeny", deniedBy: ["NoAdmin"] });
    expect(result).not.toBe("covered");
    if (result !== "covered") expect(result.example?.startsWith(role("app-cody-a"))).toBe(false);
  });

  it("an Allow with NotResource leaves out what it lists", () => {
    expect(check([doc(allow("*", { Resource: undefined, NotResource: role("app-cody-admin") }))])).toEqual({
      decision: "implicitDeny",
      deniedBy: [],
      example: role("app-cody-admin"),
    });
  });

  it.each(["app-cody-a*", "app-cody-?*", "app-cody-?", "app-cody-??????", "App-Cody-*"])("a partial Allow (%s) is not covered: the example is in the set, outside the Allow", (pattern) => {
    const result = check([doc(allow(role(pattern)))]);
    expect(result).toMatchObject({ decision: "implicitDeny" });
    const example = result === "covered" ? "" : (result.example ?? "");
    const glob = (p: string) => new RegExp(`^${p.replace(/[.+^$(){}|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
    expect(example).toMatch(glob(ROLES));
    expect(example).not.toMatch(glob(role(pattern)));
  });

  it("prefers a readable example: a name, not the empty string, where there is one", () => {
    expect(check([doc(allow(role("app-cody-a*")))])).toMatchObject({ example: role("app-cody-x") });
    expect(check([doc(allow(role("app-cody-?*")))])).toMatchObject({ example: role("app-cody-") }); // only the empty name is left out
  });

  it("a Deny's condition that may hold for part of the set still counts", () => {
    const regional = requirement("codebuild:StartBuild", `arn:aws:codebuild:*:${ACCOUNT}:project/app-*`);
    const onlyEu = deny(`arn:aws:codebuild:*:${ACCOUNT}:project/*`, { Action: "codebuild:*", Condition: { StringLike: { "aws:RequestedRegion": "eu-*" } } });
    expect(check([doc(allow("*", { Action: "codebuild:*" }), onlyEu)], regional, {})).toMatchObject({ decision: "explicitDeny" });
    expect(check([doc(allow("*", { Action: "codebuild:*" }), onlyEu)], regional, { region: "us-east-1" })).toBe("covered");
  });

  it("a secret's random suffix is six characters: `-??????` covers it, `-?????` does not", () => {
    const secret = requirement("secretsmanager:GetSecretValue", `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-??????`);
    const grant = (suffix: string) => doc(allow(`arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db-${suffix}`, { Action: "secretsmanager:GetSecretValue" }));
    expect(check([grant("??????")], secret)).toBe("covered");
    expect(check([grant("*")], secret)).toBe("covered");
    expect(check([grant("?????")], secret)).toMatchObject({ decision: "implicitDeny" });
  });

  it("keeps resource `*` literal for actions that take no resource", () => {
    const list = requirement("codebuild:ListProjects", "*");
    expect(check([doc(allow("*", { Action: "codebuild:List*" }))], list)).toBe("covered");
    expect(check([doc(allow(`arn:aws:codebuild:*:${ACCOUNT}:project/*`, { Action: "codebuild:*" }))], list)).toMatchObject({ decision: "implicitDeny" });
  });
});

describe("aws:RequestedRegion", () => {
  const projects = (region: string) => requirement("codebuild:StartBuild", `arn:aws:codebuild:${region}:${ACCOUNT}:project/*`);
  const inRegion = (op: string, value: string | string[]) => allow("*", { Action: "codebuild:*", Condition: { [op]: { "aws:RequestedRegion": value } } });

  it.each<[string, IamStatement, string | undefined, boolean]>([
    ["StringEquals, same region", inRegion("StringEquals", "us-east-1"), "us-east-1", true],
    ["StringEquals, another region", inRegion("StringEquals", "eu-west-1"), "us-east-1", false],
    ["StringLike us-*", inRegion("StringLike", "us-*"), "us-east-1", true],
    ["StringLike eu-west-?", inRegion("StringLike", "eu-west-?"), "us-east-1", false],
    ["StringNotEquals another region", inRegion("StringNotEquals", ["eu-west-1", "ap-south-1"]), "us-east-1", true],
    ["StringNotEquals its own region", inRegion("StringNotEquals", "us-east-1"), "us-east-1", false],
    ["StringNotLike eu-*", inRegion("StringNotLike", "eu-*"), "us-east-1", true],
    ["StringEqualsIgnoreCase", inRegion("StringEqualsIgnoreCase", "US-EAST-1"), "us-east-1", true],
    ["unknown region: StringEquals cannot be proven", inRegion("StringEquals", "us-east-1"), undefined, false],
    ["unknown region: StringNotEquals cannot be proven", inRegion("StringNotEquals", "eu-west-1"), undefined, false],
    ["unknown region: StringLike * holds for every region", inRegion("StringLike", "*"), undefined, true],
    ["unknown region: Null false holds (the key is always there)", inRegion("Null", "false"), undefined, true],
  ])("Allow with %s", (_name, statement, region, covered) => {
    const result = check([doc(statement)], projects(region ?? "*"), { region });
    if (covered) expect(result).toBe("covered");
    else expect(result).toMatchObject({ decision: "implicitDeny" });
  });

  it.each<[string, string | undefined, boolean]>([
    ["in the allowed region", "us-east-1", true],
    ["in another region", "eu-west-1", false],
    ["in an unknown region", undefined, false],
  ])("a Deny outside us-east-1, %s", (_name, region, covered) => {
    const fence = deny("*", { Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } });
    const result = check([doc(allow("*", { Action: "codebuild:*" }), fence)], projects(region ?? "*"), { region });
    if (covered) expect(result).toBe("covered");
    else expect(result).toMatchObject({ decision: "explicitDeny", deniedBy: ["NoAdmin"] });
  });

  it("IAM requests are made in the partition's global region, whatever the project's", () => {
    const fence = deny("*", { Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } });
    expect(check([doc(allow("*"), fence)], passRoles, { region: "eu-west-1" })).toBe("covered");
    expect(check([doc(allow("*"), fence)], passRoles, {})).toBe("covered");
    const china = deny("*", { Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "cn-north-1" } } });
    expect(check([doc(allow("*"), china)], passRoles, { region: "cn-northwest-1", partition: "aws-cn" })).toBe("covered");
  });
});

describe("${aws:username}", () => {
  const self = requirement("iam:GetUser", "arn:aws:iam::*:user/${aws:username}");
  const reads = (Resource: string) => doc(allow(Resource, { Action: "iam:Get*" }));

  it.each([
    ["user/${aws:username}", "arn:aws:iam::*:user/${aws:username}", true],
    ["user/* in any account", "arn:aws:iam::*:user/*", true],
    ["*", "*", true],
    ["a path-scoped user/cody-*: not every user name", "arn:aws:iam::*:user/cody-*", false],
    ["one named user", "arn:aws:iam::*:user/cody-check-user", false],
    ["another variable", "arn:aws:iam::*:user/${aws:userid}", false],
    ["the account pinned, with none known", `arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, false],
  ])("%s", (_name, resource, covered) => {
    const result = check([reads(resource)], self, {});
    if (covered) expect(result).toBe("covered");
    else expect(result).toMatchObject({ decision: "implicitDeny" });
  });

  it("a Deny with a variable that has no value is taken to apply", () => {
    const result = check([reads("*"), doc(deny("arn:aws:iam::*:user/${aws:userid}", { Action: "iam:*" }))], self, {});
    expect(result).toMatchObject({ decision: "explicitDeny" });
  });

  it("fills condition values too", () => {
    const mine = doc(allow("*", { Action: "iam:GetUser", Condition: { StringEquals: { "aws:username": "${aws:username}" } } }));
    expect(check([mine], self, {})).toBe("covered");
  });
});

describe("requirement condition values that are patterns", () => {
  const attach = requirement("iam:AttachRolePolicy", ROLES, { ArnLike: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/*` } });
  const grant = (condition: IamStatement["Condition"]) => doc(allow(ROLES, { Action: "iam:AttachRolePolicy", Condition: condition }));

  it.each<[string, IamStatement["Condition"], boolean]>([
    ["the same ArnLike", { ArnLike: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/*` } }, true],
    ["a wider ArnLike", { ArnLike: { "iam:PolicyARN": "arn:aws:iam::*:policy/*" } }, true],
    ["a narrower ArnLike", { ArnLike: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/build-*` } }, false],
    ["ArnEquals one policy", { ArnEquals: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/x` } }, false],
    ["ArnNotLike elsewhere", { ArnNotLike: { "iam:PolicyARN": "arn:aws:iam::aws:policy/*" } }, true],
    ["ArnNotLike inside", { ArnNotLike: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/admin*` } }, false],
    ["StringLike on the same text", { StringLike: { "iam:PolicyARN": `arn:aws:iam::${ACCOUNT}:policy/cody/*` } }, true],
    ["no condition", undefined, true],
  ])("Allow with %s", (_name, condition, covered) => {
    const result = check([grant(condition)], attach);
    if (covered) expect(result).toBe("covered");
    else expect(result).toMatchObject({ decision: "implicitDeny" });
  });

  it("a Deny on one policy inside the set denies; one outside it does not", () => {
    const denyOne = (arn: string) => deny("*", { Action: "iam:AttachRolePolicy", Condition: { ArnEquals: { "iam:PolicyARN": arn } } });
    expect(check([grant(undefined), doc(denyOne(`arn:aws:iam::${ACCOUNT}:policy/cody/admin`))], attach)).toMatchObject({ decision: "explicitDeny" });
    expect(check([grant(undefined), doc(denyOne("arn:aws:iam::aws:policy/AdministratorAccess"))], attach)).toBe("covered");
  });
});

describe("coverage of one concrete request", () => {
  it("treats `*` in a concrete resource as a character", () => {
    const policies = [doc(allow(role("a${*}")))];
    expect(coverage(policies, { action: "iam:PassRole", resource: role("a*"), concrete: true }).decision).toBe("allowed");
    expect(coverage(policies, { action: "iam:PassRole", resource: role("a*") }).decision).toBe("implicitDeny");
  });
});
