// Offline evaluator for IAM *identity* policies, used by `cody policy --check` (product.md §5). Pure and
// free of the simulator library so it can ship in the MIT CLI; it is differentially tested against the AGPL
// @cloud-copilot/iam-simulate (a dev dependency only, see test/iam/evaluate-differential.test.ts).
//
// Semantics (mirroring IAM, and iam-simulate where IAM's docs are silent):
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
//
// Not supported (treated as stated; excluded from the differential test):
// - Policy variables (`${aws:username}`, `${*}`, `${?}`, `${$}`) are NOT substituted: they are literal text.
// - Resource policies, Principal/NotPrincipal, SCPs/RCPs, permission boundaries, session policies,
//   cross-account rules and service-specific quirks (e.g. iam-simulate's AWS-managed-role rules).
// - A request resource containing wildcards is compared literally (use concrete ARNs, or exactly "*" for
//   actions that only support `Resource: "*"`; "*" is then matched only by policy resources that match
//   the literal string "*").
// - `ForAnyValue:...IfExists` on a missing key is true here (IfExists); iam-simulate says false.
// - Dates: an all-digit value is epoch *seconds* (iam-simulate compares it unscaled).
// - Numbers must be plain decimals (iam-simulate's parseInt also accepts "12abc").
// - An empty array context value is a present key with no values.
// - Service quirks are not modelled: e.g. sts:GetCallerIdentity, which AWS (and iam-simulate) always allow.
import { conditionsHold } from "./conditions";
import { coverage } from "./coverage";
import { actionMatches, asArray, resourceMatches, statementId } from "./matching";

export { conditionKeyHolds, parseConditionOperator, SUPPORTED_CONDITION_OPERATORS, type ParsedOperator } from "./conditions";
export { actionMatches, asArray, globMatch, resourceMatches, splitArn, statementId, type ArnParts } from "./matching";
export { parsePolicyDocument } from "./parse-policy";

export type ConditionValue = string | string[] | boolean | number;

export interface PolicyStatement {
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
  Statement: PolicyStatement | PolicyStatement[];
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
    const { decision, matchedAllow, matchedDeny } = coverage(policies, request);
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

function statementApplies(statement: PolicyStatement, request: EvalRequest, context: Map<string, string | string[]>): boolean {
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


/**
 * What in these policies the evaluator does not model, so a caller (e.g. `cody policy --check`) can say
 * that its verdict may differ from AWS's. Today: policy variables, which are compared as literal text.
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
        const variable = typeof value === "string" ? /\$\{[^}]*\}/.exec(value) : null;
        if (variable) found.add(`${id}: policy variable ${variable[0]} is compared as literal text, not substituted`);
      }
    });
  }
  return [...found];
}

