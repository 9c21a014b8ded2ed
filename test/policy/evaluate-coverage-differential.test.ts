// Differential test of `cody policy --check` (checkPolicies → src/policy/coverage.ts) for requirement
// *patterns* against @cloud-copilot/iam-simulate (AGPL: a dev dependency, an oracle only).
//
// A requirement resource like `role/cody/app-cody-*` stands for every ARN it matches; iam-simulate
// answers for one concrete ARN at a time. So for each generated case the oracle is asked about a set of
// concrete ARNs the pattern stands for: plain fillings of its wildcards, instances of the policy's own
// patterns that fall inside it (so a narrower Deny or a partial Allow is hit), and the example ARN the
// check itself reports. With an unknown region, several regions are tried.
//
// The one hard rule: the check never says "covered" where the oracle denies any of those requests.
// The other way round (not covered, yet every tried request is allowed) is counted by reason; each
// reason is documented in the header of src/policy/evaluate.ts. Replay with IAM_SET_SEED / IAM_SET_CASES.
import { runSimulation } from "../_helpers/iam-oracle";
import { describe, expect, it } from "vitest";
import { coverage } from "../../src/policy/coverage";
import { evaluatePolicies, parsePolicyDocument, type PolicyDocument, type IamStatement } from "../../src/policy/evaluate";
import { CHECK_USERNAMES, checkPolicies } from "../../src/iam/policy";
import type { Requirement } from "../../src/iam/requirements";
import { Gen, rng } from "../_helpers/random";

const SEED = Number(process.env.IAM_SET_SEED ?? 20261203);
const CASES = Number(process.env.IAM_SET_CASES ?? 2000);
const ACCOUNT = "123456789012";
const USER = CHECK_USERNAMES[0];
/** Concrete requests asked of the oracle per case, at most. */
const MAX_CONCRETE = 3;

// ---------------------------------------------------------------------------------------------------
// Requirements: the shapes cody's requirement model emits, with the region known or not.

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"] as const;

interface Shape {
  actions: readonly string[];
  /** `{region}` is replaced by the region (or `*`), `{account}` by the account (or `*`). */
  resource: string;
  passTo?: string;
}

const SHAPES: readonly Shape[] = [
  { actions: ["iam:PassRole"], resource: "arn:aws:iam::{account}:role/cody/app-cody-*", passTo: "codebuild.amazonaws.com" },
  { actions: ["iam:CreateRole", "iam:TagRole", "iam:PutRolePolicy"], resource: "arn:aws:iam::{account}:role/cody/app-cody-*" },
  { actions: ["codebuild:StartBuild", "codebuild:BatchGetProjects"], resource: "arn:aws:codebuild:{region}:{account}:project/*" },
  { actions: ["codebuild:StartBuild"], resource: "arn:aws:codebuild:{region}:{account}:project/app-cody" },
  { actions: ["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks"], resource: "arn:aws:cloudformation:{region}:{account}:stack/app-cody/*" },
  { actions: ["logs:GetLogEvents"], resource: "arn:aws:logs:{region}:{account}:log-group:/aws/codebuild/app-*:log-stream:*" },
  { actions: ["logs:FilterLogEvents", "logs:PutRetentionPolicy"], resource: "arn:aws:logs:{region}:{account}:log-group:/aws/codebuild/app-*" },
  { actions: ["secretsmanager:GetSecretValue"], resource: "arn:aws:secretsmanager:{region}:{account}:secret:db-??????" },
  { actions: ["iam:GetUser", "iam:ListAttachedUserPolicies"], resource: "arn:aws:iam::{account}:user/${aws:username}" },
  { actions: ["events:PutRule", "events:DescribeRule"], resource: "arn:aws:events:{region}:{account}:rule/cody-*" },
  { actions: ["scheduler:GetSchedule"], resource: "arn:aws:scheduler:{region}:{account}:schedule/default/cody-?*" },
];

interface Case {
  action: string;
  /** The requirement's resource, as the check sees it. */
  resource: string;
  region?: string;
  passTo?: string;
  policies: PolicyDocument[];
}

// ---------------------------------------------------------------------------------------------------
// Policies: statements derived from the requirement (equal, wider, narrower, partial, `?` forms,
// NotResource), Denies on narrower patterns, and region / service / user-name conditions.

/** The resource part's wildcards, each replaced by `f(kind, index)`. */
function mapWildcards(pattern: string, f: (kind: "*" | "?", index: number) => string): string {
  const at = nthColon(pattern, 5);
  let i = 0;
  return pattern.slice(0, at) + pattern.slice(at).replace(/\$\{[^}]*\}|[*?]/g, (m) => (m === "*" || m === "?" ? f(m, i++) : m));
}

function nthColon(s: string, n: number): number {
  let at = -1;
  for (let k = 0; k < n; k++) at = s.indexOf(":", at + 1);
  return at + 1;
}

function variant(g: Gen, r: string, region: string | undefined): string {
  const parts = r.split(":");
  switch (g.int(0, 15)) {
    case 0:
      return r;
    case 1:
      return "*";
    case 2: // wider: the name part all wildcards
      return `${parts.slice(0, 5).join(":")}:${parts.slice(5).join(":").replace(/([/:])[^/:]*$/, "$1*")}`;
    case 3: // partial: a letter after the first wildcard
      return mapWildcards(r, (k, i) => (i === 0 ? `${g.pick(["a", "p", "x", "1"])}*` : k));
    case 4: // narrower: a literal name
      return mapWildcards(r, (k, i) => (i === 0 ? g.pick(["admin", "a", "prod", "x"]) : k === "*" ? "*" : "a"));
    case 5: // `?` forms
      return mapWildcards(r, () => g.pick(["?", "?*", "*?", "??????", "*"]));
    case 6: // a region or account pinned, or another one
      if (parts[3] !== "") parts[3] = g.pick([...REGIONS, "*", "us-*", region ?? "*"]);
      else parts[4] = g.pick([ACCOUNT, "*", "999999999999", "1234567890??"]);
      return parts.join(":");
    case 7: // case matters in the resource part only
      return g.chance(0.5) ? r.replace(/cody|app|db/, (m) => m.toUpperCase()) : [...parts.slice(0, 2), parts[2].toUpperCase(), ...parts.slice(3)].join(":");
    case 8: // short ARN (padded with wildcards)
      return parts.slice(0, g.int(3, 5)).join(":");
    case 9: // the wildcard crosses `/` and `:`
      return `${parts.slice(0, 5).join(":")}:*`;
    case 10:
      return r.includes("${aws:username}") ? g.pick(["arn:aws:iam::*:user/${aws:username}", `arn:aws:iam::${ACCOUNT}:user/cody-*`, "arn:aws:iam::*:user/*", "arn:aws:iam::*:user/${aws:username}-x"]) : r.replace(/\*$/, "");
    case 11: // an unrelated resource of another service
      return g.pick([`arn:aws:s3:::cody-*/*`, `arn:aws:iam::${ACCOUNT}:role/other/*`, `arn:aws:codebuild:*:${ACCOUNT}:project/other`]);
    default:
      return mapWildcards(r, (k, i) => (i === 0 ? g.pick(["app-cody-admin", "*admin*", "admin", "*-prod", "a?", "?"]) : k));
  }
}

const REGION_VALUES = [...REGIONS, "us-*", "eu-west-?", "*", "US-EAST-1", "ap-*"] as const;
const REGION_OPS = ["StringEquals", "StringNotEquals", "StringLike", "StringNotLike", "StringEqualsIgnoreCase", "StringEqualsIfExists", "StringNotLikeIfExists"] as const;

function condition(g: Gen, c: Pick<Case, "passTo" | "region">): IamStatement["Condition"] {
  const out: NonNullable<IamStatement["Condition"]> = {};
  const n = g.int(1, 2);
  for (let i = 0; i < n; i++) {
    const k = g.int(0, 9);
    if (k < 6) {
      const values = [g.pick(REGION_VALUES), ...(g.chance(0.4) ? [c.region ?? g.pick(REGIONS)] : [])];
      (out[g.pick(REGION_OPS)] ??= {})["aws:RequestedRegion"] = values.length === 1 ? values[0] : values;
    } else if (k < 8) {
      (out[g.pick(["StringEquals", "StringLike", "StringNotEquals"])] ??= {})["iam:PassedToService"] = g.pick(["codebuild.amazonaws.com", "events.amazonaws.com", "*.amazonaws.com"]);
    } else if (k < 9) {
      (out[g.pick(["StringEquals", "StringLike"])] ??= {})["aws:username"] = g.pick(["${aws:username}", "cody-*", USER]);
    } else {
      (out.Null ??= {})["aws:RequestedRegion"] = g.pick(["true", "false"]);
    }
  }
  return out;
}

function statement(g: Gen, sid: string, c: Case): IamStatement {
  const deny = g.chance(0.35);
  const s: IamStatement = { Sid: sid, Effect: deny ? "Deny" : "Allow" };
  const [service] = c.action.split(":");
  const action = g.pick([c.action, `${service}:*`, "*", c.action.toLowerCase(), `${service}:${c.action.split(":")[1].slice(0, 3)}*`, "s3:GetObject"]);
  if (g.chance(0.1)) s.NotAction = g.pick(["s3:*", c.action]);
  else s.Action = action;
  const resources = Array.from({ length: g.int(1, 2) }, () => variant(g, c.resource, c.region));
  if (g.chance(0.2)) s.NotResource = resources.filter((r) => r !== "*").length > 0 ? resources.filter((r) => r !== "*") : ["arn:aws:s3:::*"];
  else s.Resource = resources.length === 1 ? resources[0] : resources;
  if (g.chance(deny ? 0.45 : 0.35)) s.Condition = condition(g, c);
  return s;
}

const pinAccount = (arn: string): string => arn.split(":").map((p, i) => (i === 4 && p === "*" ? ACCOUNT : p)).join(":");

function generate(g: Gen): Case {
  const shape = g.pick(SHAPES);
  const region = g.chance(0.35) ? undefined : g.pick(REGIONS);
  const action = g.pick(shape.actions);
  const account = g.chance(0.85) ? ACCOUNT : "*";
  const resource = shape.resource.replace("{region}", region ?? "*").replace("{account}", account);
  const c: Case = { action, resource, region, passTo: shape.passTo, policies: [] };
  // Usually one statement that covers the requirement, so "covered" is a frequent answer to test.
  const statements: IamStatement[] = [];
  if (g.chance(0.7)) statements.push({ Sid: "Base", Effect: "Allow", Action: action, Resource: g.chance(0.5) ? "*" : pinAccount(resource) });
  const n = g.int(1, 3);
  for (let i = 0; i < n; i++) statements.push(statement(g, `S${i}`, c));
  c.policies = [{ Version: "2012-10-17", Statement: statements }];
  return c;
}

// ---------------------------------------------------------------------------------------------------
// Concrete requests the pattern stands for.

/** Is a concrete ARN one of the pattern's? Independent of src/: a regex, segment-aware. */
function inPattern(pattern: string, arn: string): boolean {
  let regex = PATTERN_REGEX.get(pattern);
  if (!regex) {
    const at = nthColon(pattern, 5);
    const esc = (s: string, seg: boolean) => s.replace(/[.+^$(){}|[\]\\/]/g, "\\$&").replace(/\*/g, seg ? "[^:]*" : ".*").replace(/\?/g, seg ? "[^:]" : ".");
    const head = pattern.slice(0, at);
    const body = pattern.slice(at).replace(/\$\{aws:username\}/g, USER);
    regex = new RegExp(`^${esc(head, true)}${esc(body, false)}$`);
    PATTERN_REGEX.set(pattern, regex);
  }
  return regex.test(arn);
}
/** inPattern's regexes, built once per pattern (a case asks about its pattern dozens of times). */
const PATTERN_REGEX = new Map<string, RegExp>();

/** Fillers that keep ARNs valid for iam-simulate's resource-type check (it refuses e.g. an empty name). */
const FILLERS = ["x", "admin", "a", "prod-x"] as const;

/** Instances of a pattern: its wildcards replaced (region/account by the given ones). */
function instances(pattern: string, region: string, fillers: readonly string[]): string[] {
  const parts = pattern.split(":");
  if (parts[0] !== "arn") return [];
  while (parts.length < 6) parts.push("*");
  if (parts[3].includes("*") || parts[3].includes("?")) parts[3] = region;
  if (parts[4].includes("*") || parts[4].includes("?")) parts[4] = ACCOUNT;
  parts[1] = "aws";
  parts[2] = parts[2].toLowerCase();
  const base = parts.join(":");
  return fillers.map((f) => mapWildcards(base, (k) => (k === "?" ? f[0] : f)).replace(/\$\{aws:username\}/g, USER));
}

function concreteRequests(c: Case, example: string | undefined): Array<{ resource: string; region: string }> {
  const regions = c.region ? [c.region] : [...REGIONS];
  const seen = new Set<string>();
  const policyPatterns = c.policies.flatMap((p) => (Array.isArray(p.Statement) ? p.Statement : [p.Statement])).flatMap((s) => [...[s.Resource ?? []].flat(), ...[s.NotResource ?? []].flat()]);
  // Per region, the adversarial ones first; then taken region by region in turn.
  const perRegion = regions.map((region) => {
    const out: Array<{ resource: string; region: string }> = [];
    const add = (resource: string) => {
      const key = `${resource} ${region}`;
      if (seen.has(key) || !inPattern(c.resource, resource)) return;
      // A regional ARN is requested in its own region (and has one).
      const arnRegion = resource.split(":")[3];
      if (arnRegion !== "" ? arnRegion !== region : c.resource.split(":")[3] !== "") return;
      seen.add(key);
      out.push({ resource, region });
    };
    // The check's own example; a `*` segment in it means "any account" (or region): try some.
    const fill = (e: string, account: string) => {
      const parts = e.split(":");
      if (parts[3] === "*") parts[3] = region;
      if (parts[4] === "*") parts[4] = account;
      return parts.join(":");
    };
    if (example) {
      for (const account of ["999999999999", "111122223333", ACCOUNT]) {
        const e = fill(example, account);
        for (const f of [e, e.replace(/([/:])$/, "$1x")]) add(f); // iam-simulate refuses an empty last name
      }
    }
    for (const p of policyPatterns) for (const i of instances(p, region, ["x", "admin"])) add(i);
    for (const i of instances(c.resource, region, FILLERS)) add(i);
    return out;
  });
  const out: Array<{ resource: string; region: string }> = [];
  for (let i = 0; out.length < (c.region ? MAX_CONCRETE : MAX_CONCRETE + 2) && perRegion.some((l) => i < l.length); i++) {
    for (const list of perRegion) if (i < list.length) out.push(list[i]);
  }
  return out.slice(0, c.region ? MAX_CONCRETE : MAX_CONCRETE + 2);
}

async function oracle(c: Case, request: { resource: string; region: string }): Promise<string> {
  const service = c.action.split(":")[0];
  const context: Record<string, string> = { "aws:RequestedRegion": service === "iam" ? "us-east-1" : request.region, "aws:username": USER };
  if (c.action === "iam:PassRole" && c.passTo) context["iam:PassedToService"] = c.passTo;
  const result = await runSimulation(
    {
      identityPolicies: c.policies.map((policy, i) => ({ name: `policy${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      request: {
        principal: `arn:aws:iam::${ACCOUNT}:user/${USER}`,
        action: c.action,
        resource: { resource: request.resource, accountId: ACCOUNT },
        contextVariables: context,
      },
    },
    {},
  );
  return result.resultType === "single" ? result.overallResult : `error ${JSON.stringify(result.resultType === "error" ? result.errors : result.resultType)}`;
}

/** Why the check said "not covered" where every tried request was allowed (see src/policy/evaluate.ts). */
function reason(c: Case, decision: string, example: string | undefined): string {
  const text = JSON.stringify(c.policies);
  if (example !== undefined && /[/:]$/.test(example)) return "an empty name (iam-simulate refuses it)";
  if (!c.region && /RequestedRegion|arn:aws:[a-z]+:(us|eu|ap)-/.test(text)) return "unknown region";
  if (c.resource.includes("${aws:username}") || text.includes("aws:username")) return "user name";
  if (!c.region && /:[a-z]+:\*:/.test(c.resource)) return "unknown region";
  if (decision === "explicitDeny") return "deny of an overlapping set not hit by the tried ARNs";
  return "gap not hit by the tried ARNs";
}

describe("cody policy --check on requirement patterns vs @cloud-copilot/iam-simulate", () => {
  it(`never says covered where AWS denies: ${CASES} generated policies (seed ${SEED})`, async () => {
    const g = new Gen(rng(SEED));
    const unsound: string[] = [];
    const conservative: Record<string, number> = {};
    const examples: Record<string, string> = {};
    let checkMs = 0;
    const seen = { covered: 0, notCovered: 0, confirmedByExample: 0, oracleCalls: 0, errors: 0 };
    for (let n = 0; n < CASES; n++) {
      const c = generate(g);
      c.policies.forEach((doc) => expect(parsePolicyDocument(JSON.stringify(doc), `case-${n}.json`)).toEqual(doc));
      const requirement: Requirement = {
        sid: "Req",
        actions: [c.action],
        resources: [c.resource],
        ...(c.action === "iam:PassRole" && c.passTo ? { condition: { StringEquals: { "iam:PassedToService": c.passTo } } } : {}),
        why: "generated",
        commands: ["deploy"],
      };
      const t0 = performance.now();
      const result = checkPolicies(c.policies, [requirement], [requirement], { region: c.region, partition: "aws" });
      checkMs += performance.now() - t0;
      const gap = result.missing[0];
      const covered = gap === undefined;
      // The check leaves out an example equal to the requirement itself (its `*` account is the gap).
      const requests = concreteRequests(c, gap ? (gap.example ?? c.resource) : undefined);
      const describeCase = () => `seed ${SEED} case ${n}\n  requirement: ${c.action} on ${c.resource} (region ${c.region ?? "unknown"})\n  policies: ${JSON.stringify(c.policies)}`;
      if (requests.length === 0) expect.fail(`no concrete request for the pattern: ${describeCase()}`); // described only when it fails
      if (covered) {
        seen.covered++;
        for (const r of requests) {
          seen.oracleCalls++;
          const answer = await oracle(c, r);
          if (answer.startsWith("error")) { seen.errors++; if (process.env.IAM_SET_DEBUG) console.log(answer, c.action, r.resource); } // an ARN iam-simulate refuses: skipped
          else if (answer !== "Allowed") unsound.push(`${describeCase()}\n  iam-simulate: ${answer} for ${r.resource} in ${r.region}`);
        }
        continue;
      }
      seen.notCovered++;
      let denied = false;
      for (const r of requests) {
        seen.oracleCalls++;
        const answer = await oracle(c, r);
        if (answer.startsWith("error")) { seen.errors++; if (process.env.IAM_SET_DEBUG) console.log(answer, c.action, r.resource); }
        else if (answer !== "Allowed") {
          denied = true;
          if (gap.example && r.resource === gap.example) seen.confirmedByExample++;
          break;
        }
      }
      if (!denied) {
        const why = reason(c, gap.decision, gap.example);
        conservative[why] = (conservative[why] ?? 0) + 1;
        examples[why] ??= describeCase();
        if (process.env.IAM_SET_DEBUG) console.log(`conservative (${why}): ${describeCase()}\n  example: ${gap.example}`);
      }
    }
    console.info(`iam set differential (seed ${SEED}): check ${Math.round(checkMs)} ms, ${JSON.stringify(seen)}; conservative answers by reason: ${JSON.stringify(conservative)}`);
    for (const [why, example] of Object.entries(examples)) console.info(`  e.g. ${why}: ${example}`);
    expect(unsound.slice(0, 3)).toEqual([]);
    // Refused ARNs (e.g. the check's shortest example with an empty name) must stay rare.
    expect(seen.errors).toBeLessThanOrEqual(seen.oracleCalls * 0.05);
    // Both answers must be frequent, or the comparison proves little.
    expect(seen.covered).toBeGreaterThanOrEqual(CASES * 0.15);
    expect(seen.notCovered).toBeGreaterThanOrEqual(CASES * 0.15);
  }, 120_000);

  it("agrees with the concrete evaluator on concrete requests", () => {
    const g = new Gen(rng(SEED + 1));
    for (let n = 0; n < 300; n++) {
      const c = generate(g);
      for (const r of instances(c.resource, c.region ?? "eu-west-1", FILLERS)) {
        const context = { "aws:RequestedRegion": c.action.startsWith("iam:") ? "us-east-1" : r.split(":")[3] || "us-east-1", "aws:username": USER };
        const policies = JSON.stringify(c.policies).includes("${") ? [] : c.policies; // the concrete evaluator reads variables as text
        expect(coverage(policies, { action: c.action, resource: r, context }).decision, `${c.action} ${r} ${JSON.stringify(policies)}`).toBe(
          evaluatePolicies(policies, { action: c.action, resource: r, context }).decision,
        );
      }
    }
  });
});
