// Requirements → policy document, the broad variant, the `aws iam` script, and the offline check
// (with the evaluator of src/policy/evaluate.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load-project";
import { parsePolicyDocument, type IamStatement } from "../../src/policy/evaluate";
import {
  broadPolicy,
  callerRequirements,
  checkPolicies,
  MANAGED_POLICY_MAX,
  overBroadFindings,
  policyDocument,
  policySize,
  setupNames,
  setupScript,
  type IamPolicy,
} from "../../src/iam/policy";
import { requirementsFor, type Requirement } from "../../src/iam/requirements";
import { synthesize, type SynthResult } from "../../src/synth/template";
import { exampleCases } from "../examples/examples";

const REGION = "us-west-2";
const ACCOUNT = "444455556666";
const SEED_BROAD = fileURLToPath(new URL("../fixtures/policies/cody-seed-broad.json", import.meta.url));

const synths = new Map<string, SynthResult>();
beforeAll(async () => {
  for (const c of exampleCases()) synths.set(c.name, synthesize(await loadProject({ cwd: c.cwd, type: c.type, env: c.env, environment: {} })));
});

const requirementsOf = (name?: string, extra: Partial<Parameters<typeof requirementsFor>[0]> = {}): Requirement[] =>
  requirementsFor({ ...(name ? { synth: synths.get(name)! } : {}), region: REGION, account: ACCOUNT, ...extra });

const statements = (policy: IamPolicy) => policy.Statement;
const actionsIn = (s: IamStatement) => (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []);

describe("policyDocument", () => {
  it("is valid JSON that IAM's grammar accepts, for every example and the generic policy", () => {
    for (const name of [undefined, ...synths.keys()]) {
      const policy = policyDocument(requirementsOf(name));
      const text = JSON.stringify(policy, null, 2);
      // The evaluator's parser rejects trailing commas, duplicate keys, bad Sids, unknown keys and operators.
      expect(parsePolicyDocument(text, `${name ?? "generic"}.json`)).toEqual(JSON.parse(text));
      expect(policy.Version).toBe("2012-10-17");
      expect(policySize(policy), name).toBeLessThanOrEqual(MANAGED_POLICY_MAX);
    }
  });

  it("is one statement per requirement, in the model's order, with its sid, actions, resources and condition", () => {
    const requirements = requirementsOf("demo");
    const policy = policyDocument(requirements);
    expect(statements(policy).map((s) => s.Sid)).toEqual(requirements.map((r) => r.sid));
    const pass = statements(policy).find((s) => s.Sid === "PassRoleToCodeBuild");
    expect(pass).toEqual({
      Sid: "PassRoleToCodeBuild",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [`arn:aws:iam::${ACCOUNT}:role/cody/demo-cody-*`],
      Condition: { StringEquals: { "iam:PassedToService": "codebuild.amazonaws.com" } },
    });
    for (const s of statements(policy)) {
      for (const a of actionsIn(s)) expect(a).not.toMatch(/\*/);
    }
  });

  it("differs between projects as their templates do", () => {
    const actions = (name: string) => new Set(statements(policyDocument(requirementsOf(name))).flatMap(actionsIn));
    const demo = actions("demo");
    const noSource = actions("no-source");
    const webhook = actions("node-webhook");
    expect(noSource.has("logs:CreateLogGroup")).toBe(true);
    expect(demo.has("logs:CreateLogGroup")).toBe(false);
    expect(demo.has("events:PutRule")).toBe(true);
    expect(webhook.has("events:PutRule")).toBe(false);
    expect(webhook.has("codebuild:CreateWebhook")).toBe(true);
  });

  it("leaves out what a CloudFormation service role holds instead", () => {
    const all = requirementsOf("demo", { serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/cfn` });
    const policy = policyDocument(callerRequirements(all));
    const actions = statements(policy).flatMap(actionsIn);
    expect(actions).not.toContain("codebuild:CreateProject");
    expect(actions).toContain("cloudformation:CreateChangeSet");
    expect(statements(policy).find((s) => s.Sid === "PassRoleToCloudFormation")?.Resource).toEqual([`arn:aws:iam::${ACCOUNT}:role/cfn`]);
  });
});

describe("broadPolicy", () => {
  it("is cody's service wildcards on *, plus services the project uses beyond cody's list", () => {
    expect(broadPolicy(requirementsOf("demo"))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "CodyBroad",
          Effect: "Allow",
          Action: ["cloudformation:*", "codebuild:*", "events:*", "iam:*", "logs:*", "ssm:*"],
          Resource: "*",
        },
      ],
    });
    expect(actionsIn(broadPolicy(requirementsOf("nightly-scheduler")).Statement[0])).toContain("scheduler:*");
  });

  it("is sufficient for its requirement and flagged as over-broad and admin-equivalent", () => {
    const requirements = requirementsOf("nightly-scheduler");
    const result = checkPolicies([broadPolicy(requirements)], requirements);
    expect(result.missing).toEqual([]);
    expect(result.overBroad.join("\n")).toMatch(/action wildcards/);
    expect(result.overBroad.join("\n")).toMatch(/admin-equivalent/);
  });
});

describe("setupScript", () => {
  const policy = policyDocument(requirementsOf("demo"));
  const names = setupNames("demo-cody");
  const script = setupScript(policy, names, "stack demo-cody");

  it("uses one group name throughout", () => {
    const groups = [...script.matchAll(/--group-name (\S+)/g)].map((m) => m[1]);
    expect(groups).toHaveLength(3);
    expect(new Set(groups)).toEqual(new Set(["demo-cody-deployers"]));
    const users = [...script.matchAll(/^aws .*--user-name (\S+)/gm)].map((m) => m[1]);
    expect(new Set(users)).toEqual(new Set(["demo-cody-deployer"]));
  });

  it("writes the policy to the file that create-policy reads, and attaches the ARN it returns", () => {
    const heredoc = /cat > (\S+) <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(script);
    expect(heredoc?.[1]).toBe("demo-cody-deploy.json");
    expect(JSON.parse(heredoc![2])).toEqual(policy);
    expect(script).toContain("aws iam create-policy --policy-name demo-cody-deploy --policy-document file://demo-cody-deploy.json --query Policy.Arn --output text");
    expect(script).toContain('aws iam attach-group-policy --group-name demo-cody-deployers --policy-arn "$POLICY_ARN"');
  });

  it("runs the commands in an order that works, and points CI to OIDC", () => {
    const order = ["create-group", "create-policy", "attach-group-policy", "create-user", "add-user-to-group"].map((c) => script.indexOf(`aws iam ${c} `));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(script).toMatch(/OIDC/);
    expect(script).toMatch(/^# aws iam create-access-key/m);
    expect(script).toMatch(/^set -eu$/m);
  });

  it("names the generic set-up cody-*", () => {
    expect(setupNames()).toEqual({ group: "cody-deployers", policy: "cody-deploy", user: "cody-deployer", file: "cody-deploy.json" });
    expect(setupNames("x".repeat(100)).user.length).toBeLessThanOrEqual(64);
  });
});

describe("checkPolicies", () => {
  it("passes each example's own policy against its own requirement, with nothing over-broad", () => {
    for (const name of [undefined, ...synths.keys()]) {
      const requirements = callerRequirements(requirementsOf(name));
      const result = checkPolicies([policyDocument(requirements)], requirements);
      expect(result.missing, name).toEqual([]);
      expect(result.overBroad, name).toEqual([]);
      expect(result.checked).toBeGreaterThan(40);
    }
  });

  it("reports cody's seed policy (fixed to valid JSON) as sufficient but over-broad", () => {
    const seed = parsePolicyDocument(readFileSync(SEED_BROAD, "utf8"), SEED_BROAD);
    const result = checkPolicies([seed], requirementsOf("demo"));
    expect(result.missing).toEqual([]);
    expect(result.overBroad).toEqual([
      "Statement[0] grants action wildcards: cloudformation:*, codebuild:*, events:*, iam:*, logs:*, ssm:*.",
      'Statement[0] applies to every resource ("*"), where cody\'s needs are scoped to its stack, project, roles and log groups.',
      "Statement[0] lets the holder grant itself more permissions (e.g. iam:AttachUserPolicy or iam:PutRolePolicy on any principal): admin-equivalent.",
    ]);
    // It predates EventBridge Scheduler (and the check that a referenced secret exists): a scheduler project is not covered.
    const scheduler = checkPolicies([seed], requirementsOf("nightly-scheduler"));
    expect([...new Set(scheduler.missing.map((m) => m.action))].sort()).toEqual([
      "scheduler:CreateSchedule",
      "scheduler:DeleteSchedule",
      "scheduler:GetSchedule",
      "scheduler:UpdateSchedule",
      "secretsmanager:DescribeSecret",
    ]);
  });

  it("finds a missing statement and proposes exactly it", () => {
    const requirements = requirementsOf("demo");
    const full = policyDocument(requirements);
    const without = { ...full, Statement: full.Statement.filter((s) => s.Sid !== "EventBridgeRule") };
    const result = checkPolicies([without], requirements);
    expect(new Set(result.missing.map((m) => m.sid))).toEqual(new Set(["EventBridgeRule"]));
    expect(result.missing.every((m) => m.decision === "implicitDeny")).toBe(true);
    expect(result.statementsToAdd).toEqual([full.Statement.find((s) => s.Sid === "EventBridgeRule")]);
    const deleteRule = result.missing.find((m) => m.action === "events:DeleteRule");
    expect(deleteRule?.commands).toEqual(["deploy", "delete"]);
  });

  it("never reuses a Sid the checked policy has: suffixes Missing, de-duplicated, ignoring case", () => {
    const requirements = requirementsOf("demo");
    const full = policyDocument(requirements);
    const without = (s: IamStatement, action: string) => ({ ...s, Action: actionsIn(s).filter((a) => a !== action) });
    // An older policy: cody's Sids, two statements narrower than today's, one Sid in other case, and a
    // statement of the user's own that already carries the first suffix.
    const older = {
      Version: "2012-10-17",
      Statement: [
        ...full.Statement.map((s) =>
          s.Sid === "CloudFormationStack" ? without(s, "cloudformation:DeleteChangeSet") : s.Sid === "EventBridgeRule" ? { ...without(s, "events:DeleteRule"), Sid: "eventbridgerule" } : s,
        ),
        { Sid: "CloudFormationStackMissing", Effect: "Allow" as const, Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-notes/*" },
      ],
    };
    const result = checkPolicies([older], requirements);
    expect(result.statementsToAdd).toEqual([
      { ...full.Statement.find((s) => s.Sid === "CloudFormationStack"), Sid: "CloudFormationStackMissing2", Action: ["cloudformation:DeleteChangeSet"] },
      { ...full.Statement.find((s) => s.Sid === "EventBridgeRule"), Sid: "EventBridgeRuleMissing", Action: ["events:DeleteRule"] },
    ]);
    expect(result.renamed).toEqual([
      { sid: "CloudFormationStackMissing2", existing: "CloudFormationStack" },
      { sid: "EventBridgeRuleMissing", existing: "eventbridgerule" },
    ]);
    // Pasted in, they parse (IAM's grammar rejects duplicate Sids) and close every required gap.
    const patched = parsePolicyDocument(JSON.stringify({ ...older, Statement: [...older.Statement, ...result.statementsToAdd] }));
    expect(checkPolicies([patched], requirements).missing.filter((m) => !m.optional)).toEqual([]);
  });

  it("keeps the requirement's Sid when the policy does not use it", () => {
    const requirements = requirementsOf("demo");
    const result = checkPolicies([{ Version: "2012-10-17", Statement: [] }], requirements);
    expect(result.renamed).toEqual([]);
    expect(result.statementsToAdd.map((s) => s.Sid)).toEqual(requirements.filter((r) => !r.optional).map((r) => r.sid));
  });

  it("needs the PassedToService value: a PassRole to another service does not count", () => {
    const requirements = requirementsOf("demo");
    const full = policyDocument(requirements);
    const wrong = {
      ...full,
      Statement: full.Statement.map((s) =>
        s.Sid === "PassRoleToEventBridge" ? { ...s, Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } } } : s,
      ),
    };
    const result = checkPolicies([wrong], requirements);
    expect(result.missing).toEqual([
      expect.objectContaining({ action: "iam:PassRole", context: { "iam:PassedToService": "events.amazonaws.com" }, sid: "PassRoleToEventBridge" }),
    ]);
  });

  it("says which Deny statement blocks a request", () => {
    const requirements = requirementsOf("demo");
    const deny = { Version: "2012-10-17", Statement: [{ Sid: "NoDeletes", Effect: "Deny" as const, Action: "cloudformation:DeleteStack", Resource: "*" }] };
    const result = checkPolicies([policyDocument(requirements), deny], requirements);
    expect(result.missing).toEqual([expect.objectContaining({ action: "cloudformation:DeleteStack", decision: "explicitDeny", deniedBy: ["NoDeletes"] })]);
  });

  it("keeps preflight's optional needs out of the statements to add", () => {
    const requirements = requirementsOf("demo");
    const full = policyDocument(requirements);
    const without = { ...full, Statement: full.Statement.filter((s) => !String(s.Sid).startsWith("Preflight")) };
    const result = checkPolicies([without], requirements);
    expect(result.missing.length).toBeGreaterThan(0);
    expect(result.missing.every((m) => m.optional)).toBe(true);
    expect(result.statementsToAdd).toEqual([]);
  });
});

describe("overBroadFindings", () => {
  const requirements = () => requirementsOf("demo");

  it("accepts * for actions that take no resource", () => {
    const policy = { Statement: [{ Effect: "Allow" as const, Action: ["codebuild:ListProjects", "codebuild:ListBuilds"], Resource: "*" }] };
    expect(overBroadFindings([policy], requirements())).toEqual([]);
  });

  it("flags * resources for scopable actions, NotAction, and PassRole to any service", () => {
    const policy = {
      Statement: [
        { Sid: "Start", Effect: "Allow" as const, Action: "codebuild:StartBuild", Resource: "*" },
        { Sid: "Pass", Effect: "Allow" as const, Action: "iam:PassRole", Resource: "*" },
        { Sid: "AllBut", Effect: "Allow" as const, NotAction: "iam:*", Resource: "*" },
      ],
    };
    const findings = overBroadFindings([policy], requirements()).join("\n");
    expect(findings).toMatch(/statement Start applies to every resource/);
    expect(findings).toMatch(/statement Pass allows iam:PassRole on every role/);
    expect(findings).toMatch(/statement AllBut allows every action except iam:\*/);
    // NotAction iam:* grants no IAM action: neither escalation nor PassRole.
    expect(findings).not.toMatch(/AllBut (lets|allows iam:PassRole)/);
  });
});
