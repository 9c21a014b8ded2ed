// The template as a whole (docs/architecture.md#template): header, outputs, stack tags, deterministic bytes, YAML that
// CloudFormation reads as intended, and the 51,200-byte inline limit.
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isConfigError } from "../../src/errors";
import { checkTemplateSize, serializeTemplate, TEMPLATE_BODY_LIMIT } from "../../src/synth/serialize";
import type { Template } from "../../src/synth/template";
import {
  BUILDSPEC_YML,
  configErrorFrom,
  configErrorOf,
  minimalProject,
  projectTs,
  propertiesOf,
  rejectionOf,
  removeProjects,
  synthFor,
  synthResultFor,
  type ProjectFiles,
} from "../_helpers/project";

afterAll(removeProjects);

/** A project using most keys, so determinism covers every generator. */
const RICH: ProjectFiles = minimalProject(`
  gitBranch: "main",
  description: "everything",
  linuxImage: "aws/codebuild/standard:7.0",
  computeType: "BUILD_GENERAL1_MEDIUM",
  privileged: true,
  environmentVariables: { Z_LAST: "z", A_FIRST: "a", KEY: ssm("/api/key"), PW: secret("prod/db:password"), N: 1 },
  localCache: true,
  triggers: { webhook: true, filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]] },
  vpcConfig: { vpcId: "vpc-1", subnets: ["subnet-b", "subnet-a"], securityGroupIds: ["sg-1"] },
  timeoutInMinutes: 30,
  tags: { b: "2", a: "1" },
  logRetentionDays: 14,
  role: { iamPolicy: ["s3:GetObject"], managedIamPolicy: ["ReadOnlyAccess"] },
  schedule: { cron: "0 10 * * ? *", input: { environmentVariables: { MODE: "nightly" } } },
  properties: { ConcurrentBuildLimit: 2 },`);

describe("header", () => {
  it("AWSTemplateFormatVersion and a Description naming project and env", async () => {
    const template = await synthFor(minimalProject());
    expect(template.AWSTemplateFormatVersion).toBe("2010-09-09");
    expect(template.Description).toBe("CodeBuild project demo, env development: managed by cody");
  });

  it("the Description names the type when there is one", async () => {
    const template = await synthFor(
      {
        ".cody/unit/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`),
        ".cody/unit/buildspec.yml": BUILDSPEC_YML,
      },
      { type: "unit", env: "production" },
    );
    expect(template.Description).toBe("CodeBuild project demo-unit (type unit), env production: managed by cody");
  });

  it("keeps cody's logical IDs", async () => {
    const template = await synthFor(minimalProject(`schedule: { rate: "1 day" },`));
    expect(Object.keys(template.Resources).sort()).toEqual(["CodeBuild", "EventsRule", "EventsRuleRole", "IamRole"]);
    expect(template.Resources.CodeBuild?.Type).toBe("AWS::CodeBuild::Project");
    expect(propertiesOf(template, "CodeBuild").Name).toBe("demo");
  });
});

describe("Outputs", () => {
  it("project name and ARN, and the role ARN with a generated role", async () => {
    const template = await synthFor(minimalProject());
    expect(template.Outputs).toEqual({
      ProjectName: { Description: "CodeBuild project name", Value: { Ref: "CodeBuild" } },
      ProjectArn: { Description: "CodeBuild project ARN", Value: { "Fn::GetAtt": ["CodeBuild", "Arn"] } },
      RoleArn: { Description: "CodeBuild service role ARN", Value: { "Fn::GetAtt": ["IamRole", "Arn"] } },
    });
  });

  it("no RoleArn with an existing serviceRole", async () => {
    const template = await synthFor(minimalProject(`serviceRole: "arn:aws:iam::123456789012:role/existing",`));
    expect(Object.keys(template.Outputs).sort()).toEqual(["ProjectArn", "ProjectName"]);
  });

  it("ScheduleName for a rule", async () => {
    const template = await synthFor(minimalProject(`schedule: { rate: "1 day" },`));
    expect(template.Outputs.ScheduleName).toMatchObject({ Value: { Ref: "EventsRule" } });
  });

  it("ScheduleName for a scheduler schedule", async () => {
    const template = await synthFor(minimalProject(`schedule: { rate: "1 day", engine: "scheduler" },`));
    expect(template.Outputs.ScheduleName).toMatchObject({ Value: { Ref: "Schedule" } });
  });

  it("LogGroupName with a managed log group", async () => {
    const template = await synthFor(minimalProject(`logRetentionDays: 7,`));
    expect(template.Outputs.LogGroupName).toMatchObject({ Value: { Ref: "LogGroup" } });
    expect((await synthFor(minimalProject())).Outputs).not.toHaveProperty("LogGroupName");
  });

  it("every output refers to a resource in the template", async () => {
    const template = await synthFor(RICH);
    for (const output of Object.values(template.Outputs)) {
      const value = output.Value as { Ref?: string; "Fn::GetAtt"?: [string, string] };
      const id = value.Ref ?? value["Fn::GetAtt"]?.[0];
      expect(template.Resources).toHaveProperty(id!);
    }
  });
});

describe("stack tags", () => {
  it("tool, project and env; no type without --type", async () => {
    const { stackTags } = await synthResultFor(minimalProject());
    expect(stackTags).toEqual({ "cody:tool": "codybuild", "cody:project": "demo", "cody:env": "development" });
  });

  it("type when given, and the resolved env", async () => {
    const { stackTags, stackName } = await synthResultFor(
      {
        ".cody/unit/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`),
        ".cody/unit/buildspec.yml": BUILDSPEC_YML,
      },
      { type: "unit", environment: { CODY_ENV: "staging" } },
    );
    expect(stackTags).toEqual({ "cody:tool": "codybuild", "cody:project": "demo", "cody:type": "unit", "cody:env": "staging" });
    expect(stackName).toBe("demo-unit-cody");
  });
});

describe("determinism", () => {
  it("the same input gives identical YAML and JSON bytes, wherever the project lives", async () => {
    const a = await synthFor(RICH);
    const b = await synthFor(RICH); // a different temp dir
    expect(serializeTemplate(b, "yaml")).toBe(serializeTemplate(a, "yaml"));
    expect(serializeTemplate(b, "json")).toBe(serializeTemplate(a, "json"));
    // no absolute path of the machine leaks into the template
    expect(serializeTemplate(a, "json")).not.toContain("cody-test-");
  });

  it("YAML and JSON are the same object", async () => {
    const template = await synthFor(RICH);
    const fromYaml: unknown = parse(serializeTemplate(template, "yaml"));
    const fromJson: unknown = JSON.parse(serializeTemplate(template, "json"));
    expect(fromYaml).toEqual(fromJson);
    expect(fromJson).toEqual(JSON.parse(JSON.stringify(template)));
  });

  it("both forms end with one newline", async () => {
    const template = await synthFor(minimalProject());
    expect(serializeTemplate(template, "yaml")).toMatch(/[^\n]\n$/);
    expect(serializeTemplate(template, "json")).toMatch(/[^\n]\n$/);
  });
});

describe("YAML output", () => {
  it('quotes date-like strings such as "2012-10-17" so no YAML reader makes them dates', async () => {
    const yaml = serializeTemplate(await synthFor(RICH), "yaml");
    expect(yaml).toMatch(/^AWSTemplateFormatVersion: ["']2010-09-09["']$/m);
    expect(yaml).toMatch(/^\s+Version: ["']2012-10-17["']$/m);
    expect(yaml).not.toMatch(/Version: 2012-10-17/);
    // a YAML 1.1 reader (timestamps) still gets the strings back
    const doc = parse(yaml, { version: "1.1" }) as { AWSTemplateFormatVersion: unknown };
    expect(doc.AWSTemplateFormatVersion).toBe("2010-09-09");
  });

  it("has no anchors or aliases even when the DSL shares objects", async () => {
    const files = minimalProject(`properties: { SecondarySourceVersions: [SOURCE, SOURCE] },`);
    files[".cody/project.ts"] = files[".cody/project.ts"]!.replace(
      "export default",
      `const SOURCE = { SourceIdentifier: "lib", SourceVersion: "main" };\n\nexport default`,
    );
    const template = await synthFor(files);
    // the object really is shared in the template object...
    const versions = propertiesOf(template, "CodeBuild").SecondarySourceVersions as unknown[];
    expect(versions[0]).toBe(versions[1]);
    // ...and still spelled out in the YAML
    const yaml = serializeTemplate(template, "yaml");
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(yaml.match(/SourceIdentifier: lib/g)).toHaveLength(2);
    expect(parse(yaml)).toEqual(JSON.parse(serializeTemplate(template, "json")));
  });

  it("has no anchors when template objects are shared", () => {
    const shared = { Key: "team", Value: "platform" };
    const template: Template = {
      AWSTemplateFormatVersion: "2010-09-09",
      Description: "shared",
      Resources: {
        A: { Type: "AWS::SNS::Topic", Properties: { Tags: [shared] } },
        B: { Type: "AWS::SNS::Topic", Properties: { Tags: [shared] } },
      },
      Outputs: {},
    };
    const yaml = serializeTemplate(template, "yaml");
    expect(yaml).not.toMatch(/[&*]a\d/);
    expect(yaml.match(/Key: team/g)).toHaveLength(2);
  });

  // Was a bug (fixed): an inline buildspec is turned into YAML by project-resource.ts with the yaml library's
  // default aliasDuplicateObjects, so a buildspec whose phases share an object (a common way to
  // reuse a command list in TypeScript) gets `&a1` / `*a1` in Source.BuildSpec, unlike the template
  // itself, which serialize.ts spells out.
  it("an inline buildspec with shared objects has no anchors either", async () => {
    const files = minimalProject(`buildspec: { version: 0.2, phases: { install: STEP, build: STEP } },`);
    files[".cody/project.ts"] = files[".cody/project.ts"]!.replace(
      "export default",
      `const STEP = { commands: ["npm ci"] };\n\nexport default`,
    );
    const spec = (propertiesOf(await synthFor(files), "CodeBuild").Source as { BuildSpec: string }).BuildSpec;
    expect(parse(spec)).toEqual({ version: 0.2, phases: { install: { commands: ["npm ci"] }, build: { commands: ["npm ci"] } } });
    expect(spec).not.toMatch(/[&*]a\d/);
  });

  it("strings YAML 1.1 would read as other types stay strings", async () => {
    const values = ["yes", "on", "y", "null", "~", "0x10", "1e3", "010", "1_000", "1:20", "2001-01-01", ".inf"];
    const vars = Object.fromEntries(values.map((v, i) => [`V${i}`, v]));
    const yaml = serializeTemplate(await synthFor(minimalProject(`environmentVariables: ${JSON.stringify(vars)},`)), "yaml");
    for (const version of ["1.1", "1.2"] as const) {
      const doc = parse(yaml, { version }) as { Resources: { CodeBuild: { Properties: { Environment: { EnvironmentVariables: Array<{ Value: unknown }> } } } } };
      expect(doc.Resources.CodeBuild.Properties.Environment.EnvironmentVariables.map((v) => v.Value)).toEqual(values);
    }
  });

  // Was a bug (fixed): serialize.ts leaves a value of exactly "=" or "<<" unquoted. YAML 1.1 gives those plain
  // scalars the special `value` and `merge` tags, and PyYAML-based readers (cfn-lint, whose zero
  // errors docs/architecture.md#template requires) refuse the template: "could not determine a constructor for the
  // tag 'tag:yaml.org,2002:value'" (checked with cfn-lint on a one-resource template).
  it('values "=" and "<<" are quoted', async () => {
    const yaml = serializeTemplate(
      await synthFor(minimalProject(`environmentVariables: { EQ: "=", MERGE: "<<" }, tags: { eq: "=" },`)),
      "yaml",
    );
    expect(yaml).not.toMatch(/[:-] (=|<<)$/m);
  });

  it("long strings are not folded", async () => {
    const long = `echo ${"x".repeat(300)}`;
    const template = await synthFor(minimalProject(`environmentVariables: { LONG: "${long}" },`));
    const yaml = serializeTemplate(template, "yaml");
    expect(yaml).toContain(long);
  });
});

describe("template size", () => {
  it("a template over 51,200 bytes is a ConfigError naming the limit", () => {
    expect(TEMPLATE_BODY_LIMIT).toBe(51_200);
    const issue = configErrorFrom(() => checkTemplateSize("x".repeat(TEMPLATE_BODY_LIMIT + 1))).issues[0]!;
    expect(issue.field).toBe("template");
    expect(issue.message).toContain("51,201 bytes");
    expect(issue.message).toContain("51,200");
    expect(issue.fix).toBeTruthy();
  });

  it("exactly 51,200 bytes is accepted", () => {
    expect(() => checkTemplateSize("x".repeat(TEMPLATE_BODY_LIMIT))).not.toThrow();
  });

  it("counts bytes, not characters", () => {
    // 25,601 two-byte characters: fewer characters than the limit, more bytes
    expect(() => checkTemplateSize("é".repeat(25_601))).toThrow(/51,202 bytes/);
  });

  it("a project whose template is too big is caught after serialization", async () => {
    // 600 variables of ~100 bytes: each key is valid on its own, only the whole is too big
    const template = await synthFor(
      minimalProject(`environmentVariables: Object.fromEntries(Array.from({ length: 600 }, (_, i) => ["V" + i, "x".repeat(100)])),`),
    );
    const body = serializeTemplate(template, "yaml");
    expect(Buffer.byteLength(body)).toBeGreaterThan(TEMPLATE_BODY_LIMIT);
    const error = await rejectionOf(Promise.resolve().then(() => checkTemplateSize(body)));
    expect(isConfigError(error)).toBe(true);
  });

  it("an inline buildspec too big for any template is refused when the project loads", async () => {
    const commands = Array.from({ length: 600 }, (_, i) => `echo step ${i} ${"-".repeat(80)}`);
    const error = await configErrorOf(
      synthFor(minimalProject(`buildspec: { version: 0.2, phases: { build: { commands: ${JSON.stringify(commands)} } } },`)),
    );
    expect(error.issues[0]).toMatchObject({ field: "buildspec" });
    expect(error.issues[0]!.message).toContain("51,200");
  });
});
