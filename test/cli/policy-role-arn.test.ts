// `cody policy --role-arn` / settings' roleArn, with no AWS: with a CloudFormation service role the
// deployer passes the role instead of making the resource calls. The cases run run(argv) in this
// process; the smoke test at the end proves the built binary prints the same.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runCodySync } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";
import { assertBuilt, EXAMPLES_DIR } from "../examples/examples";

const ROLE = "arn:aws:iam::123456789012:role/cody-cloudformation";

/** cody in this process (test/_helpers/cli-in-process.ts), with the binary's clean environment. */
async function cody(args: string[], cwd: string) {
  const run = await runCodyInProcess(args, { cwd, env: cleanEnv() });
  return { ...run, status: run.code };
}

interface Statement {
  Sid: string;
  Action: string[];
  Resource: string[] | string;
  Condition?: Record<string, Record<string, string>>;
}
const sids = (stdout: string) => (JSON.parse(stdout) as { Statement: Statement[] }).Statement.map((s) => s.Sid);

let dir: string;
beforeAll(() => {
  assertBuilt();
  dir = mkdtempSync(join(tmpdir(), "cody-role-arn-"));
  cpSync(join(EXAMPLES_DIR, "demo"), dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("cody policy with a CloudFormation service role", () => {
  it("without one: the deployer makes the resource calls itself", async () => {
    const run = await cody(["policy", "--region", "us-east-1"], dir);
    expect(run.status).toBe(0);
    expect(sids(run.stdout)).toEqual(expect.arrayContaining(["CodeBuildProject", "IamRoles"]));
    expect(sids(run.stdout)).not.toContain("PassRoleToCloudFormation");
  });

  it("--role-arn: PassRole on that role, to CloudFormation only, and no resource calls", async () => {
    const run = await cody(["policy", "--region", "us-east-1", "--role-arn", ROLE], dir);
    expect(run.status).toBe(0);
    const statements = (JSON.parse(run.stdout) as { Statement: Statement[] }).Statement;
    const pass = statements.find((s) => s.Sid === "PassRoleToCloudFormation");
    expect(pass).toMatchObject({ Action: ["iam:PassRole"], Resource: [ROLE], Condition: { StringEquals: { "iam:PassedToService": "cloudformation.amazonaws.com" } } });
    expect(statements.map((s) => s.Sid)).not.toContain("CodeBuildProject");
    expect(statements.map((s) => s.Sid)).not.toContain("IamRoles");
  });

  it("a bad --role-arn is input: exit 1 with the flag, the reason and a fix, no stack trace", async () => {
    const run = await cody(["policy", "--role-arn", "arn:aws:iam::123456789012:policy/x"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--role-arn: "arn:aws:iam::123456789012:policy/x" is not an IAM role ARN: it does not name a role');
    expect(run.stderr).toContain("fix: Pass the CloudFormation service role's ARN");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("settings' roleArn is the default; a bad one is reported at its line before any AWS call", async () => {
    const settings = join(dir, ".cody", "settings.ts");
    writeFileSync(settings, `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  roleArn: "${ROLE}",\n});\n`);
    expect(sids((await cody(["policy", "--region", "us-east-1"], dir)).stdout)).toContain("PassRoleToCloudFormation");

    writeFileSync(settings, `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  roleArn: "cody-cfn",\n});\n`);
    for (const command of [["policy"], ["deploy", "--region", "us-east-1"], ["diff", "--region", "us-east-1"], ["delete", "--region", "us-east-1", "--yes"]]) {
      const run = await cody(command, dir);
      expect(run.status, command.join(" ")).toBe(1);
      expect(run.stderr, command.join(" ")).toMatch(/settings\.ts:4/);
      expect(run.stderr, command.join(" ")).toContain('"cody-cfn" is not an IAM role ARN');
    }
    rmSync(settings);
  });
});

describe("the built binary prints what run() prints", () => {
  it("policy --role-arn, and a bad --role-arn", async () => {
    for (const args of [["policy", "--region", "us-east-1", "--role-arn", ROLE], ["policy", "--role-arn", "arn:aws:iam::123456789012:policy/x"]]) {
      expect(runCodySync(args, { cwd: dir }), args.join(" ")).toEqual(await runCodyInProcess(args, { cwd: dir, env: cleanEnv() }));
    }
  });
});
