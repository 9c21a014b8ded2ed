// Every golden template of the examples passes cfn-lint with zero errors and zero warnings
// (docs/architecture.md#template). One cfn-lint invocation for all of them and a broken template that
// proves it looks: its start-up dominates the run time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cfnLintAvailable, type Availability } from "../support/moto";
import { exampleCases, ROOT } from "./examples";

/** cfnLintAvailable() throws under CI=true when cfn-lint is missing: that must fail a test, loudly. */
function availability(): Availability & { error?: Error } {
  try {
    return cfnLintAvailable();
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** cfn-lint's findings per file (`--format parseable`: one `file:line:col:endLine:endCol:rule:message` a line). */
function cfnLint(files: string[]): { status: number | null; findings: Map<string, string[]>; output: string } {
  const run = spawnSync("cfn-lint", ["--format", "parseable", "--", ...files], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (run.error) throw run.error;
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

  const tmp = mkdtempSync(join(tmpdir(), "cody-cfn-lint-"));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const broken = join(tmp, "broken.yaml");
  const goldens = exampleCases().map((c) => c.golden);
  // One cfn-lint over the broken template and every golden: its start-up (~2 s of CPU) dominates.
  let result: ReturnType<typeof cfnLint>;
  beforeAll(() => {
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
    result = cfnLint([broken, ...goldens.filter((f) => existsSync(f))]);
  });

  it("finds a real problem (so a passing run means something)", () => {
    expect(result.status).not.toBe(0);
    expect(result.findings.get(broken)?.join("\n")).toMatch(/E3002:.*BadgeEnabeld/);
  });

  it("every golden template: zero errors, zero warnings", () => {
    const missing = goldens.filter((f) => !existsSync(f)).map((f) => relative(ROOT, f));
    expect(missing, "golden templates missing: run `npx vitest run test/examples/golden.test.ts` to write them").toEqual([]);
    // Exit 2 is the broken template's error; a warning anywhere would add 4, a crash exit otherwise.
    expect(result.status, result.output).toBe(2);
    expect(Object.fromEntries([...result.findings].filter(([file, lines]) => file !== broken && lines.length > 0))).toEqual({});
  });
});
