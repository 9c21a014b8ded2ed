// The local engine's decisions, identity policies AND permissions boundary, against
// @cloud-copilot/iam-simulate (AGPL: a dev dependency, used here as an oracle only). A seeded generator
// splits random identity policies over a user's inline policy, a group's and a managed one, adds a
// boundary half the time, and every question preflight would ask about cody-like requirements must get
// the same decision (allowed / explicit deny / implicit deny) from both. Replay with
// PREFLIGHT_DIFF_SEED=<seed> (and PREFLIGHT_DIFF_CASES=<n>).
import { runSimulation } from "../_helpers/iam-oracle";
import type { ContextEntry } from "@aws-sdk/client-iam";
import { describe, expect, it } from "vitest";
import type { PolicyDocument, IamStatement } from "../../src/policy/evaluate";
import type { Requirement } from "../../src/iam/requirements";
import type { Caller } from "../../src/preflight/caller";
import { localVerdicts, type IdentityPolicies } from "../../src/preflight/local";
import { planSimulation } from "../../src/preflight/plan";
import { rng } from "../_helpers/random";

const SEED = Number(process.env.PREFLIGHT_DIFF_SEED ?? 20261203);
const CASES = Number(process.env.PREFLIGHT_DIFF_CASES ?? 150);
const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const USER = `arn:aws:iam::${ACCOUNT}:user/deployer`;
const STACK = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/demo-cody/0f1e2d3c-aaaa-4bbb-8ccc-123456789abc`;
const PROJECT = `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/demo`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/cody/demo-cody-CodeBuildRole`;
const RULE = `arn:aws:events:${REGION}:${ACCOUNT}:rule/cody-demo`;

/** Concrete ARNs (a wildcard request resource is compared literally by cody, and not by iam-simulate). */
const REQUIREMENTS: Requirement[] = [
  { sid: "Stack", actions: ["cloudformation:CreateChangeSet", "cloudformation:DescribeStacks", "cloudformation:ExecuteChangeSet"], resources: [STACK], why: "", commands: ["deploy"] },
  { sid: "Project", actions: ["codebuild:CreateProject", "codebuild:StartBuild", "codebuild:UpdateProject"], resources: [PROJECT], why: "", commands: ["deploy"] },
  { sid: "Roles", actions: ["iam:CreateRole", "iam:PutRolePolicy", "iam:TagRole"], resources: [ROLE], why: "", commands: ["deploy"] },
  {
    sid: "Pass",
    actions: ["iam:PassRole"],
    resources: [ROLE],
    condition: { StringEquals: { "iam:PassedToService": ["codebuild.amazonaws.com", "events.amazonaws.com"] } },
    why: "",
    commands: ["deploy"],
  },
  { sid: "Rule", actions: ["events:PutRule", "events:PutTargets"], resources: [RULE], why: "", commands: ["deploy"] },
];

const ACTIONS = [
  "*", "cloudformation:*", "cloudformation:*ChangeSet", "cloudformation:Describe*", "codebuild:*", "codebuild:*Project",
  "codebuild:StartBuild", "iam:*", "iam:PassRole", "iam:*Role*", "iam:Tag*", "iam:CreateRole", "events:Put*", "events:*",
];
const RESOURCES = [
  "*", `arn:aws:cloudformation:*:${ACCOUNT}:stack/demo-cody/*`, `arn:aws:cloudformation:us-east-1:${ACCOUNT}:stack/*`,
  `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/*`, `arn:aws:codebuild:*:${ACCOUNT}:project/other`, `arn:aws:iam::${ACCOUNT}:role/cody/*`,
  `arn:aws:iam::${ACCOUNT}:role/cody/demo-cody-*`, `arn:aws:iam::${ACCOUNT}:role/other/*`, `arn:aws:events:*:${ACCOUNT}:rule/cody-*`, "arn:aws:events:*:*:*",
];
const CONDITIONS: Array<NonNullable<IamStatement["Condition"]>> = [
  { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } },
  { StringLike: { "iam:PassedToService": "events.*" } },
  { StringEquals: { "aws:RequestedRegion": [REGION, "us-east-1"] } },
  { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } },
];

function generate(next: () => number): { identity: PolicyDocument[]; boundary?: PolicyDocument } {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const statement = (allowRate: number): IamStatement => ({
    Effect: next() < allowRate ? "Allow" : "Deny",
    ...(next() < 0.15 ? { NotAction: [pick(ACTIONS.slice(1))] } : { Action: [pick(ACTIONS), pick(ACTIONS)] }),
    ...(next() < 0.1 ? { NotResource: pick(RESOURCES.slice(1)) } : { Resource: [pick(RESOURCES), pick(RESOURCES)] }),
    ...(next() < 0.25 ? { Condition: pick(CONDITIONS) } : {}),
  });
  const doc = (allowRate: number): PolicyDocument => ({ Version: "2012-10-17", Statement: Array.from({ length: 1 + Math.floor(next() * 3) }, () => statement(allowRate)) });
  const identity = Array.from({ length: 1 + Math.floor(next() * 3) }, () => doc(0.8));
  return next() < 0.5 ? { identity, boundary: doc(0.85) } : { identity };
}

const DECISIONS: Record<string, string> = { Allowed: "allowed", ExplicitlyDenied: "explicitDeny", ImplicitlyDenied: "implicitDeny" };

function contextOf(entries: ContextEntry[]): Record<string, string | string[]> {
  return Object.fromEntries(entries.map((e) => [e.ContextKeyName ?? "", e.ContextKeyType === "stringList" ? (e.ContextKeyValues ?? []) : (e.ContextKeyValues?.[0] ?? "")]));
}

describe("local engine vs @cloud-copilot/iam-simulate (differential, with permissions boundaries)", () => {
  it(`agrees on every question of ${CASES} generated accounts (seed ${SEED})`, async () => {
    const next = rng(SEED);
    const caller: Caller = { principal: { kind: "user", callerArn: USER, arn: USER, account: ACCOUNT, partition: "aws" }, userId: "AIDAEXAMPLE" };
    const plan = planSimulation(REQUIREMENTS, REGION, caller.principal);
    const disagreements: string[] = [];
    const seen: Record<string, number> = {};
    let compared = 0;
    for (let c = 0; c < CASES; c++) {
      const { identity, boundary } = generate(next);
      // As the engine reads them: the user's inline policy, a group's, a managed one, and the boundary.
      const origins = ["inline policy cody of user deployer", "inline policy team of group builders", `arn:aws:iam::${ACCOUNT}:policy/ci`];
      const policies: IdentityPolicies = {
        arn: USER,
        kind: "user",
        identity: identity.map((document, i) => ({ origin: origins[i] ?? `policy ${i}`, document })),
        ...(boundary ? { boundary: { origin: "boundary", document: boundary } } : {}),
      };
      const { verdicts } = localVerdicts(plan, new Map([[USER, policies]]), caller);
      for (const [index, batch] of plan.batches.entries()) {
        for (const action of batch.actions) {
          const oracle = await runSimulation(
            {
              identityPolicies: identity.map((policy, i) => ({ name: `policy${i}`, policy })),
              ...(boundary ? { permissionBoundaryPolicies: [{ name: "boundary", policy: boundary }] } : {}),
              serviceControlPolicies: [],
              resourceControlPolicies: [],
              request: { principal: USER, action, resource: { resource: batch.resource, accountId: ACCOUNT }, contextVariables: contextOf(batch.context) },
            },
            {},
          );
          // The whole result as the message only when it is needed: stringifying it every time was ~7% of this file.
          if (oracle.resultType !== "single") expect.fail(`iam-simulate did not answer with a single result: ${JSON.stringify(oracle)}`);
          const want = DECISIONS[oracle.overallResult];
          const got = verdicts[index]?.get(action)?.decision;
          compared++;
          seen[want] = (seen[want] ?? 0) + 1;
          if (got !== want) {
            disagreements.push(`case ${c}: ${action} on ${batch.resource} ${JSON.stringify(contextOf(batch.context))}: iam-simulate ${want}, cody ${got}\n  identity ${JSON.stringify(identity)}\n  boundary ${JSON.stringify(boundary)}`);
          }
        }
      }
    }
    console.info(`preflight local differential (seed ${SEED}): compared ${compared}, outcomes ${JSON.stringify(seen)}`);
    expect(disagreements.slice(0, 3)).toEqual([]);
    expect(compared).toBeGreaterThanOrEqual(CASES * 10);
    // Every outcome occurs often enough for the comparison to mean something.
    for (const outcome of ["allowed", "explicitDeny", "implicitDeny"]) expect(seen[outcome] ?? 0).toBeGreaterThan(compared * 0.05);
  });
});
