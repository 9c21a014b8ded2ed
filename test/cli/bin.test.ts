// The built binary's edges: bin/cody.cjs without a build, bare `cody`, and a bad policy file, which
// is not "the cody project". Runs bin/cody.cjs (`npm test` builds first).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, codyBin as BIN, runNode, type CodyRun } from "../_helpers/cli";
const scratch = mkdtempSync(join(tmpdir(), "cody-bin-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function node(script: string, args: string[], cwd: string): Promise<CodyRun> {
  return runNode(script, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: scratch }, timeoutMs: 20_000 });
}

describe("bin/cody.cjs without a build", () => {
  it("says to build, in one line, instead of a Node stack trace", async () => {
    // GIVEN a copy of the package with bin/ but no dist/
    const pkg = join(scratch, "unbuilt");
    mkdirSync(join(pkg, "bin"), { recursive: true });
    copyFileSync(BIN, join(pkg, "bin", "cody.cjs"));
    // WHEN run
    const r = await node(join(pkg, "bin", "cody.cjs"), ["--help"], scratch);
    // THEN
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`cody is not built: ${join(pkg, "dist", "cli.cjs")} is missing. Run \`npm run build\` in ${pkg} first.\n`);
  });
});

describe("the built CLI", () => {
  beforeAll(() => {
    assertBuilt();
  });

  it("bare `cody`: help on stdout, exit 0", async () => {
    const r = await node(BIN, [], scratch);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cody \[options\] \[command\]/);
    expect(r.stderr).toBe("");
  });

  it("policy --check on a file with a trailing comma: titled by the file, not 'invalid cody project'", async () => {
    const dir = join(scratch, "policy");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "bad.json"), '{\n  "Version": "2012-10-17",\n  "Statement": [],\n}\n');
    const r = await node(BIN, ["policy", "--check", "bad.json"], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error invalid file bad\.json\nbad\.json:3: /);
    expect(r.stderr).not.toContain("cody project");
  });

  it("an unknown option: cody's format, one error, exit 1", async () => {
    const r = await node(BIN, ["synth", "--frmat", "json"], scratch);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error unknown option '--frmat'.\n  hint: Did you mean --format? `cody synth --help` lists its options.\n");
  });
});
