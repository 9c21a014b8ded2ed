// The generated CodeBuild role (docs/architecture.md#template): least privilege by default, the DSL's
// iamPolicy / managedIamPolicy / permissionsBoundary / properties, and source-specific statements.
import { afterAll, describe, expect, it } from "vitest";
import { isConfigError } from "../../src/errors";
import type { Template } from "../../src/synth/template";
import {
  BUILDSPEC_YML,
  minimalProject,
  projectTs,
  propertiesOf,
  removeProjects,
  roleStatements,
  synthFor,
  type ProjectFiles,
} from "../_helpers/project";

afterAll(removeProjects);

const sub = (text: string) => ({ "Fn::Sub": text });
const REGION_ACCOUNT = "${AWS::Region}:${AWS::AccountId}";

/** A GitHub project whose project.ts has `extra` keys, plus a `.cody/role.ts` when `role` is given. */
function withRole(role: string | undefined, extra = ""): ProjectFiles {
  return minimalProject(
    extra,
    role === undefined ? {} : { ".cody/role.ts": `import { defineRole } from "codybuild";\n\nexport default defineRole(${role});\n` },
  );
}

const statementsFor = async (files: ProjectFiles, type?: string) => roleStatements(await synthFor(files, { type }));
const bySid = (statements: Array<Record<string, unknown>>, sid: string) => statements.find((s) => s.Sid === sid);

describe("default statements: least privilege", () => {
  it("logs only on /aws/codebuild/<full project name> and its streams", async () => {
    const statements = await statementsFor(minimalProject());
    expect(statements).toEqual([
      {
        Sid: "WriteBuildLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [
          sub(`arn:\${AWS::Partition}:logs:${REGION_ACCOUNT}:log-group:/aws/codebuild/demo`),
          sub(`arn:\${AWS::Partition}:logs:${REGION_ACCOUNT}:log-group:/aws/codebuild/demo:*`),
        ],
      },
    ]);
  });

  it("the log group is the full project name (type, env, CODY_EXTRA)", async () => {
    const files: ProjectFiles = {
      ".cody/settings.ts": `export default { stackNaming: { appendEnv: true } };\n`,
      ".cody/unit/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`),
      ".cody/unit/buildspec.yml": BUILDSPEC_YML,
    };
    const template = await synthFor(files, { type: "unit", env: "production", environment: { CODY_EXTRA: "2" } });
    expect(bySid(roleStatements(template), "WriteBuildLogs")?.Resource).toEqual([
      sub(`arn:\${AWS::Partition}:logs:${REGION_ACCOUNT}:log-group:/aws/codebuild/demo-unit-production-2`),
      sub(`arn:\${AWS::Partition}:logs:${REGION_ACCOUNT}:log-group:/aws/codebuild/demo-unit-production-2:*`),
    ]);
  });

  it("ssm:GetParameters only on the referenced parameters, including the schedule's input", async () => {
    const statements = await statementsFor(
      minimalProject(`
        environmentVariables: { A: ssm("/api/key"), B: "ssm:/legacy/token", C: ssm("plain-name"), D: ssm("/api/key"), E: "plain" },
        schedule: { rate: "1 day", input: { environmentVariables: { F: ssm("/nightly/flag") } } },`),
    );
    expect(bySid(statements, "ReadReferencedParameters")).toEqual({
      Sid: "ReadReferencedParameters",
      Effect: "Allow",
      Action: "ssm:GetParameters",
      Resource: [
        sub(`arn:\${AWS::Partition}:ssm:${REGION_ACCOUNT}:parameter/api/key`),
        sub(`arn:\${AWS::Partition}:ssm:${REGION_ACCOUNT}:parameter/legacy/token`),
        sub(`arn:\${AWS::Partition}:ssm:${REGION_ACCOUNT}:parameter/plain-name`),
        sub(`arn:\${AWS::Partition}:ssm:${REGION_ACCOUNT}:parameter/nightly/flag`),
      ],
    });
  });

  it("a parameter referenced in a schedule.ts input is readable too", async () => {
    const statements = await statementsFor(
      minimalProject("", {
        ".cody/schedule.ts": `import { defineSchedule, ssm } from "codybuild";\nexport default defineSchedule({ cron: "0 3 * * ? *", input: { environmentVariables: { T: ssm("/nightly/token") } } });\n`,
      }),
    );
    expect(bySid(statements, "ReadReferencedParameters")?.Resource).toEqual([
      sub(`arn:\${AWS::Partition}:ssm:${REGION_ACCOUNT}:parameter/nightly/token`),
    ]);
  });

  it("secretsmanager:GetSecretValue only on the referenced secrets: names get -??????, ARNs stay exact, JSON keys go", async () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-AbCdEf";
    const statements = await statementsFor(
      minimalProject(`
        environmentVariables: {
          DB_PASSWORD: secret("prod/db:password"),
          DB_USER: secret("prod/db:username"),
          TOKEN: secret("ci-token"),
          API: secret("${secretArn}:key::"),
          API_RAW: secret("${secretArn}"),
        },`),
    );
    expect(bySid(statements, "ReadReferencedSecrets")).toEqual({
      Sid: "ReadReferencedSecrets",
      Effect: "Allow",
      Action: "secretsmanager:GetSecretValue",
      Resource: [
        sub(`arn:\${AWS::Partition}:secretsmanager:${REGION_ACCOUNT}:secret:prod/db-??????`),
        sub(`arn:\${AWS::Partition}:secretsmanager:${REGION_ACCOUNT}:secret:ci-token-??????`),
        secretArn,
      ],
    });
  });

  it("no parameter or secret statements when nothing is referenced", async () => {
    const text = JSON.stringify(await statementsFor(minimalProject(`environmentVariables: { A: "ssm-looking-but-plain" },`)));
    expect(text).not.toContain("ssm:");
    expect(text).not.toContain("secretsmanager:");
  });

  it("no AmazonS3ReadOnlyAccess (cody's default) and no S3 access at all for a GitHub source", async () => {
    const role = propertiesOf(await synthFor(minimalProject()), "IamRole");
    expect(role).not.toHaveProperty("ManagedPolicyArns");
    expect(JSON.stringify(role)).not.toMatch(/AmazonS3ReadOnlyAccess|"s3:/);
  });

  it("lives under the /cody/ path, with a described, unnamed role", async () => {
    const role = propertiesOf(await synthFor(minimalProject()), "IamRole");
    expect(role.Path).toBe("/cody/");
    // no RoleName: CloudFormation names it, so CAPABILITY_NAMED_IAM is not needed
    expect(role).not.toHaveProperty("RoleName");
    expect(role.Description).toContain("demo");
  });

  it("trusts codebuild.amazonaws.com for this project of this account only (confused deputy)", async () => {
    const role = propertiesOf(await synthFor(minimalProject()), "IamRole");
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "codebuild.amazonaws.com" },
          Action: "sts:AssumeRole",
          // CodeBuild names the project as aws:SourceArn: only this project's builds may assume the role.
          Condition: {
            StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
            ArnLike: { "aws:SourceArn": sub(`arn:\${AWS::Partition}:codebuild:${REGION_ACCOUNT}:project/demo`) },
          },
        },
      ],
    });
  });

  it("one inline policy, CodeBuildAccess, version 2012-10-17", async () => {
    const role = propertiesOf(await synthFor(minimalProject()), "IamRole");
    const policies = role.Policies as Array<{ PolicyName: string; PolicyDocument: { Version: string } }>;
    expect(policies.map((p) => p.PolicyName)).toEqual(["CodeBuildAccess"]);
    expect(policies[0]!.PolicyDocument.Version).toBe("2012-10-17");
  });
  // Was a bug (fixed): `properties: { Name }` is accepted (Name is a known raw key) and renames the CodeBuild
  // project, but the role's log permissions (and the managed LogGroup) still use the derived full
  // project name, so every build of the renamed project is denied writing its logs. cody had the same
  // class of bug for its schedule role (docs/architecture.md#ruby-codys-bugs). Refusing the override would fix it too.
  it("a Name override in properties moves the log permissions along (or is refused)", async () => {
    const outcome = await synthFor(minimalProject(`properties: { Name: "custom-name" },`)).catch((error: unknown) => error);
    if (isConfigError(outcome)) {
      expect(outcome.issues[0]!.field).toBe("properties.Name");
      return;
    }
    const template = outcome as Template;
    expect(propertiesOf(template, "CodeBuild").Name).toBe("custom-name");
    expect(JSON.stringify(bySid(roleStatements(template), "WriteBuildLogs")?.Resource)).toContain("log-group:/aws/codebuild/custom-name");
  });
});

describe("iamPolicy", () => {
  it('shorthands: "s3" → s3:* on *, "s3:GetObject" → that action on *', async () => {
    const statements = await statementsFor(withRole(`{ iamPolicy: ["s3", "s3:GetObject"] }`));
    expect(statements.slice(1)).toEqual([
      { Effect: "Allow", Action: "s3:*", Resource: "*" },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
    ]);
  });

  it("camelCase statements are emitted in IAM's PascalCase", async () => {
    const statements = await statementsFor(
      withRole(`{ iamPolicy: [
        { sid: "ReadArtifacts", action: ["s3:GetObject"], resource: "arn:aws:s3:::acme-artifacts/*", condition: { Bool: { "aws:SecureTransport": "true" } } },
        { effect: "Deny", notAction: "s3:GetObject", notResource: ["arn:aws:s3:::acme-artifacts/*"] },
      ] }`),
    );
    expect(statements.slice(1)).toEqual([
      {
        Sid: "ReadArtifacts",
        Effect: "Allow",
        Action: ["s3:GetObject"],
        Resource: "arn:aws:s3:::acme-artifacts/*",
        Condition: { Bool: { "aws:SecureTransport": "true" } },
      },
      { Effect: "Deny", NotAction: "s3:GetObject", NotResource: ["arn:aws:s3:::acme-artifacts/*"] },
    ]);
  });

  it("is appended to the defaults", async () => {
    const statements = await statementsFor(withRole(`{ iamPolicy: ["sqs:SendMessage"] }`, `environmentVariables: { K: ssm("/k") },`));
    expect(statements.map((s) => s.Sid ?? s.Action)).toEqual(["WriteBuildLogs", "ReadReferencedParameters", "sqs:SendMessage"]);
  });

  it("replaceDefaults: true keeps only the user's statements", async () => {
    const statements = await statementsFor(
      withRole(`{ replaceDefaults: true, iamPolicy: ["logs"] }`, `environmentVariables: { K: ssm("/k") },`),
    );
    expect(statements).toEqual([{ Effect: "Allow", Action: "logs:*", Resource: "*" }]);
  });

  it("replaceDefaults: true with no statements leaves no inline policy", async () => {
    const role = propertiesOf(await synthFor(withRole(`{ replaceDefaults: true, managedIamPolicy: ["CloudWatchLogsFullAccess"] }`)), "IamRole");
    expect(role).not.toHaveProperty("Policies");
  });

  it("works inline in project.ts as role:", async () => {
    const statements = await statementsFor(minimalProject(`role: { iamPolicy: ["dynamodb:GetItem"] },`));
    expect(statements.at(-1)).toEqual({ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" });
  });

  it("a statement without a resource is an error naming role.ts and the entry", async () => {
    const files = withRole(`{ iamPolicy: [{ action: "s3:GetObject" }] }`);
    await expect(synthFor(files)).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: "iamPolicy[0]", file: expect.stringMatching(/role\.ts$/) })],
    });
  });
});

describe("managedIamPolicy", () => {
  it("AWS managed names become partition-aware ARNs; customer ARNs are untouched", async () => {
    const customer = "arn:aws:iam::123456789012:policy/acme/ci-extra";
    const role = propertiesOf(
      await synthFor(withRole(`{ managedIamPolicy: ["AmazonS3ReadOnlyAccess", "service-role/AWSLambdaRole", "${customer}"] }`)),
      "IamRole",
    );
    expect(role.ManagedPolicyArns).toEqual([
      sub("arn:${AWS::Partition}:iam::aws:policy/AmazonS3ReadOnlyAccess"),
      sub("arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaRole"),
      customer,
    ]);
  });
});

describe("permissionsBoundary", () => {
  it("sets PermissionsBoundary", async () => {
    const boundary = "arn:aws:iam::123456789012:policy/DeveloperBoundary";
    const role = propertiesOf(await synthFor(withRole(`{ permissionsBoundary: "${boundary}" }`)), "IamRole");
    expect(role.PermissionsBoundary).toBe(boundary);
  });
});

describe("role.properties", () => {
  it("objects merge, arrays replace, raw keys are added", async () => {
    const role = propertiesOf(
      await synthFor(
        withRole(`{
          iamPolicy: ["s3"],
          properties: {
            MaxSessionDuration: 7200,
            Description: "custom",
            Tags: [{ Key: "team", Value: "platform" }],
            AssumeRolePolicyDocument: { Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }] },
          },
        }`),
      ),
      "IamRole",
    );
    expect(role.MaxSessionDuration).toBe(7200);
    expect(role.Description).toBe("custom");
    expect(role.Tags).toEqual([{ Key: "team", Value: "platform" }]);
    expect(role.Path).toBe("/cody/");
    // Version survives (objects merge); Statement is replaced (arrays replace)
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "codebuild.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    // the generated policy is still there
    expect((role.Policies as unknown[]).length).toBe(1);
  });

  it("an unknown raw key is an error", async () => {
    await expect(synthFor(withRole(`{ properties: { MaxSession: 3600 } }`))).rejects.toMatchObject({
      issues: [expect.objectContaining({ field: "properties.MaxSession" })],
    });
  });
});

describe("source-specific statements", () => {
  it("a CodeCommit source may git-pull its repository only", async () => {
    const statements = await statementsFor({
      ".cody/project.ts": projectTs(`{ githubUrl: "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/acme-api" }`),
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    expect(bySid(statements, "PullSource")).toEqual({
      Sid: "PullSource",
      Effect: "Allow",
      Action: "codecommit:GitPull",
      Resource: sub(`arn:\${AWS::Partition}:codecommit:${REGION_ACCOUNT}:acme-api`),
    });
  });

  it("an S3 source may read its object only", async () => {
    const statements = await statementsFor({
      ".cody/project.ts": projectTs(`{ githubUrl: "s3://acme-src/api/source.zip" }`),
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    expect(bySid(statements, "ReadSource")).toEqual({
      Sid: "ReadSource",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: sub("arn:${AWS::Partition}:s3:::acme-src/api/source.zip"),
    });
  });

  it("a GitHub source adds neither", async () => {
    const statements = await statementsFor(minimalProject());
    expect(bySid(statements, "PullSource")).toBeUndefined();
    expect(bySid(statements, "ReadSource")).toBeUndefined();
  });
});
