// input-rules.ts: values that pass the schemas but that CloudFormation or CodeBuild would reject,
// caught at load time with the file, the field and the line. Each rule is tested on the smallest
// project that trips it, and on the nearest value that must pass (so no rule rejects good input).
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { certificateProblem, codyStackTagKeys, imageProblem, MAX_TAGS, sourceVersionProblem, valueLine } from "../../../src/config/rules/input-rules";
import { eventPatternProblem, globToRegex, regexPatternProblem, WEBHOOK_EVENTS } from "../../../src/config/rules/webhook-patterns";
import { synthesize } from "../../../src/synth/template";
import { configErrorOf, loadAt, minimalProject, removeProjects, writeProject, BUILDSPEC_YML } from "../../_helpers/project";

afterAll(removeProjects);

async function issuesOf(extra: string, files: Record<string, string> = {}, options: { type?: string } = {}) {
  const error = await configErrorOf(loadAt(writeProject(minimalProject(extra, files)), options));
  return error.issues;
}

async function loads(extra: string, files: Record<string, string> = {}) {
  return loadAt(writeProject(minimalProject(extra, files)));
}

const filter = (type: string, pattern: string) =>
  `triggers: { filterGroups: [[{ type: "EVENT", pattern: "PUSH" }, { type: "${type}", pattern: ${JSON.stringify(pattern)} }]] },`;

describe("webhook filter patterns", () => {
  it("an invalid regular expression is reported with V8's reason, the field and the line", async () => {
    const [issue, ...rest] = await issuesOf(filter("HEAD_REF", "^refs/heads/(main"));
    expect(rest).toEqual([]);
    expect(issue).toMatchObject({ field: "triggers.filterGroups[0][1].pattern", line: 5 });
    expect(issue!.message).toBe('"^refs/heads/(main" is not a valid regular expression (unterminated group); HEAD_REF filter patterns are regular expressions.');
  });

  it.each([
    ["*.md", "nothing to repeat"],
    ["[z-a]", "range out of order in character class"],
    ["main)", "unmatched ')'"],
    ["release/[0-9", "unterminated character class"],
    ["x{3,1}", "numbers out of order in {} quantifier"],
    ["trailing\\", "\\ at end of pattern"],
  ])("%s: %s", (pattern, reason) => {
    expect(regexPatternProblem(pattern, "FILE_PATH")?.message).toContain(`(${reason})`);
  });

  it.each([
    "^refs/heads/main$",
    "^refs/tags/v[0-9]+\\.[0-9]+\\.[0-9]+$",
    "^src/.+|^test/.+",
    "\\[skip ci\\]",
    // Java syntax CodeBuild accepts and JavaScript does not: never reported.
    "(?i)^refs/heads/release",
    "(?i:main|master)",
    "(?>ab|a)c",
    "^docs/.*+$",
    "^(?<branch>feature/.+)$",
  ])("valid: %s", (pattern) => {
    expect(regexPatternProblem(pattern, "HEAD_REF")).toBeUndefined();
  });

  it("a glob gets the regular expression it meant", () => {
    expect(globToRegex("*.md")).toBe("(^|/)[^/]*\\.md$");
    expect(globToRegex("docs/**")).toBe("^docs/.*$");
    expect(globToRegex("**/*.ts")).toBe("^(.*/)?[^/]*\\.ts$");
    expect(globToRegex("src/?.js")).toBe("^src/.\\.js$");
    // The suggestions are themselves valid and match what the glob meant.
    expect(new RegExp(globToRegex("**/*.ts")).test("src/config/a.ts")).toBe(true);
    expect(new RegExp(globToRegex("*.md")).test("docs/a.md")).toBe(true);
    expect(new RegExp(globToRegex("*.md")).test("docs/a.mdx")).toBe(false);
    expect(new RegExp(globToRegex("src/*.ts")).test("src/lib/a.ts")).toBe(false);
    expect(regexPatternProblem("docs/**", "FILE_PATH")?.fix).toBe('Write it as a regular expression, e.g. pattern: "^docs/.*$".');
  });

  it("EVENT patterns are lists of CodeBuild's event names, with did-you-mean", () => {
    expect(eventPatternProblem("PUSH, PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED")).toBeUndefined();
    for (const event of WEBHOOK_EVENTS) expect(eventPatternProblem(event)).toBeUndefined();
    expect(eventPatternProblem("push")).toMatchObject({ fix: 'Write pattern: "PUSH" (event names are upper case).' });
    expect(eventPatternProblem("PUSH,PULL_REQUEST_MERGD")?.message).toContain('Did you mean "PULL_REQUEST_MERGED"?');
    expect(eventPatternProblem("PUSH,")?.message).toContain("empty event name");
    expect(eventPatternProblem("refs/heads/main")?.fix).toContain("HEAD_REF");
  });

  it("the line of the second filter with the same pattern text is the filter's own", async () => {
    const source = 'triggers: {\n  filterGroups: [\n    [{ type: "EVENT", pattern: "PUSH" }],\n    [{ type: "EVENT", pattern: "push" }],\n  ],\n}';
    expect(valueLine(source, "filterGroups", "push")).toBe(4);
    expect(valueLine(source, "filterGroups", "^x\\.y$")).toBeUndefined();
    expect(valueLine('filterGroups: [["^x\\\\.y$"]]', "filterGroups", "^x\\.y$")).toBe(1);
  });
});

describe("VPC ids", () => {
  const vpc = (vpcId: string, subnets: string[], groups: string[]) =>
    `vpcConfig: { vpcId: "${vpcId}", subnets: ${JSON.stringify(subnets)}, securityGroupIds: ${JSON.stringify(groups)} },`;

  it("a security group among the subnets, and a subnet among the security groups", async () => {
    const issues = await issuesOf(vpc("vpc-0a1b2c3d", ["subnet-0a1b2c3d", "sg-0a1b2c3d"], ["subnet-0fedcba9"]));
    expect(issues.map((i) => [i.field, i.message])).toEqual([
      ["vpcConfig.subnets[1]", '"sg-0a1b2c3d" is a security group ID, not a subnet ID.'],
      ["vpcConfig.securityGroupIds[0]", '"subnet-0fedcba9" is a subnet ID, not a security group ID.'],
    ]);
    expect(issues[0]!.fix).toContain("vpcConfig.securityGroupIds");
  });

  it("names instead of ids, and CodeBuild's list limits", async () => {
    const subnets = Array.from({ length: 17 }, (_, i) => `subnet-${String(i).padStart(8, "0")}`);
    const groups = Array.from({ length: 6 }, (_, i) => `sg-${String(i).padStart(8, "0")}`);
    const issues = await issuesOf(vpc("main-vpc", subnets, groups));
    expect(issues.map((i) => i.field)).toEqual(["vpcConfig.vpcId", "vpcConfig.subnets", "vpcConfig.securityGroupIds"]);
    expect(issues[0]!.message).toBe('"main-vpc" is not a VPC ID: VPC IDs start with "vpc-".');
    expect(issues[1]!.message).toContain("at most 16 subnets; this lists 17");
    expect(issues[2]!.message).toContain("at most 5 security groups; this lists 6");
  });

  it("ids of the right kind and dynamic references pass", async () => {
    const loaded = await loads(vpc("{{resolve:ssm:/net/vpc}}", ["subnet-0a1b2c3d", "{{resolve:ssm:/net/subnet}}"], ["sg-0123456789abcdef0"]));
    expect(loaded.project.vpcConfig?.subnets).toHaveLength(2);
  });
});

describe("tags", () => {
  it("aws: (any case) and cody: prefixes are refused", async () => {
    const issues = await issuesOf('tags: { "AWS:owner": "me", "cody:env": "prod", team: "platform" },');
    expect(issues.map((i) => i.field)).toEqual(["tags.AWS:owner", "tags.cody:env"]);
    expect(issues[0]!.message).toContain("reserved for AWS's own tags");
    expect(issues[0]!.fix).toBe('Rename the tag without the prefix, e.g. "owner".');
  });

  it("CodeBuild's key and value limits", async () => {
    const issues = await issuesOf(`tags: { "${"k".repeat(128)}": "v", "a,b": "x", long: "${"v".repeat(256)}", owner: "a|b" },`);
    expect(issues.map((i) => i.message.replace(/^"[^"]*" /, ""))).toEqual([
      "the tag key has 128 characters; CodeBuild takes at most 127.",
      "has characters CodeBuild does not take in tag keys: letters, digits, spaces and _ . : / = + - @ only.",
      "the tag value has 256 characters; CodeBuild takes at most 255.",
      "has characters CodeBuild does not take in tag values: letters, digits, spaces and _ . : / = + - @ only.",
    ]);
  });

  it("the 50-tag limit counts the stack tags cody adds (4 with --type)", async () => {
    const tags = (n: number) => `tags: Object.fromEntries(Array.from({ length: ${n} }, (_, i) => ["t" + i, "v"])),`;
    expect(codyStackTagKeys({})).toHaveLength(3);
    expect(codyStackTagKeys({ type: "unit" })).toHaveLength(4);
    // The keys are the ones synth puts on the stack.
    const loaded = await loads(tags(MAX_TAGS - 3));
    expect(Object.keys(synthesize(loaded).stackTags).sort()).toEqual(codyStackTagKeys(loaded).sort());
    const [issue] = await issuesOf(tags(MAX_TAGS - 2));
    expect(issue).toMatchObject({ field: "tags", line: 5 });
    expect(issue!.message).toContain("48 tags plus the 3 cody adds");

    const typed = writeProject({
      ".cody/unit/project.ts": minimalProject(tags(MAX_TAGS - 3))[".cody/project.ts"]!,
      ".cody/unit/buildspec.yml": BUILDSPEC_YML,
    });
    const error = await configErrorOf(loadAt(typed, { type: "unit" }));
    expect(error.issues[0]!.message).toContain("47 tags plus the 4 cody adds");
    const ok = writeProject({ ".cody/unit/project.ts": minimalProject(tags(MAX_TAGS - 4))[".cody/project.ts"]!, ".cody/unit/buildspec.yml": BUILDSPEC_YML });
    expect(Object.keys((await loadAt(ok, { type: "unit" })).project.tags!)).toHaveLength(46);
  });
});

describe("certificate", () => {
  it.each([
    ["arn:aws:s3:::acme-certs/ca.pem"],
    ["arn:aws-cn:s3:::acme-certs/path/to/ca.pem"],
    ["acme-certs/ca.pem"],
    ["{{resolve:ssm:/build/certificate}}"],
  ])("accepted: %s", (value) => {
    expect(certificateProblem(value, "/nonexistent-root")).toBeUndefined();
  });

  it.each([
    ["./certs/ca.pem", "is a local file path"],
    ["/etc/ssl/ca.pem", "is a local file path"],
    ["~/certs/ca.pem", "is a local file path"],
    ["C:\\certs\\ca.pem", "is a local file path"],
    ["s3://acme-certs/ca.pem", "is an S3 URL"],
    ["arn:aws:s3:::acme-certs", "names a bucket but no object"],
    ["arn:aws:s3:::acme-certs/", "names a bucket but no object"],
    ["ca.pem", "is not an S3 location"],
    ["Acme_Certs/ca.pem", "is not an S3 location"],
  ])("refused: %s (%s)", (value, message) => {
    expect(certificateProblem(value, "/nonexistent-root")?.message).toContain(message);
  });

  it("bucket/key that is a file of the repository is a local path", async () => {
    const issues = await issuesOf('linuxEnvironment: { certificate: "certs/ca.pem" },', { "certs/ca.pem": "pem" });
    expect(issues).toEqual([expect.objectContaining({ field: "linuxEnvironment.certificate", line: 5 })]);
    expect(issues[0]!.fix).toContain('certificate: "arn:aws:s3:::my-bucket/certs/ca.pem"');
  });
});

describe("CODEBUILD_ variable names", () => {
  it("in the project and in the schedule's input, each at its line", async () => {
    const issues = await issuesOf(
      'environmentVariables: { OK: "1", CODEBUILD_SRC_DIR: "/x" },\n  schedule: { rate: "1 day", input: { environmentVariables: { CODEBUILD_MODE: "nightly" } } },',
    );
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ["environmentVariables.CODEBUILD_SRC_DIR", 5],
      ["schedule.input.environmentVariables.CODEBUILD_MODE", 6],
    ]);
    expect(issues[0]!.fix).toContain("$CODEBUILD_SRC_DIR");
    expect(issues[1]!.fix).toBe("Rename it, e.g. APP_MODE.");
  });

  it("only the exact upper-case prefix is reserved", async () => {
    const loaded = await loads('environmentVariables: { CODEBUILD: "1", MY_CODEBUILD_X: "2", codebuild_x: "3" },');
    expect(Object.keys(loaded.project.environmentVariables!)).toHaveLength(3);
  });
});

describe("buildspec file encoding", () => {
  it("a Latin-1 buildspec file is reported at the line of the bad byte", async () => {
    const root = writeProject({ ...minimalProject(), ".cody/buildspec.yml": "" });
    writeFileSync(`${root}/.cody/buildspec.yml`, Buffer.from("version: 0.2\nphases:\n  build:\n    commands:\n      - echo caf\xe9\n", "latin1"));
    const error = await configErrorOf(loadAt(root));
    expect(error.issues).toEqual([expect.objectContaining({ file: `${root}/.cody/buildspec.yml`, line: 5 })]);
    expect(error.issues[0]!.message).toContain("byte 0xE9 at line 5, column 17");
  });

  it("an inline buildspec, or a UTF-8 file with a BOM and accents, passes", async () => {
    await expect(loads("", { ".cody/buildspec.yml": `\uFEFF${BUILDSPEC_YML}# Déploiement ✓\n` })).resolves.toBeDefined();
  });
});

describe("the same values as raw CloudFormation properties", () => {
  it("Tags, VpcConfig ids, Certificate and variable names are checked where they land in the template", async () => {
    const issues = await issuesOf(
      [
        "properties: {",
        '    Tags: [{ Key: "team", Value: "a" }, { Key: "aws:owner", Value: "b" }],',
        '    VpcConfig: { VpcId: "vpc-0a1b2c3d", Subnets: ["sg-0a1b2c3d"], SecurityGroupIds: ["sg-0a1b2c3d"] },',
        '    Environment: { Certificate: "./ca.pem", EnvironmentVariables: [{ Name: "CODEBUILD_X", Value: "1" }] },',
        "  },",
      ].join("\n"),
    );
    expect(issues.map((i) => i.field)).toEqual([
      "properties.Tags[1].Key",
      "properties.VpcConfig.Subnets[0]",
      "properties.Environment.Certificate",
      "properties.Environment.EnvironmentVariables[0].Name",
    ]);
    expect(issues.map((i) => i.line)).toEqual([6, 7, 8, 8]);
    expect(issues[1]!.fix).toBe('Move "sg-0a1b2c3d" to properties.VpcConfig.SecurityGroupIds, and put a subnet ID (subnet-...) in Subnets.');
  });

  it("raw Tags replace the DSL's, so they are the ones counted", async () => {
    const many = `tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => ["t" + i, "v"])),`;
    const loaded = await loads(`${many}\n  properties: { Tags: [{ Key: "team", Value: "platform" }] },`);
    expect(synthesize(loaded).template.Resources.CodeBuild!.Properties).toMatchObject({ Tags: [{ Key: "team", Value: "platform" }] });
    const raw = `properties: { Tags: Array.from({ length: 48 }, (_, i) => ({ Key: "t" + i, Value: "v" })) },`;
    const [issue] = await issuesOf(raw);
    expect(issue).toMatchObject({ field: "properties.Tags" });
    expect(issue!.message).toContain("48 tags plus the 3 cody adds");
  });
});

describe("source versions and images (deploy, then fail every build)", () => {
  it.each(["main", "release/1.2", "feature/ABC-12_x", "v1.2.3", "pr/42", "4f1c0a9", "refs/heads/main", "refs/heads/main^{4f1c0a9d}"])("valid ref: %s", (ref) => {
    expect(sourceVersionProblem(ref)).toBeUndefined();
  });

  it.each([
    ["main branch", "contains whitespace"],
    ["feature/*", 'contains "*"'],
    ["release..1", 'contains ".."'],
    ["main/", "starts or ends with . or /"],
    ["heads/x.lock", "ends with .lock"],
    ["a:b", 'contains ":"'],
  ])("invalid ref: %s", (ref, problem) => {
    expect(sourceVersionProblem(ref)).toContain(problem);
  });

  it("gitBranch and the schedule's sourceVersion are checked, S3 object versions are not", async () => {
    const issues = await issuesOf('gitBranch: "feature/*",\n  schedule: { rate: "1 day", input: { sourceVersion: "main branch" } },');
    expect(issues.map((i) => [i.field, i.line])).toEqual([
      ["gitBranch", 5],
      ["schedule.input.sourceVersion", 6],
    ]);
    const root = writeProject({ ".cody/project.ts": minimalProject()[".cody/project.ts"]!.replace("https://github.com/acme/api", "s3://acme-src/app.zip").replace("\n  \n", '\n  sourceVersion: "a+b:c",\n') });
    writeFileSync(`${root}/.cody/buildspec.yml`, BUILDSPEC_YML);
    await expect(loadAt(root)).resolves.toBeDefined();
  });

  it.each(["aws/codebuild/standard:7.0", "node:20", "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:latest", "localhost:5000/team/app", "ghcr.io/acme/app@sha256:abc123", "Registry.Example.com/acme/app:V1"])(
    "valid image: %s",
    (image) => {
      expect(imageProblem(image)).toBeUndefined();
    },
  );

  it("an image with upper case in the repository, at its line", async () => {
    expect(imageProblem("Node:20")).toContain('"Node"');
    expect(imageProblem("acme/My-App:1")).toContain('"acme/My-App"');
    expect(imageProblem("node :20")).toBe("contains whitespace");
    const [issue] = await issuesOf('linuxImage: "Ubuntu:22.04",');
    expect(issue).toMatchObject({ field: "linuxImage", line: 5 });
    expect(issue!.fix).toBe('Write the repository in lower case, e.g. "ubuntu:22.04".');
  });
});
