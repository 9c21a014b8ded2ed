import { DescribeParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { DescribeSecretCommand, ResourceNotFoundException, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { GetPolicyCommand, GetRoleCommand, IAMClient, NoSuchEntityException } from "@aws-sdk/client-iam";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { createReferences } from "../../src/aws/clients";
import { checkReferences, formatMissing, parameterName, roleName, secretId, templateReferences } from "../../src/review/references";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { GOLDEN_DIR } from "../examples/examples";
import { parseTemplateBody } from "../../src/review/parse-template";

const CONTEXT = { partition: "aws", region: "us-east-1" };

const TEMPLATE = {
  Resources: {
    CodeBuild: {
      Type: "AWS::CodeBuild::Project",
      Properties: {
        ServiceRole: "arn:aws:iam::123456789012:role/ci/build-role",
        Environment: {
          EnvironmentVariables: [
            { Name: "PLAIN", Type: "PLAINTEXT", Value: "/not/a/parameter" },
            { Name: "TOKEN", Type: "PARAMETER_STORE", Value: "/demo/token" },
            { Name: "DB", Type: "SECRETS_MANAGER", Value: "prod/db:password" },
            { Name: "KEY", Type: "SECRETS_MANAGER", Value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf:key::" },
          ],
        },
      },
    },
    IamRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        ManagedPolicyArns: [{ "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess" }, "arn:aws:iam::123456789012:policy/team"],
        PermissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
      },
    },
    EventsRule: {
      Type: "AWS::Events::Rule",
      Properties: { Targets: [{ Id: "x", Input: JSON.stringify({ environmentVariablesOverride: [{ name: "NIGHTLY", value: "/demo/token", type: "PARAMETER_STORE" }, { name: "S", value: "other", type: "SECRETS_MANAGER" }] }) }] },
    },
  },
};

describe("templateReferences", () => {
  it("finds parameters, secrets, policies and an existing role, with where each is used", () => {
    expect(templateReferences(TEMPLATE, CONTEXT)).toEqual([
      { kind: "parameter", name: "/demo/token", usedBy: ["CodeBuild environment variable TOKEN", "EventsRule environment variable NIGHTLY"] },
      { kind: "secret", name: "prod/db", usedBy: ["CodeBuild environment variable DB"] },
      { kind: "secret", name: "arn:aws:secretsmanager:us-east-1:123456789012:secret:api-AbCdEf", usedBy: ["CodeBuild environment variable KEY"] },
      { kind: "role", name: "build-role", usedBy: ["CodeBuild service role"] },
      { kind: "policy", name: "arn:aws:iam::aws:policy/ReadOnlyAccess", usedBy: ["IamRole managed policy"] },
      { kind: "policy", name: "arn:aws:iam::123456789012:policy/team", usedBy: ["IamRole managed policy"] },
      { kind: "policy", name: "arn:aws:iam::123456789012:policy/boundary", usedBy: ["IamRole permissions boundary"] },
      { kind: "secret", name: "other", usedBy: ["EventsRule environment variable S"] },
    ]);
  });

  it("skips an ARN it cannot resolve (no context)", () => {
    expect(templateReferences(TEMPLATE).filter((r) => r.kind === "policy").map((r) => r.name)).not.toContain("arn:aws:iam::aws:policy/ReadOnlyAccess");
  });

  it("finds the demo example's parameter", () => {
    const template = parseTemplateBody(readFileSync(join(GOLDEN_DIR, "demo.yaml"), "utf8"));
    expect(templateReferences(template, CONTEXT)).toEqual([{ kind: "parameter", name: "/demo/api-token", usedBy: ["CodeBuild environment variable API_TOKEN"] }]);
  });

  it("normalizes names", () => {
    expect(parameterName("arn:aws:ssm:us-east-1:1:parameter/a/b")).toBe("/a/b");
    expect(parameterName("plain")).toBe("plain");
    expect(secretId("name:key:AWSCURRENT:")).toBe("name");
    expect(roleName("arn:aws:iam::1:role/path/r")).toBe("r");
    expect(roleName("r")).toBe("r");
  });
});

describe("checkReferences", () => {
  const ssm = mockClient(SSMClient);
  const secrets = mockClient(SecretsManagerClient);
  const iam = mockClient(IAMClient);
  afterEach(() => {
    ssm.reset();
    secrets.reset();
    iam.reset();
  });

  it("lists missing ones by name and where used, asking for names only", async () => {
    ssm.on(DescribeParametersCommand).resolves({ Parameters: [{ Name: "/demo/token" }] });
    secrets.on(DescribeSecretCommand).resolves({ Name: "x" });
    secrets.on(DescribeSecretCommand, { SecretId: "prod/db" }).rejects(new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }));
    iam.on(GetPolicyCommand).resolves({});
    iam.on(GetPolicyCommand, { PolicyArn: "arn:aws:iam::123456789012:policy/team" }).rejects(new NoSuchEntityException({ message: "Policy does not exist", $metadata: {} }));
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: "The role cannot be found", $metadata: {} }));
    const api = await createReferences({ region: "us-east-1" });
    const check = await checkReferences(api, templateReferences(TEMPLATE, CONTEXT));
    expect(check.missing.map((r) => r.name)).toEqual(["prod/db", "build-role", "arn:aws:iam::123456789012:policy/team"]);
    expect(check.unchecked).toEqual([]);
    expect(ssm.commandCalls(DescribeParametersCommand)[0].args[0].input).toEqual({ ParameterFilters: [{ Key: "Name", Option: "Equals", Values: ["/demo/token"] }] });
    expect(formatMissing(check)).toEqual([
      "  secret prod/db does not exist (used by CodeBuild environment variable DB)",
      "  role build-role does not exist (used by CodeBuild service role)",
      "  policy arn:aws:iam::123456789012:policy/team does not exist (used by IamRole managed policy)",
    ]);
  });

  it("a parameter DescribeParameters does not return is missing; pages are followed; batches of 50", async () => {
    const refs = Array.from({ length: 51 }, (_, i) => ({ kind: "parameter" as const, name: `/p/${i}`, usedBy: ["x"] }));
    ssm.on(DescribeParametersCommand).callsFake((input: { NextToken?: string; ParameterFilters: Array<{ Values: string[] }> }) => {
      const names = input.ParameterFilters[0].Values.filter((n) => n !== "/p/7");
      if (!input.NextToken) return { Parameters: names.slice(0, 10).map((Name) => ({ Name })), NextToken: "t" };
      return { Parameters: names.slice(10).map((Name) => ({ Name })) };
    });
    const check = await checkReferences(await createReferences({ region: "us-east-1" }), refs);
    expect(check.missing.map((r) => r.name)).toEqual(["/p/7"]);
    expect(check.found).toHaveLength(50);
    expect(ssm.commandCalls(DescribeParametersCommand).map((c) => c.args[0].input.ParameterFilters?.[0].Values?.length)).toEqual([50, 50, 1, 1]);
  });

  it("an access-denied check is 'could not check', not missing", async () => {
    const denied = Object.assign(new Error("User: x is not authorized to perform: secretsmanager:DescribeSecret"), { name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    secrets.on(DescribeSecretCommand).rejects(denied);
    const check = await checkReferences(await createReferences({ region: "us-east-1" }), [{ kind: "secret", name: "s", usedBy: ["CodeBuild environment variable S"] }]);
    expect(check.missing).toEqual([]);
    expect(formatMissing(check)).toEqual(["  secret s could not be checked: access denied: your AWS identity may not call secretsmanager:DescribeSecret."]);
  });
});

describe("templateReferences: dynamic references", () => {
  it("finds the parameters and secrets of {{resolve:...}} strings, leaving out ARNs and names still holding ${...}", () => {
    const template = {
      Resources: {
        CodeBuild: {
          Type: "AWS::CodeBuild::Project",
          Properties: {
            Description: "{{resolve:ssm:/ci/description:2}} {{resolve:ssm:arn:aws:ssm:us-east-1:444455556666:parameter/shared}}",
            Source: { Auth: { Type: "OAUTH", Resource: "{{resolve:secretsmanager:ci/github:SecretString:token}}" } },
            Tags: [{ Key: "k", Value: { "Fn::Sub": "{{resolve:ssm:/${AWS::StackName}/x}}" } }],
          },
        },
      },
    };
    expect(templateReferences(template, CONTEXT)).toEqual([
      { kind: "parameter", name: "/ci/description", usedBy: ["CodeBuild dynamic reference"] },
      { kind: "secret", name: "ci/github", usedBy: ["CodeBuild dynamic reference"] },
    ]);
  });
});
