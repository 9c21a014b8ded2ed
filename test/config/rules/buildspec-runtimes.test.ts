// runtime-versions checked against the image (issue 11 item 8): an unknown runtime is an error with
// did-you-mean and its line; an unlisted version a warning naming the listed ones; a deprecated or
// unknown curated image a warning; custom images and Lambda compute are not checked.
import { afterAll, describe, expect, it } from "vitest";
import { CODEBUILD_IMAGES, findImage } from "../../../src/data/codebuild-images";
import type { Issue } from "../../../src/errors";
import { configErrorOf, loadAt, minimalProject, projectTs, removeProjects, writeProject } from "../../_helpers/project";

afterAll(removeProjects);

/** A buildspec file whose install phase selects `runtimes` (YAML lines, as written). */
function buildspec(...runtimes: string[]): string {
  return ["version: 0.2", "phases:", "  install:", "    runtime-versions:", ...runtimes.map((r) => `      ${r}`), "  build:", "    commands:", "      - npm test", ""].join("\n");
}

async function warningsOf(extra: string, spec: string): Promise<Issue[]> {
  const loaded = await loadAt(writeProject(minimalProject(extra, { ".cody/buildspec.yml": spec })));
  return loaded.warnings ?? [];
}

async function errorsOf(extra: string, spec: string): Promise<Issue[]> {
  return (await configErrorOf(loadAt(writeProject(minimalProject(extra, { ".cody/buildspec.yml": spec }))))).issues;
}

describe("runtime-versions against the image", () => {
  it("accepts listed versions, latest, <major>.x, java's corretto names and $VARIABLES on standard:7.0 (the default image)", async () => {
    expect(await warningsOf("", buildspec("nodejs: 20", "python: 3.12", "java: corretto17", "golang: latest", "ruby: 3.x", "php: 8.3.1", "dotnet: $DOTNET_VERSION"))).toEqual([]);
  });

  it("an unknown runtime is an error with file, line, did-you-mean and the image's runtimes", async () => {
    const issues = await errorsOf('linuxImage: "aws/codebuild/standard:7.0",', buildspec("nodejs: 20", "nodjs: 20"));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ field: "phases.install.runtime-versions.nodjs", line: 6 });
    expect(issues[0]!.file).toMatch(/\.cody\/buildspec\.yml$/);
    expect(issues[0]!.message).toBe('"nodjs" is not a runtime of aws/codebuild/standard:7.0. Did you mean "nodejs"? Its runtimes: dotnet, golang, java, nodejs, php, python, ruby.');
    expect(issues[0]!.fix).toBe("Rename it to nodejs.");
  });

  it("the issue's example: nodejs 99 warns with the listed versions, cobol is an error", async () => {
    const errors = await errorsOf("", buildspec("nodejs: 99", "cobol: 1"));
    expect(errors.map((e) => e.field)).toEqual(["phases.install.runtime-versions.cobol"]);
    expect(errors[0]!.fix).toContain("install the tool with commands in the install phase");
    const warnings = await warningsOf("", buildspec("nodejs: 99"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ field: "phases.install.runtime-versions.nodejs", line: 5 });
    expect(warnings[0]!.message).toBe("nodejs 99 is not a version aws/codebuild/standard:7.0 lists (it has 18, 20, 22).");
  });

  it("a runtime of another image names the image that has it", async () => {
    const errors = await errorsOf("", buildspec("rust: 1.93"));
    expect(errors[0]!.fix).toContain("aws/codebuild/standard:8.0");
  });

  it("YAML's 3.10 is the number 3.1: the warning says so and how to quote it", async () => {
    const warnings = await warningsOf("", buildspec("python: 3.10"));
    expect(warnings[0]!.message).toContain('YAML reads 3.10 as 3.1: quote it ("3.10").');
  });

  it("checks an inline buildspec too, naming the field in project.ts", async () => {
    const inline = 'buildspec: { version: 0.2, phases: { install: { "runtime-versions": { python: 3.10, nodejs: 22 } }, build: { commands: ["make"] } } },';
    const loaded = await loadAt(writeProject({ ".cody/project.ts": projectTs(`{\n  githubUrl: "https://github.com/acme/api",\n  ${inline}\n}`) }));
    expect(loaded.warnings?.map((w) => w.field)).toEqual(["buildspec.phases.install.runtime-versions.python"]);
    expect(loaded.warnings?.[0]?.message).toContain('write it as a string ("3.10")');
  });

  it("a deprecated image is a warning naming the date and a current image", async () => {
    const warnings = await warningsOf('linuxImage: "aws/codebuild/standard:4.0",', buildspec("nodejs: 12"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ field: "linuxImage", line: 5 });
    expect(warnings[0]!.message).toContain("aws/codebuild/standard:4.0 (Ubuntu 18.04) is deprecated by AWS since 2023-03-31");
    expect(warnings[0]!.fix).toContain('linuxImage: "aws/codebuild/standard:7.0"');
  });

  it("an unknown curated image is a warning with did-you-mean, and its runtimes are not checked", async () => {
    const warnings = await warningsOf('linuxImage: "aws/codebuild/standard:7.1",', buildspec("cobol: 1"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('"aws/codebuild/standard:7.1" is not a CodeBuild image cody knows');
    expect(warnings[0]!.message).toContain('Did you mean "aws/codebuild/standard:7.0"?');
  });

  it("custom images (ECR, Docker Hub) and Lambda compute are not checked", async () => {
    expect(await warningsOf('linuxImage: "123456789012.dkr.ecr.us-east-1.amazonaws.com/build:1",', buildspec("cobol: 1"))).toEqual([]);
    expect(await warningsOf('linuxImage: "node:20",', buildspec("cobol: 1"))).toEqual([]);
  });

  it("a pinned image version (standard:7.0-24.10.29) is checked as its image", () => {
    expect(findImage("aws/codebuild/standard:7.0-24.10.29")?.image).toBe("aws/codebuild/standard:7.0");
  });
});

describe("the image table", () => {
  it("names every row once, says where it comes from, and dates each deprecation", () => {
    const names = CODEBUILD_IMAGES.map((r) => r.image);
    expect(new Set(names).size).toBe(names.length);
    for (const row of CODEBUILD_IMAGES) {
      expect(row.image).toMatch(/^aws\/codebuild\/[a-z0-9_-]+:\d+\.\d$/);
      expect(row.definition).toMatch(/^(ubuntu|al|al2)\//);
      expect(Object.keys(row.runtimes).length).toBeGreaterThan(0);
      if (row.status === "deprecated") expect(row.deprecated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});
