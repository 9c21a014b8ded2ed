// The role-action rule of project-rules.ts: misspelt IAM actions and service prefixes in a role's own
// statements are Issues naming the file, field and line, with a did-you-mean, before any AWS call.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCodySync } from "../../_helpers/cli";
import { assertBuilt, ROOT } from "../../examples/examples";
import { configErrorOf, loadAt, minimalProject, removeProjects, writeProject, type ProjectFiles } from "../../_helpers/project";

afterAll(removeProjects);

const roleTs = (body: string) => `import { defineRole } from "codybuild";\n\nexport default defineRole({\n  iamPolicy: [\n${body}\n  ],\n});\n`;
const withRole = (body: string): ProjectFiles => minimalProject("", { ".cody/role.ts": roleTs(body) });
const issuesOf = async (files: ProjectFiles) => (await configErrorOf(loadAt(writeProject(files)))).issues;

describe("role actions", () => {
  it("reports a misspelt action with file, field, line, did-you-mean and fix", async () => {
    const issues = await issuesOf(withRole(`    { action: ["s3:GetObject", "s3:GetObjct"], resource: "arn:aws:s3:::bucket/*" },`));
    expect(issues).toEqual([
      {
        file: expect.stringMatching(/\.cody\/role\.ts$/),
        line: 5,
        field: "iamPolicy[0].action[1]",
        message: '"s3:GetObjct" is not an IAM action. Did you mean "s3:GetObject"?',
        fix: 'Write "s3:GetObject".',
      },
    ]);
  });

  it("checks notAction, single strings, Deny statements and shorthands, each at its own line", async () => {
    const issues = await issuesOf(
      withRole(
        [
          `    "lamda",`,
          `    "ecr:GetAuthorisationToken",`,
          `    { effect: "Deny", notAction: "iam:PasRole", resource: "*" },`,
          `    { action: "s3:GetObjct", resource: "*" },`,
          `    { action: ["s3:GetObjct"], resource: "*" },`,
        ].join("\n"),
      ),
    );
    expect(issues.map((i) => [i.line, i.field, i.message])).toEqual([
      [5, "iamPolicy[0]", '"lamda" is not an AWS service prefix. Did you mean "lambda"?'],
      [6, "iamPolicy[1]", '"ecr:GetAuthorisationToken" is not an IAM action. Did you mean "ecr:GetAuthorizationToken"?'],
      [7, "iamPolicy[2].notAction", '"iam:PasRole" is not an IAM action. Did you mean "iam:PassRole"?'],
      [8, "iamPolicy[3].action", '"s3:GetObjct" is not an IAM action. Did you mean "s3:GetObject"?'],
      [9, "iamPolicy[4].action[0]", '"s3:GetObjct" is not an IAM action. Did you mean "s3:GetObject"?'],
    ]);
  });

  it("names role.iamPolicy when the role is inline in project.ts", async () => {
    const issues = await issuesOf(minimalProject(`role: { iamPolicy: [{ action: "codebuild:StartBuidl", resource: "*" }] },`));
    expect(issues).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/\.cody\/project\.ts$/),
        line: 5,
        field: "role.iamPolicy[0].action",
        message: '"codebuild:StartBuidl" is not an IAM action. Did you mean "codebuild:StartBuild"?',
      }),
    ]);
  });

  it("reports an unknown service prefix", async () => {
    const issues = await issuesOf(withRole(`    { action: "xyzzy:Frob", resource: "*" },`));
    expect(issues).toEqual([expect.objectContaining({ field: "iamPolicy[0].action", message: '"xyzzy:Frob" is not an IAM action: no AWS service has the prefix "xyzzy".' })]);
  });

  it("accepts real actions in any case, wildcards that match, and *", async () => {
    const root = writeProject(
      withRole(
        [
          `    "s3",`,
          `    "sqs:SendMessage",`,
          `    { action: ["s3:getobject", "S3:List*", "ec2:Describe*", "ssm:GetParameter?"], resource: "*" },`,
          `    { effect: "Deny", notAction: ["iam:*", "sts:AssumeRole"], resource: "*" },`,
          `    { action: "*", resource: "*" },`,
        ].join("\n"),
      ),
    );
    const loaded = await loadAt(root);
    expect(loaded.role?.iamPolicy).toHaveLength(5);
  });

  it("leaves a malformed shorthand to the format rule (one issue, not two)", async () => {
    const issues = await issuesOf(withRole(`    "S3 GetObject",`));
    expect(issues).toEqual([expect.objectContaining({ field: "iamPolicy[0]", message: expect.stringMatching(/is neither a service/) })]);
  });
});

describe("the action list is loaded only for roles with statements (built CLI)", () => {
  /** Whether `cody synth` in `cwd` loaded node:zlib, which only the action list needs. */
  function synthLoadsZlib(cwd: string): boolean {
    const probe = join(mkdtempSync(join(tmpdir(), "cody-zlib-probe-")), "probe.cjs");
    writeFileSync(probe, 'process.on("exit", () => process.stderr.write(`ZLIB=${process.moduleLoadList.includes("NativeModule zlib")}\\n`));\n');
    // The compile cache checks its files with zlib's CRC-32 (bin/compile-cache.cjs): off here.
    const cli = runCodySync(["synth"], { cwd, nodeArgs: ["--require", probe], env: { CODY_NO_COMPILE_CACHE: "1" } });
    const run = { status: cli.code, stderr: cli.stderr };
    rmSync(dirname(probe), { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    const flag = /ZLIB=(true|false)/.exec(run.stderr)?.[1];
    expect(flag, run.stderr).toBeDefined();
    return flag === "true";
  }

  it("skips it for a project without role statements and loads it for one with", () => {
    assertBuilt();
    expect(synthLoadsZlib(join(ROOT, "examples", "existing-role"))).toBe(false);
    expect(synthLoadsZlib(join(ROOT, "examples", "demo"))).toBe(true);
  });
});
