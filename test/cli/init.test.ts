// `cody init`: the no-origin warning comes before the next steps, and cody's own types file is
// refreshed on every run (an upgrade needs no --force, which would overwrite the user's files too).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initCommand, type InitOptions } from "../../src/cli/commands/init";
import { recordingReporter } from "../_helpers/test-io";

const DTS = fileURLToPath(new URL("../../dist/index.d.ts", import.meta.url));
const dirs: string[] = [];
const home = process.cwd();

afterEach(() => {
  process.chdir(home);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

beforeAll(() => {
  // The editor types are made from the built declarations.
  if (!existsSync(DTS)) throw new Error("dist/index.d.ts is missing: run `npm run build` first (npm test does).");
});

async function init(dir: string, options: InitOptions = {}): Promise<string[]> {
  const rec = recordingReporter();
  process.chdir(dir);
  try {
    await initCommand(options, rec.reporter);
  } finally {
    process.chdir(home);
  }
  return rec.lines;
}

/** An empty repository folder with no git remote. */
function repo(): string {
  const dir = join(mkdtempSync(join(tmpdir(), "cody-init-")), "app");
  dirs.push(dirname(dir));
  mkdirSync(dir);
  return dir;
}

describe("cody init", () => {
  it("warns about a missing origin before the summary and the next steps, where it is seen", async () => {
    const dir = repo();
    const lines = await init(dir);
    const warning = lines.findIndex((l) => l.startsWith('warning no git remote "origin" found'));
    const next = lines.findIndex((l) => l.startsWith("Next:"));
    const summary = lines.findIndex((l) => l.startsWith("Scaffolded .cody/"));
    expect(warning).toBeGreaterThan(-1);
    expect(warning).toBeLessThan(summary);
    expect(summary).toBeLessThan(next);
    expect(lines.at(-1)).toMatch(/^Next: /);
  });

  it("does not warn about the origin again once project.ts has a real githubUrl", async () => {
    const dir = repo();
    await init(dir);
    const project = join(dir, ".cody", "project.ts");
    writeFileSync(project, readFileSync(project, "utf8").replace("https://github.com/OWNER/REPO", "https://github.com/acme/app"));
    const lines = await init(dir);
    expect(lines.some((l) => l.includes('no git remote "origin"'))).toBe(false);
  });

  it("refreshes .cody/codybuild.d.ts without --force and keeps the user's edited files", async () => {
    const dir = repo();
    await init(dir);
    const dts = join(dir, ".cody", "codybuild.d.ts");
    const fresh = readFileSync(dts, "utf8");
    expect(fresh).toContain('declare module "codybuild"');
    expect(fresh).not.toContain("--force");
    // GIVEN types from an older cody and an edited project.ts
    writeFileSync(dts, "// Types of an older cody\ndeclare module \"codybuild\" {}\n");
    const project = join(dir, ".cody", "project.ts");
    writeFileSync(project, `${readFileSync(project, "utf8")}\n// mine\n`);
    // WHEN init runs again, without --force
    const lines = await init(dir);
    // THEN the types are cody's current ones, and project.ts is untouched
    expect(readFileSync(dts, "utf8")).toBe(fresh);
    expect(readFileSync(project, "utf8")).toContain("// mine");
    expect(lines).toContain("updated   .cody/codybuild.d.ts");
    expect(lines).toContain("exists    .cody/project.ts (kept; --force overwrites)");
    expect(lines).toContain("Kept 1 existing file that differs from the templates; --force overwrites it. Updated .cody/codybuild.d.ts to this cody's types.");
    // AND a third run has nothing to do for the types
    const again = await init(dir);
    expect(again).toContain("identical .cody/codybuild.d.ts");
  });
});
