// The DSL's shipped types (dist/index.d.ts, bundled by scripts/build.mjs without its own type check) as
// a user's editor sees them: `cody init` wraps them into .cody/codybuild.d.ts, and the scaffold and
// every example must type-check against that file alone, the declarations themselves included
// (--skipLibCheck false). TypeScript 7's tsc (typescript-native) runs in a fraction of a second.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cleanEnv, ROOT, runCody, runNode } from "../_helpers/cli";

const TSC = join(ROOT, "node_modules", "typescript-native", "bin", "tsc");
const EXAMPLES = join(ROOT, "examples");
let scaffold: string;
const scratch: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "cody-dts-"));
  scratch.push(dir);
  return dir;
}

/** tsc over a .cody folder with the scaffold's tsconfig; declaration files are checked too. */
function typecheck(cody: string, extra: string[] = []) {
  return runNode(TSC, ["-p", join(cody, "tsconfig.json"), "--skipLibCheck", "false", "--pretty", "false", ...extra], { cwd: cody });
}

beforeAll(async () => {
  assertBuilt();
  scaffold = tempDir();
  const init = await runCody(["init"], { cwd: scaffold, env: cleanEnv() });
  expect(init.code, init.stderr).toBe(0);
});

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe("the shipped DSL types", () => {
  it("type-check the project `cody init` scaffolds and every example, declarations included", async () => {
    // One program (one tsc start): the scaffold's .cody plus a folder per example, all against the
    // one ambient codybuild.d.ts `cody init` wrote.
    const cody = join(scaffold, ".cody");
    const examples = readdirSync(EXAMPLES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(examples.length).toBeGreaterThan(5);
    for (const example of examples) {
      cpSync(join(EXAMPLES, example, ".cody"), join(cody, "examples", example), { recursive: true, filter: (src) => !src.endsWith("codybuild.d.ts") });
    }
    // One tsc for both questions: --listFiles prints the program's files and type-checks them, so every
    // example must be among the files and nothing else may be printed (a diagnostic is a line that is not a file).
    const check = await typecheck(cody, ["--listFiles"]);
    const listed = check.stdout.split("\n").filter(Boolean);
    for (const example of examples) expect(listed.some((file) => file.startsWith(join(cody, "examples", example, "/"))), example).toBe(true);
    expect(listed.filter((line) => !existsSync(line)).join("\n") + check.stderr).toBe("");
    expect(check.code).toBe(0);
  });

  it("refuse a value the DSL does not allow, so the check above can fail", async () => {
    const cody = join(tempDir(), ".cody");
    cpSync(join(scaffold, ".cody"), cody, { recursive: true, filter: (src) => !src.includes("examples") });
    const project = join(cody, "project.ts");
    const text = readFileSync(project, "utf8");
    expect(text).toContain('computeType: "BUILD_GENERAL1_SMALL"');
    writeFileSync(project, text.replace('computeType: "BUILD_GENERAL1_SMALL"', 'computeType: "BUILD_HUGE"'));
    const run = await typecheck(cody);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(/project\.ts\(\d+,\d+\): error TS\d+: .*BUILD_HUGE/);
  });
});
