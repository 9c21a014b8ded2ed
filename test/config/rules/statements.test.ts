// iamPolicy written as AWS writes it (issue 8 item 1): IAM's own keys, whole policy documents (pasted or
// imported from JSON), and the same checks whichever spelling, each reported at the key that is wrong.
import { afterAll, describe, expect, it } from "vitest";
import { readIamPolicy, resourceProblem } from "../../../src/config/rules/statements";
import type { Issue } from "../../../src/errors";
import { configErrorOf, minimalProject, propertiesOf, removeProjects, roleStatements, synthFor, type ProjectFiles } from "../../_helpers/project";

afterAll(removeProjects);

const withRole = (role: string, files: ProjectFiles = {}): ProjectFiles =>
  minimalProject("", { ".cody/role.ts": `import { defineRole } from "codybuild";\n\nexport default defineRole(${role});\n`, ...files });

/** The user's statements (after cody's default WriteBuildLogs). */
const userStatements = async (role: string, files?: ProjectFiles) => roleStatements(await synthFor(withRole(role, files))).slice(1);
const issuesOf = async (role: string, files?: ProjectFiles): Promise<Issue[]> => (await configErrorOf(synthFor(withRole(role, files)))).issues;

describe("IAM's own keys", () => {
  it("a PascalCase statement is emitted as written, like the camelCase one", async () => {
    const pascal = await userStatements(`{ iamPolicy: [{ Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme/*", Condition: { Bool: { "aws:SecureTransport": "true" } } }] }`);
    const camel = await userStatements(`{ iamPolicy: [{ sid: "Read", effect: "Allow", action: ["s3:GetObject"], resource: "arn:aws:s3:::acme/*", condition: { Bool: { "aws:SecureTransport": "true" } } }] }`);
    expect(pascal).toEqual([
      { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::acme/*", Condition: { Bool: { "aws:SecureTransport": "true" } } },
    ]);
    expect(camel).toEqual(pascal);
  });

  it("NotAction/NotResource and Deny in IAM's keys; Effect defaults to Allow", async () => {
    expect(await userStatements(`{ iamPolicy: [{ Effect: "Deny", NotAction: "s3:GetObject", NotResource: ["arn:aws:s3:::acme/*"] }, { Action: "sqs:SendMessage", Resource: "*" }] }`)).toEqual([
      { Effect: "Deny", NotAction: "s3:GetObject", NotResource: ["arn:aws:s3:::acme/*"] },
      { Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" },
    ]);
  });

  it("a resource may be an intrinsic CloudFormation resolves", async () => {
    const [statement] = await userStatements(`{ iamPolicy: [{ Action: "sqs:SendMessage", Resource: { "Fn::Sub": "arn:\${AWS::Partition}:sqs:\${AWS::Region}:\${AWS::AccountId}:jobs" } }] }`);
    expect(statement!.Resource).toEqual({ "Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:jobs" });
  });
});

describe("policy documents", () => {
  const doc = `{ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:builds" }, { Sid: "Queue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:us-east-1:123456789012:jobs" }] }`;

  it("a pasted document's statements are appended where the document stands", async () => {
    expect(await userStatements(`{ iamPolicy: ["s3:GetObject", ${doc}, { action: "ecr:GetAuthorizationToken", resource: "*" }] }`)).toEqual([
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
      { Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:builds" },
      { Sid: "Queue", Effect: "Allow", Action: ["sqs:SendMessage"], Resource: "arn:aws:sqs:us-east-1:123456789012:jobs" },
      { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
    ]);
  });

  it("a document imported from a JSON file loads (import policy from \"./policy.json\")", async () => {
    const files = {
      ".cody/policy.json": JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:builds" } }, null, 2),
    };
    const role = `{ iamPolicy: [policy] }`;
    const template = await synthFor(
      minimalProject("", { ".cody/role.ts": `import { defineRole } from "codybuild";\nimport policy from "./policy.json";\n\nexport default defineRole(${role});\n`, ...files }),
    );
    expect(roleStatements(template).slice(1)).toEqual([{ Effect: "Allow", Action: "sns:Publish", Resource: "arn:aws:sns:us-east-1:123456789012:builds" }]);
  });

  it("a document's mistakes are reported inside it: unknown keys, bad Version, a typo in a statement", async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ Version: "2012-10-18", Statment: [], Statement: [{ Effect: "Allow", Action: "sns:Publish", Resourse: "*" }] }] }`);
    expect(issues.map((i) => i.field)).toEqual(
      expect.arrayContaining(["iamPolicy[0].Version", "iamPolicy[0].Statment", "iamPolicy[0].Statement[0].Resourse"]),
    );
    expect(issues.find((i) => i.field === "iamPolicy[0].Statment")?.message).toContain('Did you mean "Statement"?');
    expect(issues.find((i) => i.field === "iamPolicy[0].Statement[0].Resourse")?.fix).toBe('Rename "Resourse" to "Resource".');
  });

  it("an empty Statement list is an error", async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ Version: "2012-10-17", Statement: [] }] }`);
    expect(issues[0]).toMatchObject({ field: "iamPolicy[0].Statement", message: expect.stringContaining("grants nothing") });
  });
});

describe("the same checks either way", () => {
  it("mixing spellings in one statement names both keys", async () => {
    const [same] = await issuesOf(`{ iamPolicy: [{ effect: "Allow", Effect: "Allow", action: "s3:GetObject", resource: "*" }] }`);
    expect(same).toMatchObject({ field: "iamPolicy[0].Effect", message: '"effect" and "Effect" are the same key written two ways.' });
    const [mixed] = await issuesOf(`{ iamPolicy: [{ Effect: "Allow", Action: "s3:GetObject", resource: "*" }] }`);
    expect(mixed!.message).toContain('("resource" and "Effect")');
    expect(mixed!.fix).toBe("Write all its keys one way: resource → Resource.");
  });

  it('Effect "allow" says what is wrong (not "expected a service shorthand")', async () => {
    for (const role of [`{ iamPolicy: [{ effect: "allow", action: "s3:GetObject", resource: "*" }] }`, `{ iamPolicy: [{ Effect: "allow", Action: "s3:GetObject", Resource: "*" }] }`]) {
      const [issue] = await issuesOf(role);
      expect(issue!.message).toContain('"allow" is not an Effect: IAM\'s Effect is case-sensitive and must be exactly "Allow" or "Deny"');
      expect(issue!.message).not.toContain("service shorthand");
      expect(issue!.fix).toMatch(/^Write (effect|Effect): "Allow"\.$/);
    }
  });

  it("Sid: letters and digits only, with a corrected one", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ Sid: "read-cache objects", Action: "s3:GetObject", Resource: "*" }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].Sid", fix: 'Write Sid: "ReadCacheObjects".' });
  });

  it("Sids must be unique in the policy, cody's default ones included", async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ Sid: "WriteBuildLogs", Action: "s3:GetObject", Resource: "*" }, { Sid: "A", Action: "s3:GetObject", Resource: "*" }, { sid: "A", action: "s3:PutObject", resource: "*" }] }`);
    expect(issues.map((i) => [i.field, i.message.split(";")[0]])).toEqual([
      ["iamPolicy[0].Sid", `Sid "WriteBuildLogs" is already used by cody's default statements`],
      ["iamPolicy[2].sid", `Sid "A" is already used by iamPolicy[1].Sid`],
    ]);
  });

  it("empty Action and Resource lists are errors", async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ Action: [], Resource: [] }] }`);
    expect(issues.map((i) => i.field)).toEqual(["iamPolicy[0].Action", "iamPolicy[0].Resource"]);
    expect(issues[0]!.message).toContain("empty list");
  });

  it("a number as a Resource is an error naming the field", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ Action: "s3:GetObject", Resource: ["arn:aws:s3:::a/*", 42] }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].Resource[1]", message: 'expected an ARN (a string) or "*"; got number 42.' });
  });

  it("a resource that is not an ARN is an error", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ action: "s3:GetObject", resource: "my-bucket/*" }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].resource", message: expect.stringContaining("is not an ARN") });
  });

  it("unknown actions get a did-you-mean in IAM's spelling too", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ Effect: "Allow", Action: ["s3:GetObjct"], Resource: "*" }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].Action[0]", fix: 'Write "s3:GetObject".' });
  });

  it("condition operators must be IAM's, with a did-you-mean", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ Action: "s3:GetObject", Resource: "*", Condition: { StringEqual: { "aws:SourceVpc": "vpc-1" } } }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].Condition.StringEqual", fix: 'Rename it to "StringEquals".' });
    expect(await userStatements(`{ iamPolicy: [{ Action: "s3:GetObject", Resource: "*", Condition: { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*"] } } }] }`)).toHaveLength(1);
  });

  it("Action and NotAction together, or neither, are errors in the statement's own spelling", async () => {
    const both = await issuesOf(`{ iamPolicy: [{ action: "s3:GetObject", notAction: "s3:PutObject", resource: "*" }] }`);
    expect(both[0]).toMatchObject({ field: "iamPolicy[0].notAction", message: "a statement takes action or notAction, not both." });
    const neither = await issuesOf(`{ iamPolicy: [{ Resource: "*" }] }`);
    expect(neither[0]).toMatchObject({ field: "iamPolicy[0]", message: "a statement needs Action (or NotAction).", fix: 'Add Action: ["service:Action"].' });
  });

  it("a Principal is refused: the role is the principal", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "*" }] }`);
    expect(issue).toMatchObject({ field: "iamPolicy[0].Principal", message: expect.stringContaining("take no Principal") });
  });

  it("an entry that is neither a string nor an object says what each form looks like", async () => {
    const [issue] = await issuesOf(`{ iamPolicy: [42] }`);
    expect(issue!.message).toContain("got number 42");
    expect(issue!.message).toContain("policy document");
  });
});

describe("readIamPolicy (pure)", () => {
  it("keeps where each statement was written and how its keys were spelt", () => {
    const { statements, problems } = readIamPolicy(["s3", { action: "sqs:SendMessage", resource: "*" }, { Statement: [{ Action: "sns:Publish", Resource: "*" }] }]);
    expect(problems).toEqual([]);
    expect(statements.map((s) => [s.path, s.keys.Action ?? null, s.shorthand ?? null])).toEqual([
      [["iamPolicy", 0], null, "s3"],
      [["iamPolicy", 1], "action", null],
      [["iamPolicy", 2, "Statement", 0], "Action", null],
    ]);
  });

  it("resourceProblem accepts *, ARNs with wildcards and policy variables", () => {
    for (const ok of ["*", "arn:aws:s3:::b/*", "arn:aws-cn:logs:*:*:*", "arn:aws:s3:::b/${aws:username}/*"]) expect(resourceProblem(ok), ok).toBeUndefined();
    for (const bad of ["bucket", "arn:aws:s3", "arn:amazon:s3:::b", ""]) expect(resourceProblem(bad), bad).toBeDefined();
  });
});

describe("role.properties.Policies", () => {
  it("are added next to cody's policy, which keeps its default statements", async () => {
    const extra = { PolicyName: "Extra", PolicyDocument: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: "*" }] } };
    const role = propertiesOf(await synthFor(withRole(`{ properties: { Policies: [${JSON.stringify(extra)}] } }`, {})), "IamRole");
    const policies = role.Policies as Array<{ PolicyName: string; PolicyDocument: { Statement: Array<{ Sid?: string }> } }>;
    expect(policies.map((p) => p.PolicyName)).toEqual(["CodeBuildAccess", "Extra"]);
    expect(policies[0]!.PolicyDocument.Statement.map((s) => s.Sid)).toEqual(["WriteBuildLogs"]);
    expect(policies[1]).toEqual(extra);
  });

  it("with replaceDefaults and no iamPolicy, only the raw ones remain", async () => {
    const role = propertiesOf(await synthFor(withRole(`{ replaceDefaults: true, properties: { Policies: [{ PolicyName: "Only", PolicyDocument: { Statement: [] } }] } }`)), "IamRole");
    expect((role.Policies as Array<{ PolicyName: string }>).map((p) => p.PolicyName)).toEqual(["Only"]);
  });

  it("a raw policy named CodeBuildAccess, or one that is not a list, is an error", async () => {
    const [named] = await issuesOf(`{ properties: { Policies: [{ PolicyName: "CodeBuildAccess", PolicyDocument: {} }] } }`);
    expect(named).toMatchObject({ field: "properties.Policies[0].PolicyName", fix: expect.stringContaining("replaceDefaults") });
    const [notList] = await issuesOf(`{ properties: { Policies: { PolicyName: "x" } } }`);
    expect(notList).toMatchObject({ field: "properties.Policies" });
  });
});

describe("edge cases", () => {
  it("keys that exist on every object (constructor, toString) are unknown keys, not statement keys", async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ action: "s3:GetObject", resource: "*", constructor: "x" }] }`);
    expect(issues.map((i) => i.field)).toEqual(["iamPolicy[0].constructor"]);
  });

  it('a misspelt Statement is reported once, as the unknown key', async () => {
    const issues = await issuesOf(`{ iamPolicy: [{ Version: "2012-10-17", Statment: [{ Effect: "Allow", Action: "sns:Publish", Resource: "*" }] }] }`);
    expect(issues.map((i) => i.field)).toEqual(["iamPolicy[0].Statment"]);
  });
});
