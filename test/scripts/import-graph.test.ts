// scripts/import-graph.mjs: the folder import graph of src/, and a non-zero exit on a folder cycle.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const script = join(root, "scripts/import-graph.mjs");
const scratch: string[] = [];

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A scratch repository whose src/ holds `files` (path → text). */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "cody-graph-"));
  scratch.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("import-graph", () => {
  it("prints the folder graph of this repository with counts and finds no unknown cycle", () => {
    const { code, out } = run();
    expect(code).toBe(0);
    expect(out).toMatch(/^cli → config {2}\d+$/m);
    expect(out).toMatch(/^synth → config {2}\d+$/m);
    expect(out).not.toContain("CYCLE:");
    expect(out).not.toContain("✗");
  });

  it("exits 1 and names the cycle when two folders import each other", () => {
    const dir = tree({
      "src/config/a.ts": 'import { b } from "../synth/b";\nexport const a = b;\n',
      "src/synth/b.ts": 'import type { A } from "../config/c";\nexport const b = 1;\nexport type B = A;\n',
      "src/config/c.ts": "export type A = number;\n",
    });
    const { code, out } = run("--root", dir, "--files");
    expect(code).toBe(1);
    expect(out).toMatch(/CYCLE: (config → synth → config|synth → config → synth)/);
    expect(out).toContain('config → synth  1  ✗ "synth" is on a higher layer than "config"');
    expect(out).toContain("    src/config/a.ts → src/synth/b");
  });

  it("counts each file import once per edge and ignores imports inside a folder and of packages", () => {
    const dir = tree({
      "src/cli/main.ts": 'import { x } from "../config/x";\nimport { y } from "../config/y";\nimport { z } from "./z";\nimport chalk from "chalk";\nexport const all = [x, y, z, chalk];\n',
      "src/cli/z.ts": "export const z = 1;\n",
      "src/config/x.ts": "// a comment naming \"../cli/main\" is not an import\nexport const x = 1;\n",
      "src/config/y.ts": "export const y = 2;\n",
    });
    const { code, out } = run("--root", dir);
    expect(code).toBe(0);
    expect(out).toBe("cli → config  2\n\nno folder cycles\n");
  });
});
