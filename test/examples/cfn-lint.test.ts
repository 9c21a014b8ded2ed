// Every golden template of the examples passes cfn-lint with zero errors and zero warnings
// (docs/architecture.md#template). One cfn-lint invocation for all of them: its start-up dominates the run time.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
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

function cfnLint(files: string[]): { status: number | null; output: string } {
  const run = spawnSync("cfn-lint", ["--", ...files], { cwd: ROOT, encoding: "utf8", timeout: 180_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
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

  it("finds a real problem (so a passing run means something)", () => {
    const broken = join(tmp, "broken.yaml");
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
    const result = cfnLint([broken]);
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/E3002 .*BadgeEnabeld/);
  });

  it("every golden template: zero errors, zero warnings", () => {
    const files = exampleCases().map((c) => c.golden);
    const missing = files.filter((f) => !existsSync(f)).map((f) => relative(ROOT, f));
    expect(missing, "golden templates missing: run `npx vitest run test/examples/golden.test.ts` to write them").toEqual([]);
    expect(cfnLint(files)).toEqual({ status: 0, output: "" });
  });
});
