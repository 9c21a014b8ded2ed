// The permissions boundary on every role cody generates (issue 8 item 3, synth side), and the IAM inputs
// CloudFormation or IAM would refuse at deploy, caught at load instead (issue 9 item 9).
import { afterAll, describe, expect, it } from "vitest";
import type { Issue } from "../../src/errors";
import { configErrorOf, minimalProject, propertiesOf, removeProjects, synthFor, type ProjectFiles } from "../_helpers/project";

afterAll(removeProjects);

const BOUNDARY = "arn:aws:iam::123456789012:policy/cody-boundary";
const settings = (boundary: string) => `import { defineSettings } from "codybuild";\n\nexport default defineSettings({ permissionsBoundary: ${JSON.stringify(boundary)} });\n`;
const withSettings = (boundary: string, extra = "", files: ProjectFiles = {}): ProjectFiles =>
  minimalProject(extra, { ".cody/settings.ts": settings(boundary), ...files });
const issuesOf = async (files: ProjectFiles): Promise<Issue[]> => (await configErrorOf(synthFor(files))).issues;

describe("settings.permissionsBoundary", () => {
  it("goes on the build role and on the rule's role", async () => {
    const template = await synthFor(withSettings(BOUNDARY, `schedule: { rate: "1 day" },`));
    expect(propertiesOf(template, "IamRole").PermissionsBoundary).toBe(BOUNDARY);
    expect(propertiesOf(template, "EventsRuleRole").PermissionsBoundary).toBe(BOUNDARY);
  });

  it("goes on the scheduler's role too, and on the schedule role of a project with an existing service role", async () => {
    const template = await synthFor(
      withSettings(BOUNDARY, `serviceRole: "arn:aws:iam::123456789012:role/existing", schedule: { rate: "1 day", engine: "scheduler" },`),
    );
    expect(template.Resources).not.toHaveProperty("IamRole");
    expect(propertiesOf(template, "ScheduleRole").PermissionsBoundary).toBe(BOUNDARY);
  });

  it("with ${AWS::Partition} and ${AWS::AccountId} it becomes an Fn::Sub (the account cody deploys to)", async () => {
    const template = await synthFor(withSettings("arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundaries/ci", `schedule: { rate: "1 day" },`));
    const expected = { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundaries/ci" };
    expect(propertiesOf(template, "IamRole").PermissionsBoundary).toEqual(expected);
    expect(propertiesOf(template, "EventsRuleRole").PermissionsBoundary).toEqual(expected);
  });

  it("no boundary anywhere without one", async () => {
    const template = await synthFor(minimalProject(`schedule: { rate: "1 day" },`));
    expect(JSON.stringify(template)).not.toContain("PermissionsBoundary");
  });

  it("the role may repeat the same boundary", async () => {
    const template = await synthFor(withSettings(BOUNDARY, `role: { permissionsBoundary: "${BOUNDARY}", properties: { PermissionsBoundary: "${BOUNDARY}" } },`));
    expect(propertiesOf(template, "IamRole").PermissionsBoundary).toBe(BOUNDARY);
  });

  it("a role asking for another boundary is an error naming both (the deploy policy would refuse it)", async () => {
    const other = "arn:aws:iam::123456789012:policy/other";
    const issues = await issuesOf(withSettings(BOUNDARY, `role: { permissionsBoundary: "${other}", properties: { PermissionsBoundary: "${other}" } },`));
    expect(issues.map((i) => i.field)).toEqual(["role.permissionsBoundary", "role.properties.PermissionsBoundary"]);
    expect(issues[0]!.message).toContain(BOUNDARY);
    expect(issues[0]!.message).toContain(other);
    expect(issues[0]!.line).toBeGreaterThan(0);
  });

  it("a boundary that is not a policy ARN is an error at its line, with a fix", async () => {
    const files = minimalProject("", { ".cody/settings.ts": `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  permissionsBoundary: "ci-boundary",\n});\n` });
    const [issue] = await issuesOf(files);
    expect(issue).toMatchObject({ field: "permissionsBoundary", line: 4, message: expect.stringContaining("is not an ARN") });
    expect(issue!.fix).toContain("arn:aws:iam::123456789012:policy/ci-boundary");
    const [role] = await issuesOf(minimalProject(`role: { permissionsBoundary: "arn:aws:iam::123456789012:role/ci" },`));
    expect(role).toMatchObject({ field: "role.permissionsBoundary", message: expect.stringContaining("names no policy") });
  });
});

describe("managedIamPolicy", () => {
  it("a malformed ARN says what is wrong with it", async () => {
    const cases: Array<[string, string]> = [
      ["arn:aws:iam::1234:policy/x", '"1234" is not an account'],
      ["arn:aws:s3:::bucket", "the s3 service"],
      ["arn:aws:iam:us-east-1:123456789012:policy/x", "no region"],
      ["arn:aws:iam::123456789012:role/x", "names no policy"],
      ["arn:aws:iam::aws", "fewer than the six parts"],
    ];
    for (const [arn, says] of cases) {
      const [issue] = await issuesOf(minimalProject(`role: { managedIamPolicy: ["AmazonS3ReadOnlyAccess", "${arn}"] },`));
      expect(issue, arn).toMatchObject({ field: "role.managedIamPolicy[1]", message: expect.stringContaining(says) });
    }
  });

  it("names, paths and ARNs with pseudo-parameters are accepted; the latter through Fn::Sub", async () => {
    const role = propertiesOf(
      await synthFor(minimalProject(`role: { managedIamPolicy: ["service-role/AWSLambdaRole", "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/ci"] },`)),
      "IamRole",
    );
    expect(role.ManagedPolicyArns).toEqual([
      { "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaRole" },
      { "Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/ci" },
    ]);
  });
});

describe("ssm() and secret() names", () => {
  it('ssm("") and secret("") are errors at the variable, not a grant on nothing (or everything)', async () => {
    const issues = await issuesOf(minimalProject(`environmentVariables: { A: ssm(""), B: secret("") },`));
    expect(issues.map((i) => i.field)).toEqual(["environmentVariables.A", "environmentVariables.B"]);
    expect(issues[0]!.message).toContain('ssm("") names nothing');
    expect(issues[1]!.fix).toContain('secret("prod/db:password")');
  });

  it("a wildcard in a name would widen the grant: refused", async () => {
    const [issue] = await issuesOf(minimalProject(`environmentVariables: { A: secret("prod/*") },`));
    expect(issue!.message).toContain("has a wildcard");
  });

  it("a name in the schedule's input is checked too", async () => {
    const [issue] = await issuesOf(minimalProject(`schedule: { rate: "1 day", input: { environmentVariables: { T: ssm(" ") } } },`));
    expect(issue).toMatchObject({ field: "schedule.input.environmentVariables.T" });
  });

  it("names, JSON keys and full ARNs pass", async () => {
    await expect(
      synthFor(
        minimalProject(
          `environmentVariables: { A: ssm("/a/b"), B: ssm("plain"), C: secret("prod/db:password"), D: secret("arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/x-AbCdEf:key::") },`,
        ),
      ),
    ).resolves.toBeDefined();
  });
});
