// Offline evaluator for IAM *identity* policies: `cody policy --check` (docs/architecture.md#iam) and the preflight's
// local engine. Pure and free of the simulator library so it can ship in the MIT CLI; it is differentially
// tested against the AGPL @cloud-copilot/iam-simulate (a dev dependency only): one request at a time in
// test/policy/evaluate-differential.test.ts, requirement patterns in evaluate-coverage-differential.test.ts.
// This file is the entry: matching (./matching.ts), conditions (./conditions.ts), parsing
// (./parse-policy.ts), sets of requests (./coverage.ts on ./glob-sets.ts).
//
// One request (evaluatePolicies), mirroring IAM, and iam-simulate where IAM's docs are silent:
// - An explicit Deny wins; otherwise any matching Allow allows; otherwise implicit deny.
// - Action: "*" matches everything; "service:name" globs the service and the name case-insensitively
//   (`*` any run, `?` one character). IAM refuses wildcards in the service prefix on upload, and so does
//   parsePolicyDocument.
// - Resource: "*" matches everything. An ARN pattern is compared segment by segment: partition, service,
//   region and account each glob within their own segment (case-insensitively, as iam-simulate does);
//   the resource part (everything after the fifth colon) globs case-sensitively and its `*` crosses
//   `/` and `:` (IAM: "the * can expand to match beyond the colon boundaries"). The resource-type prefix
//   (e.g. `role/`, `log-group:`) must match literally: IAM forbids wildcards there. An ARN with fewer than
//   six segments is padded with `*` segments (so `arn:aws:iam::*` covers all of IAM), as iam-simulate does.
//   S3 bucket/object ARNs (empty region and account) have no resource-type prefix.
// - NotAction / NotResource: the statement applies when the request matches none of the listed values.
// - Condition: every operator block and every key in it must hold (AND); the values of one key are OR-ed,
//   except for negated operators (`...Not...`), where the request value must differ from every value.
//   Condition keys are case-insensitive. A missing key makes the condition false, except: negated
//   operators and `...IfExists` are true, `Null` tests presence, `ForAllValues:` is true.
//   A context value given as an array is a multivalued key: it needs a `ForAnyValue:`/`ForAllValues:`
//   prefix, and a plain operator on it is false (iam-simulate's behaviour, which AWS confirmed for
//   multivalued keys). Set operators treat a single string as a one-element set.
// - Supported operators: String(Not)Equals(IgnoreCase), String(Not)Like, Numeric{Equals, NotEquals,
//   LessThan(Equals), GreaterThan(Equals)}, Date{same}, Bool, BinaryEquals, (Not)IpAddress (v4 and v6),
//   Arn(Not)Equals, Arn(Not)Like, Null; each with `IfExists` and `ForAnyValue:`/`ForAllValues:`.
// - Policy variables in Resource, NotResource and condition values are filled from the request context
//   (`${aws:username}` from `aws:username`; `${key, 'default'}`; `${*}`, `${?}`, `${$}` are the literal
//   characters). A variable with no single value (key absent, multivalued, or a set of values) is read so
//   the answer stays safe: where it decides an Allow, that Allow matches nothing; where it decides a Deny,
//   that Deny is taken to match (in a pattern, as `*`). AWS may treat such a statement as invalid instead.
//
// A set of requests (coverage, for `--check`): a requirement resource with wildcards
// (`arn:aws:iam::*:role/cody/app-*`, `secret:db-??????`) stands for every ARN it matches, under the same
// segment rules; a requirement condition value with wildcards under StringLike/ArnLike (`iam:PolicyARN`)
// stands for every value it matches; an unknown region makes `aws:RequestedRegion` any value. The set is
// covered only when every request in it is allowed and none is denied:
// - A Deny counts when it may apply to some request of the set: its Resource patterns meet the set (or
//   the set is not inside its NotResource patterns) and its conditions are not false for every request.
// - The Allows whose conditions hold for every request of the set must together cover every resource of
//   it (their Resource patterns, the complements of their NotResource patterns, across statements).
// - Both questions are decided exactly, not by comparing text: each pattern becomes a small automaton and
//   the product of the automata is searched for a witness (a resource of the set that is denied, or that
//   no Allow covers); the check prints it as an example. A search that exceeds its budget answers "not
//   covered".
// - Conditions are three-valued over the set: true for every request, false for every one, or unknown.
//   String and Arn operators against a set of values are decided exactly (inclusion / overlap); Numeric,
//   Date, Bool, IpAddress and Binary operators against a set are unknown.
// - `${aws:username}` is filled with two unrelated sample names (policy.ts CHECK_USERNAMES), and both
//   must pass: a policy that covers only names like the sample does not.
//
// Conservative answers ("not covered" where AWS would allow; the set differential test counts them):
// - Unknown region: `aws:RequestedRegion` is any string, including ones no region is (`StringEquals "*"`,
//   `StringEquals "us-*"`, `StringLike "US-EAST-1"` are unknown, not false), and it is taken apart from the
//   region in the ARN (a Deny in us-east-1 on eu-west-1's ARNs counts). A region or account named in a
//   policy ARN does not cover the requirement's `*` (that one is not conservative: the set is every
//   region).
// - Allows that cover the set only together, split by a condition (`StringEquals aws:RequestedRegion A`
//   plus `StringNotEquals ... A`): each condition is unknown over the set, so neither counts.
// - Several condition entries on one key of a Deny are checked one by one: a Deny whose entries cannot
//   all hold for the same value may still count as applying.
// - Sets include strings no real name has (empty names, `:` or `/` inside a role name): a policy that
//   excludes only those (`role/cody/app-?*` for `role/cody/app-*`) does not cover the set.
// - `${aws:username}`: a policy covering the first sample name but not the second (`user/cody-*`).
// - A variable with no value (see above), and the operators listed as unknown.
//
// Not modelled (treated as stated; excluded from the differential tests):
// - Resource policies, Principal/NotPrincipal, SCPs/RCPs, permission boundaries (the preflight evaluates a
//   boundary as a second policy set), session policies, cross-account rules and service-specific quirks
//   (e.g. iam-simulate's AWS-managed-role rules; sts:GetCallerIdentity, which AWS always allows).
// - One request: a request resource containing wildcards is compared literally (use concrete ARNs, or
//   exactly "*" for actions that only support `Resource: "*"`; "*" is then matched only by policy
//   resources that match the literal string "*"). With policy variables, such a resource is a set.
// - `ForAnyValue:...IfExists` on a missing key is true here (IfExists); iam-simulate says false.
// - Dates: an all-digit value is epoch *seconds* (iam-simulate compares it unscaled).
// - Numbers must be plain decimals (iam-simulate's parseInt also accepts "12abc").
// - An empty array context value is a present key with no values.
import { conditionsHold } from "./conditions";
import { coverage } from "./coverage";
import { actionMatches, asArray, resourceMatches, statementId } from "./matching";

export { conditionKeyHolds, parseConditionOperator, SUPPORTED_CONDITION_OPERATORS, type ParsedOperator } from "./conditions";
export { actionMatches, asArray, globMatch, resourceMatches, splitArn, statementId, type ArnParts } from "./matching";
export { parsePolicyDocument } from "./parse-policy";

export type ConditionValue = string | string[] | boolean | number;

/** One statement of an IAM policy document (AWS JSON, PascalCase keys); the DSL's camelCase form is PolicyStatement in dsl/types.ts. */
export interface IamStatement {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Condition?: Record<string, Record<string, ConditionValue>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: IamStatement | IamStatement[];
}

export interface EvalRequest {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

export type Decision = "allowed" | "explicitDeny" | "implicitDeny";

/**
 * matchedAllow/matchedDeny list every statement that matched (both lists, whatever the decision), by Sid,
 * or `Statement[i]` (0-based index within its own policy) when it has none.
 */
export interface EvalResult {
  decision: Decision;
  matchedAllow: string[];
  matchedDeny: string[];
}

// ---------------------------------------------------------------------------------------------------
// Evaluation

export function evaluatePolicies(policies: PolicyDocument[], request: EvalRequest): EvalResult {
  // Policy variables are filled from the request context by the set evaluator (exact for one request).
  if (JSON.stringify(policies).includes("${")) {
    const { decision, matchedAllow, matchedDeny } = coverage(policies, { ...request, concrete: true });
    return { decision, matchedAllow, matchedDeny };
  }
  const context = new Map<string, string | string[]>();
  for (const [key, value] of Object.entries(request.context ?? {})) context.set(key.toLowerCase(), value);

  const matchedAllow: string[] = [];
  const matchedDeny: string[] = [];
  for (const policy of policies) {
    const statements = asArray(policy.Statement);
    statements.forEach((statement, index) => {
      if (statement.Effect !== "Allow" && statement.Effect !== "Deny") return;
      if (!statementApplies(statement, request, context)) return;
      const id = statementId(statement, index);
      (statement.Effect === "Deny" ? matchedDeny : matchedAllow).push(id);
    });
  }
  const decision: Decision = matchedDeny.length > 0 ? "explicitDeny" : matchedAllow.length > 0 ? "allowed" : "implicitDeny";
  return { decision, matchedAllow, matchedDeny };
}

function statementApplies(statement: IamStatement, request: EvalRequest, context: Map<string, string | string[]>): boolean {
  if (statement.Action !== undefined) {
    if (!asArray(statement.Action).some((a) => actionMatches(a, request.action))) return false;
  } else if (statement.NotAction !== undefined) {
    if (asArray(statement.NotAction).some((a) => actionMatches(a, request.action))) return false;
  } else {
    return false; // IAM rejects a statement with neither; never let it grant or deny anything
  }

  if (statement.Resource !== undefined) {
    if (!asArray(statement.Resource).some((r) => resourceMatches(r, request.resource))) return false;
  } else if (statement.NotResource !== undefined) {
    if (asArray(statement.NotResource).some((r) => resourceMatches(r, request.resource))) return false;
  } else {
    return false;
  }

  return conditionsHold(statement.Condition, context);
}


/** Variables the check fills itself: sample user names and the escapes for `*`, `?` and `$`. */
const KNOWN_VARIABLES = /^\$\{\s*(aws:username|\*|\?|\$)\s*\}$/i;

/**
 * What in these policies an offline check cannot know, so `cody policy --check` can say that its verdict
 * may differ from AWS's: policy variables other than `${aws:username}` and the escapes, which have a value
 * only in a real request and are read conservatively (see the header).
 */
export function unsupportedFeatures(policies: PolicyDocument[]): string[] {
  const found = new Set<string>();
  for (const policy of policies) {
    asArray(policy.Statement).forEach((statement, index) => {
      const id = statementId(statement, index);
      const strings = [
        ...asArray(statement.Resource),
        ...asArray(statement.NotResource),
        ...Object.values(statement.Condition ?? {}).flatMap((block) => Object.values(block ?? {}).flatMap((v) => (Array.isArray(v) ? v : [v]))),
      ];
      for (const value of strings) {
        for (const variable of typeof value === "string" ? value.match(/\$\{[^}]*\}/g) ?? [] : []) {
          if (!KNOWN_VARIABLES.test(variable)) {
            found.add(`${id}: policy variable ${variable} has no value offline: an Allow that needs it covers nothing, a Deny that uses it is taken to apply`);
          }
        }
      }
    });
  }
  return [...found];
}

