// Every template the tests hand to cfn-lint, in one cfn-lint process (its start-up, ~2.5 s of CPU, is
// most of a run):
//  - every golden template of the examples passes with zero errors and zero warnings
//    (docs/architecture.md#template), and a broken template proves cfn-lint looks;
//  - the VPC id rule (src/config/rules/input-rules.ts) agrees with AWS's own data: cfn-lint (CloudFormation's
//    resource schema with its id formats) flags exactly the fields cody refuses, and passes the template cody
//    builds once the ids are of the right kind. cfn-lint has no view on tags, certificates or variable names,
//    so those rules rest on CodeBuild's API reference (see input-rules.ts).
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serializeTemplate } from "../../src/synth/serialize";
import { cfnLintAvailable, type Availability } from "../support/moto";
import { configErrorOf, loadAt, minimalProject, removeProjects, synthFor, writeProject } from "../_helpers/project";
import { exampleCases, ROOT } from "./examples";

afterAll(removeProjects);

const RIGHT = { vpcId: "vpc-0a1b2c3d4e5f60718", subnet: "subnet-0123456789abcdef0", group: "sg-0123456789abcdef0" };
const vpc = (vpcId: string, subnet: string, group: string) =>
  `vpcConfig: { vpcId: "${vpcId}", subnets: ["${subnet}"], securityGroupIds: ["${group}"] },`;

/** The template cody builds with the right VPC ids, and the same with the ids swapped as a user might. */
async function vpcTemplates(): Promise<{ good: string; bad: string }> {
  const good = serializeTemplate(await synthFor(minimalProject(vpc(RIGHT.vpcId, RIGHT.subnet, RIGHT.group))), "yaml");
  const bad = good
    .replace(`VpcId: ${RIGHT.vpcId}`, `VpcId: ${RIGHT.subnet}`)
    .replace(`Subnets:\n          - ${RIGHT.subnet}`, `Subnets:\n          - ${RIGHT.group}`)
    .replace(`SecurityGroupIds:\n          - ${RIGHT.group}`, `SecurityGroupIds:\n          - ${RIGHT.subnet}`);
  return { good, bad };
}

/** cfnLintAvailable() throws under CI=true when cfn-lint is missing: that must fail a test, loudly. */
function availability(): Availability & { error?: Error } {
  try {
    return cfnLintAvailable();
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** How long one cfn-lint over every template may take: ~3 s on a quiet machine, a minute and more at load 10. */
const LINT_MS = 180_000;

/**
 * cfn-lint's findings per file (`--format parseable`: one `file:line:col:endLine:endCol:rule:message` a line).
 * Asynchronous, so a slow cfn-lint on a loaded machine does not block the test worker's event loop.
 */
async function cfnLint(files: string[]): Promise<{ status: number | null; findings: Map<string, string[]>; output: string }> {
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((done, fail) => {
    const child = execFile("cfn-lint", ["--format", "parseable", "--", ...files], { cwd: ROOT, encoding: "utf8", timeout: LINT_MS, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      // A non-zero exit is cfn-lint's answer (2 errors, 4 warnings, ...); only a failure to run is an error.
      if (error && typeof error.code !== "number") fail(error);
      else done({ status: child.exitCode, stdout, stderr });
    });
  });
  const findings = new Map<string, string[]>(files.map((file) => [file, []]));
  const output = `${run.stdout}${run.stderr}`.trim();
  for (const line of output.split("\n").filter(Boolean)) {
    const file = files.find((f) => line.startsWith(`${f}:`));
    // A line that names no file (a crash, a usage error) is kept under "" so it fails the golden test.
    findings.set(file ?? "", [...(findings.get(file ?? "") ?? []), file ? line.slice(file.length + 1) : line]);
  }
  return { status: run.status, findings, output };
}

const lint = availability();

const tmp = lint.ok ? mkdtempSync(join(tmpdir(), "cody-cfn-lint-")) : "";
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});
const broken = join(tmp, "broken.yaml");
const vpcGood = join(tmp, "vpc-good.yaml");
const vpcBad = join(tmp, "vpc-bad.yaml");
const goldens = exampleCases().map((c) => c.golden);
let templates: { good: string; bad: string };
// One cfn-lint over the broken template, every golden and the two VPC templates.
let result: Awaited<ReturnType<typeof cfnLint>>;
if (lint.ok) {
  beforeAll(async () => {
    templates = await vpcTemplates();
    writeFileSync(vpcGood, templates.good);
    writeFileSync(vpcBad, templates.bad);
    writeFileSync(
      broken,
      [
        "Resources:",
        "  CodeBuild:",
        "    Type: AWS::CodeBuild::Project",
        "    Properties:",
        "      Source: { Type: NO_SOURCE, BuildSpec: 'version: 0.2' }",
        "      Artifacts: { Type: NO_ARTIFACTS }",
        "      Environment: { Type: LINUX_CONTAINER, Image: aws/codebuild/standard:7.0, ComputeType: BUILD_GENERAL1_SMALL }",
        "      ServiceRole: arn:aws:iam::123456789012:role/build",
        "      BadgeEnabeld: true",
        "",
      ].join("\n"),
    );
    result = await cfnLint([broken, vpcGood, vpcBad, ...goldens.filter((f) => existsSync(f))]);
  }, LINT_MS + 30_000);
}

describe("cfn-lint on the examples' golden templates", () => {
  if (lint.error) {
    it("cfn-lint is installed (required when CI=true)", () => {
      throw lint.error;
    });
    return;
  }
  if (!lint.ok) {
    it.skip(`skipped: ${lint.why ?? "cfn-lint is unavailable"} (install cfn-lint in the pyenv Python; under CI=true this fails)`, () => {});
    return;
  }

  it("finds a real problem (so a passing run means something)", () => {
    expect(result.status).not.toBe(0);
    expect(result.findings.get(broken)?.join("\n")).toMatch(/E3002:.*BadgeEnabeld/);
  });

  it("every golden template: zero errors, zero warnings", () => {
    const missing = goldens.filter((f) => !existsSync(f)).map((f) => relative(ROOT, f));
    expect(missing, "golden templates missing: run `npx vitest run test/examples/golden.test.ts` to write them").toEqual([]);
    // Exit 2 is the broken template's error; a warning anywhere would add 4, a crash exit otherwise.
    expect(result.status, result.output).toBe(2);
    expect(Object.fromEntries([...result.findings].filter(([file, lines]) => goldens.includes(file) && lines.length > 0))).toEqual({});
    // Nor a line that names no file: a crash or a usage error.
    expect(result.findings.get("") ?? []).toEqual([]);
  });
});

describe("VPC ids: cody and cfn-lint agree", () => {
  if (!lint.ok) {
    it.skip("skipped: cfn-lint is unavailable (the golden describe above says why)", () => {});
    return;
  }

  it("swapped ids: the three fields cody refuses are the three cfn-lint flags; right ids pass both", async () => {
    // cody, on the swapped ids
    const swapped = await configErrorOf(loadAt(writeProject(minimalProject(vpc(RIGHT.subnet, RIGHT.group, RIGHT.subnet)))));
    expect(swapped.issues.map((i) => i.field)).toEqual(["vpcConfig.vpcId", "vpcConfig.subnets[0]", "vpcConfig.securityGroupIds[0]"]);

    // cfn-lint, on the template cody would have made: the right template with the ids swapped in.
    expect(templates.bad.match(/VpcConfig:\n(?: {8}.*\n)+/)?.[0]).toBe(
      `VpcConfig:\n        VpcId: ${RIGHT.subnet}\n        Subnets:\n          - ${RIGHT.group}\n        SecurityGroupIds:\n          - ${RIGHT.subnet}\n`,
    );
    // Errors only, as cody's rule is about what CloudFormation refuses.
    const flagged = [vpcGood, vpcBad].flatMap((file) =>
      (result.findings.get(file) ?? []).map((line) => line.split(":")[4]).filter((rule) => rule?.startsWith("E")).map((rule) => `${file === vpcGood ? "good" : "bad"}.yaml ${rule}`),
    );
    expect(flagged.sort(), result.output).toEqual(["bad.yaml E1150", "bad.yaml E1151", "bad.yaml E1154"]);
  });
});
