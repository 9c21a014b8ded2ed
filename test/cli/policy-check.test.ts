// `cody policy --check` on requirement patterns and with its request context (region, ${aws:username}),
// with no AWS_* or CODY_* variables. The cases run run(argv) in this process; the smoke test at the end
// proves the built binary prints the same.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCodySync } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";
import { assertBuilt, EXAMPLES_DIR } from "../examples/examples";

const NARROWER_DENY = fileURLToPath(new URL("../fixtures/policies/narrower-deny.json", import.meta.url));
const demo = join(EXAMPLES_DIR, "demo");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `cody policy` in this process (test/_helpers/cli-in-process.ts), with the binary's clean environment. */
async function cody(args: string[], cwd: string): Promise<Run> {
  const run = await runCodyInProcess(["policy", ...args], { cwd, env: cleanEnv() });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

interface Policy {
  Version: string;
  Statement: object[];
}

function policyOf(run: Run): Policy {
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Policy;
}

let scratch: string;
beforeAll(() => {
  assertBuilt();
  scratch = mkdtempSync(join(tmpdir(), "cody-policy-check-"));
});
afterAll(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe("cody policy --check on patterns and context", () => {
  it("finds a Deny narrower than a role pattern: the pattern is not covered, exit 3, with a denied example", async () => {
    // Allow */* and Deny iam:PassRole on role/cody/demo-cody-admin: every demo role matches
    // role/cody/demo-cody-*, but that one is denied, so the pattern is not covered.
    const run = await cody(["--check", NARROWER_DENY], demo);
    expect(run.status, run.stderr).toBe(3);
    expect(run.stdout).toMatch(/iam:PassRole\s+arn:aws:iam::\*:role\/cody\/demo-cody-\*\s+iam:PassedToService=codebuild\.amazonaws\.com\s+denied by NoAdminRole/);
    expect(run.stderr).toMatch(/e\.g\. iam:PassRole on arn:aws:iam::\*:role\/cody\/demo-cody-admin: denied by NoAdminRole/);
    // An Allow cannot lift a Deny: nothing to add, and the hint says what to do instead.
    expect(run.stdout).not.toMatch(/Statements to add/);
    expect(run.stderr).toMatch(/Narrow or remove the Deny statements/);
  });

  it("puts the region in the context: a region fence passes in its region only, and never when the region is unknown", async () => {
    // The generic policy (any region) plus a Deny outside us-east-1, checked outside a project.
    const generic = policyOf(await cody([], scratch));
    const fence = { Sid: "OnlyUsEast1", Effect: "Deny", Action: ["*"], Resource: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": "us-east-1" } } };
    const file = join(scratch, "fenced.json");
    writeFileSync(file, JSON.stringify({ ...generic, Statement: [...generic.Statement, fence] }, null, 2));

    const inside = await cody(["--check", file, "--region", "us-east-1"], scratch);
    expect(inside.status, inside.stderr).toBe(0);
    expect(inside.stderr).toMatch(/Checked for region us-east-1 \(--region/);

    const outside = await cody(["--check", file, "--region", "eu-west-1"], scratch);
    expect(outside.status).toBe(3);
    expect(outside.stdout).toMatch(/codebuild:StartBuild\s+\S+\s+\S*\s*denied by OnlyUsEast1/);
    // IAM answers from us-east-1 whatever the project's region: its requests pass the fence.
    expect(outside.stdout).not.toMatch(/^iam:/m);

    const unknown = await cody(["--check", file], scratch);
    expect(unknown.status).toBe(3);
    expect(unknown.stderr).toMatch(/No region given .* cannot be proven/);
  });

  it("fills ${aws:username}: a self-service statement covers a requirement on the caller's own user", async () => {
    const generic = policyOf(await cody([], scratch));
    const file = join(scratch, "self.json");
    const self = { Sid: "Self", Effect: "Allow", Action: ["iam:GetUser"], Resource: "arn:aws:iam::*:user/${aws:username}" };
    writeFileSync(file, JSON.stringify({ ...generic, Statement: [...generic.Statement, self] }, null, 2));
    const run = await cody(["--check", file, "--region", "us-east-1"], scratch);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/policy variable/);
    const other = join(scratch, "userid.json");
    writeFileSync(other, JSON.stringify({ ...generic, Statement: [...generic.Statement, { ...self, Resource: "arn:aws:iam::*:user/${aws:userid}" }] }, null, 2));
    expect((await cody(["--check", other, "--region", "us-east-1"], scratch)).stderr).toMatch(/policy variable \$\{aws:userid\} has no value offline/);
  });

});

describe("the built binary prints what run() prints", () => {
  it("a Deny narrower than a role pattern (exit 3)", async () => {
    const binary = runCodySync(["policy", "--check", NARROWER_DENY], { cwd: demo });
    const inProcess = await runCodyInProcess(["policy", "--check", NARROWER_DENY], { cwd: demo, env: cleanEnv() });
    expect(binary).toEqual(inProcess);
    expect(binary.code).toBe(3);
  });
});
