// `cody init`: the no-origin warning comes before the next steps, and cody's own types file is
// refreshed on every run (an upgrade needs no --force, which would overwrite the user's files too).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { initCommand, type InitOptions } from "../../src/cli/commands/init";
import { loadProject } from "../../src/config/load-project";
import { isConfigError, type ConfigError } from "../../src/errors";
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

/** An empty repository folder with no git remote (its .git bounds cody's search for .cody/). */
function repo(origin?: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "cody-init-")), "app");
  dirs.push(dirname(dir));
  mkdirSync(join(dir, ".git"), { recursive: true });
  if (origin) writeFileSync(join(dir, ".git", "config"), `[remote "origin"]\n\turl = ${origin}\n`);
  return dir;
}

/** init's error, which must be a ConfigError. */
async function initError(dir: string, options: InitOptions): Promise<ConfigError> {
  const error = await init(dir, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isConfigError(error)) throw new Error(`expected a ConfigError, got ${String(error)}`);
  return error;
}

/** What loading the scaffold (as cody synth does) says, or undefined when it loads. */
async function loadIssues(dir: string, type?: string): Promise<ConfigError["issues"] | undefined> {
  try {
    await loadProject({ cwd: dir, type, environment: {} });
    return undefined;
  } catch (error) {
    if (isConfigError(error)) return error.issues;
    throw error;
  }
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
    writeFileSync(project, readFileSync(project, "utf8").replace(/\/\/ githubUrl: "https:\/\/github.com\/OWNER\/REPO".*/, 'githubUrl: "https://github.com/acme/app",'));
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

describe("cody init: no placeholder that deploys (issue 11 item 6)", () => {
  it("without a remote, writes githubUrl commented out, and the scaffold does not synth until it is set", async () => {
    const dir = repo();
    await init(dir);
    const project = readFileSync(join(dir, ".cody", "project.ts"), "utf8");
    expect(project).toMatch(/^ {2}\/\/ githubUrl: "https:\/\/github.com\/OWNER\/REPO", +\/\/ no git remote "origin" found/m);
    const issues = await loadIssues(dir);
    expect(issues?.[0]).toMatchObject({ field: "githubUrl", line: 6 });
    expect(issues?.[0]?.message).toContain("githubUrl is missing");
  });

  it("with a remote, writes it as https and the scaffold synthesizes", async () => {
    const dir = repo("git@github.com:acme/app.git");
    const lines = await init(dir);
    expect(readFileSync(join(dir, ".cody", "project.ts"), "utf8")).toContain('  githubUrl: "https://github.com/acme/app.git",');
    expect(lines.some((l) => l.includes("no git remote"))).toBe(false);
    expect(await loadIssues(dir)).toBeUndefined();
  });

  it("synth refuses an OWNER/REPO (or Ruby cody's user/repo) placeholder URL, with a fix", async () => {
    const dir = repo("git@github.com:acme/app.git");
    await init(dir);
    const file = join(dir, ".cody", "project.ts");
    for (const placeholder of ["https://github.com/OWNER/REPO", "https://github.com/user/repo.git"]) {
      writeFileSync(file, readFileSync(file, "utf8").replace(/githubUrl: "[^"]*"/, `githubUrl: "${placeholder}"`));
      const issue = (await loadIssues(dir))?.[0];
      expect(issue?.field).toBe("githubUrl");
      expect(issue?.message).toBe(`"${placeholder}" is a placeholder, not your repository.`);
      expect(issue?.fix).toContain("Set githubUrl to your repository's URL");
    }
  });

  it("--mode full writes the schedule switched off, with a comment saying why", async () => {
    const dir = repo("git@github.com:acme/app.git");
    await init(dir, { mode: "full" });
    const schedule = readFileSync(join(dir, ".cody", "schedule.ts"), "utf8");
    expect(schedule).toMatch(/\/\/ Off until you switch it on: every scheduled build is a paid CodeBuild run.*\n\s+enabled: false,/);
    expect(await loadIssues(dir)).toBeUndefined();
  });

  it("writes .cody/README.md explaining the files, in both modes and with --type", async () => {
    const dir = repo("git@github.com:acme/app.git");
    const lines = await init(dir, { type: "unit" });
    const readme = readFileSync(join(dir, ".cody", "README.md"), "utf8");
    expect(lines).toContain("created   .cody/README.md");
    for (const file of ["project.ts", "buildspec.yml", "role.ts", "schedule.ts", "settings.ts", "variables/<env>.ts", "<type>/"]) {
      expect(readme).toContain(`\`${file}\``);
    }
    expect(readme).toContain("**app**");
  });
});

describe("cody init --name and --template (issue 11 item 4)", () => {
  it("--name goes into the files and warns that commands need it as their argument", async () => {
    const dir = repo("git@github.com:acme/app.git");
    const lines = await init(dir, { name: "billing-api" });
    expect(readFileSync(join(dir, ".cody", "project.ts"), "utf8")).toContain('ssm("/codebuild/billing-api/api-key")');
    expect(lines).toContain(
      "warning the files use the name billing-api, but cody names the project after the folder (app) unless told: run `cody deploy billing-api` (and the same argument for the other commands).",
    );
    expect(lines).toContain("Scaffolded .cody/ for project billing-api.");
  });

  it("--name must be a valid CodeBuild project name, checked before anything is written", async () => {
    const dir = repo();
    const error = await initError(dir, { name: "my api" });
    expect(error.issues[0]).toMatchObject({ field: "--name" });
    expect(existsSync(join(dir, ".cody"))).toBe(false);
  });

  it("--template DIR scaffolds the folder's files with their variables, in place of cody's of the same path", async () => {
    const dir = repo("git@github.com:acme/app.git");
    const templates = join(dirname(dir), "my-templates");
    mkdirSync(join(templates, "variables"), { recursive: true });
    writeFileSync(
      join(templates, "project.ts"),
      'import { defineProject } from "codybuild";\n\nexport default defineProject({\n  githubUrl: "{{githubUrl}}",\n  description: "{{ projectName }} ({{type}})",\n  buildspec: ".cody/{{typePath}}buildspec.yml",\n});\n',
    );
    writeFileSync(join(templates, "variables", "base.ts"), 'export default { team: "{{projectName}}" };\n');
    const lines = await init(dir, { template: templates, type: "unit" });
    // Project files go to the type's folder, shared ones to .cody/, as with cody's own templates.
    expect(readFileSync(join(dir, ".cody", "unit", "project.ts"), "utf8")).toContain(
      'githubUrl: "https://github.com/acme/app.git",\n  description: "app (unit)",\n  buildspec: ".cody/unit/buildspec.yml",',
    );
    expect(readFileSync(join(dir, ".cody", "variables", "base.ts"), "utf8")).toBe('export default { team: "app" };\n');
    // cody's buildspec, which the template does not replace, is still written.
    expect(existsSync(join(dir, ".cody", "unit", "buildspec.yml"))).toBe(true);
    expect(lines).toContain("created   .cody/unit/project.ts");
    expect(await loadIssues(dir, "unit")).toBeUndefined();
  });

  it("--template: an unknown variable is an error with its file, line and did-you-mean, and nothing is written", async () => {
    const dir = repo();
    const templates = join(dirname(dir), "my-templates");
    mkdirSync(templates);
    writeFileSync(join(templates, "project.ts"), "// {{projectName}}\nexport default { githubUrl: \"{{githubURL}}\" };\n");
    const issue = (await initError(dir, { template: templates })).issues[0]!;
    expect(issue).toMatchObject({ file: join(templates, "project.ts"), line: 2, field: "{{githubURL}}" });
    expect(issue.message).toBe('unknown template variable "githubURL". Did you mean "githubUrl"?');
    expect(existsSync(join(dir, ".cody"))).toBe(false);
  });

  it("--template: a missing folder is an error naming it", async () => {
    const dir = repo();
    const issue = (await initError(dir, { template: join(dir, "nope") })).issues[0]!;
    expect(issue).toMatchObject({ field: "--template" });
    expect(issue.message).toContain("is not a folder");
  });

  it("--template without a remote gives {{githubUrl}} the placeholder synth refuses", async () => {
    const dir = repo();
    const templates = join(dirname(dir), "my-templates");
    mkdirSync(templates);
    writeFileSync(join(templates, "project.ts"), 'import { defineProject } from "codybuild";\nexport default defineProject({ githubUrl: "{{githubUrl}}" });\n');
    const lines = await init(dir, { template: templates });
    expect(lines.some((l) => l.startsWith('warning no git remote "origin" found'))).toBe(true);
    expect((await loadIssues(dir))?.[0]?.message).toContain("is a placeholder");
  });
});
