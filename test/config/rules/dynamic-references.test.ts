// ssm()/secret() outside environmentVariables are errors with the dynamic reference to write instead;
// `{{resolve:...}}` strings are checked for CloudFormation's format, and their parameters and secrets
// are what the deployer is granted (issue 11 item 3).
import { afterAll, describe, expect, it } from "vitest";
import { dynamicReferenceFor, dynamicReferenceProblem } from "../../../src/config/rules/dynamic-references";
import { requirementsFor } from "../../../src/iam/requirements";
import { configErrorOf, minimalProject, propertiesOf, removeProjects, synthFor, synthResultFor } from "../../_helpers/project";

afterAll(removeProjects);

describe("dynamicReferenceFor", () => {
  it("writes the reference that names what ssm() / secret() name", () => {
    expect(dynamicReferenceFor({ type: "PARAMETER_STORE", value: "/team/token" })).toBe("{{resolve:ssm:/team/token}}");
    expect(dynamicReferenceFor({ type: "SECRETS_MANAGER", value: "prod/github" })).toBe("{{resolve:secretsmanager:prod/github}}");
    expect(dynamicReferenceFor({ type: "SECRETS_MANAGER", value: "prod/github:token" })).toBe("{{resolve:secretsmanager:prod/github:SecretString:token}}");
    const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/github-AbCdEf";
    expect(dynamicReferenceFor({ type: "SECRETS_MANAGER", value: `${arn}:token` })).toBe(`{{resolve:secretsmanager:${arn}:SecretString:token}}`);
  });

  it("what it writes passes the format check", () => {
    for (const value of ["/team/token", "name", "arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x"]) {
      expect(dynamicReferenceProblem(dynamicReferenceFor({ type: "PARAMETER_STORE", value }).slice(10, -2))).toBeUndefined();
    }
    for (const value of ["prod/github", "prod/github:token", "prod/github:token:AWSPREVIOUS"]) {
      expect(dynamicReferenceProblem(dynamicReferenceFor({ type: "SECRETS_MANAGER", value }).slice(10, -2))).toBeUndefined();
    }
  });
});

describe("dynamicReferenceProblem", () => {
  it.each([
    "ssm:/team/token",
    "ssm:/team/token:3",
    "ssm:name.with-dots_and/slashes",
    "ssm:arn:aws:ssm:eu-west-1:111122223333:parameter/shared/x",
    "ssm:/${AWS::StackName}/token",
    "secretsmanager:prod/github",
    "secretsmanager:prod/github:SecretString:token",
    "secretsmanager:prod/github:SecretString:token:AWSPREVIOUS",
    "secretsmanager:prod/github::token",
    "secretsmanager:prod/github:SecretString:token::0f1e2d3c-aaaa-bbbb-cccc-000000000000",
    "secretsmanager:arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/github-AbCdEf:SecretString:token",
  ])("accepts %s", (body) => {
    expect(dynamicReferenceProblem(body)).toBeUndefined();
  });

  it.each([
    ["secretmanager:prod/github", 'Did you mean "secretsmanager"?'],
    ["ssm:", "names no parameter"],
    ["ssm:/team/*", "wildcard"],
    ["ssm:/team token", "is not a parameter name"],
    ["ssm:/team/token:latest", "not a parameter version"],
    ["ssm-secure:/team/token", "ssm-secure"],
    ["secretsmanager:", "names no secret"],
    ["secretsmanager:prod/github:password", "stands where CloudFormation expects SecretString"],
    ["secretsmanager:prod/github:SecretString:token:AWSCURRENT:0f1e2d3c", "both a version stage and a version id"],
    ["secretsmanager:prod/github:SecretString:a:b:c:d", "at most five"],
    ["secretsmanager:prod/git hub", "not a secret name"],
  ])("refuses %s", (body, text) => {
    expect(dynamicReferenceProblem(body)?.message).toContain(text);
  });

  it("a misplaced json key comes back as the corrected reference", () => {
    expect(dynamicReferenceProblem("secretsmanager:prod/github:password")?.fix).toBe("Write {{resolve:secretsmanager:prod/github:SecretString:password}}.");
  });
});

describe("in a project", () => {
  it("ssm() in properties.Source.Auth.Resource is an error naming the path, with the dynamic reference as the fix", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`properties: { Source: { Auth: { Type: "OAUTH", Resource: ssm("/github/token") } } },`)));
    expect(error.issues).toEqual([
      expect.objectContaining({
        file: expect.stringMatching(/project\.ts$/),
        field: "properties.Source.Auth.Resource",
        message: expect.stringContaining('ssm("/github/token") is a build-time reference'),
        fix: expect.stringContaining('"{{resolve:ssm:/github/token}}"'),
      }),
    ]);
  });

  it("secret() in an inline buildspec, in role.properties and in schedule.properties is an error too", async () => {
    const buildspec = await configErrorOf(synthFor(minimalProject(`buildspec: { version: 0.2, env: { variables: { T: secret("prod/x:key") } }, phases: { build: { commands: ["true"] } } },`)));
    expect(buildspec.issues.map((i) => i.field)).toEqual(["buildspec.env.variables.T"]);
    expect(buildspec.issues[0]!.fix).toContain("{{resolve:secretsmanager:prod/x:SecretString:key}}");
    const role = await configErrorOf(synthFor(minimalProject(`role: { properties: { Description: ssm("/d") } },`)));
    expect(role.issues.map((i) => i.field)).toEqual(["role.properties.Description"]);
    const schedule = await configErrorOf(synthFor(minimalProject(`schedule: { rate: "1 day", properties: { Description: secret("s") } },`)));
    expect(schedule.issues.map((i) => i.field)).toEqual(["schedule.properties.Description"]);
  });

  it("ssm()/secret() stay fine in environmentVariables and the schedule's input.environmentVariables", async () => {
    const template = await synthFor(minimalProject(`environmentVariables: { A: ssm("/a") }, schedule: { rate: "1 day", input: { environmentVariables: { B: secret("b:key") } } },`));
    expect(template.Resources.CodeBuild).toBeDefined();
  });

  it("a well-formed dynamic reference in properties is kept as the string CloudFormation resolves", async () => {
    const template = await synthFor(minimalProject(`properties: { Source: { Auth: { Type: "OAUTH", Resource: "{{resolve:secretsmanager:github/oauth:SecretString:token}}" } } },`));
    expect(propertiesOf(template, "CodeBuild").Source).toMatchObject({ Auth: { Type: "OAUTH", Resource: "{{resolve:secretsmanager:github/oauth:SecretString:token}}" } });
  });

  it("a malformed one is an error at its field, before synthesis; so is an unclosed one", async () => {
    const bad = await configErrorOf(synthFor(minimalProject(`properties: { Description: "built by {{resolve:ssm:/team/name:latest}}" },`)));
    expect(bad.issues[0]).toMatchObject({ field: "properties.Description", message: expect.stringContaining("not a parameter version") });
    const open = await configErrorOf(synthFor(minimalProject(`properties: { Description: "{{resolve:ssm:/team/name" },`)));
    expect(open.issues[0]).toMatchObject({ field: "properties.Description", message: expect.stringContaining("never closes it") });
  });

  it("a secretsmanager reference in a plain-text variable is refused: secret() keeps the value out of the project", async () => {
    const error = await configErrorOf(synthFor(minimalProject(`environmentVariables: { TOKEN: "{{resolve:secretsmanager:prod/npm:SecretString:token}}" },`)));
    expect(error.issues[0]).toMatchObject({ field: "environmentVariables.TOKEN", fix: expect.stringContaining('secret("prod/npm:token")') });
  });
});

describe("cody policy: the deployer may read exactly the referenced parameters and secrets", () => {
  it("ssm:GetParameters and secretsmanager:GetSecretValue on the references, and nothing else of SSM or Secrets Manager", async () => {
    const shared = "arn:aws:ssm:eu-west-1:444455556666:parameter/shared/org-id";
    const synth = await synthResultFor(
      minimalProject(
        `environmentVariables: { BUILD_TOKEN: ssm("/build/token") },\n  properties: { Description: "{{resolve:ssm:/team/description:2}} {{resolve:ssm:${shared}}}", Source: { Auth: { Type: "OAUTH", Resource: "{{resolve:secretsmanager:github/oauth:SecretString:token}}" } } },`,
      ),
    );
    const list = requirementsFor({ synth: { template: synth.template, stackTags: synth.stackTags, stackName: synth.stackName }, region: "eu-west-1", account: "111122223333" });
    // What reads a value (the review's metadata checks, DescribeParameters/DescribeSecret, read none).
    const reads = (prefix: string) => list.filter((r) => r.actions.some((a) => a.startsWith(prefix) && /Get/.test(a)));
    const ssm = reads("ssm:");
    expect(ssm).toHaveLength(1);
    expect(ssm[0]!.actions).toEqual(["ssm:GetParameters"]);
    expect([...ssm[0]!.resources].sort()).toEqual([shared, "arn:aws:ssm:eu-west-1:111122223333:parameter/team/description"].sort());
    const secrets = reads("secretsmanager:");
    expect(secrets).toHaveLength(1);
    expect(secrets[0]!.actions).toEqual(["secretsmanager:GetSecretValue"]);
    expect(secrets[0]!.resources).toEqual(["arn:aws:secretsmanager:eu-west-1:111122223333:secret:github/oauth-??????"]);
    // The build's own PARAMETER_STORE variable is read by CodeBuild's role, not by the deployer.
    expect(JSON.stringify(list)).not.toContain("build/token");
  });
});
