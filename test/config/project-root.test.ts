// Finding `.cody/` (issue 11 item 2): CODY_ROOT, then the current folder, then its parents up to the
// repository root (a `.git` folder or file) or the filesystem root; a miss says where cody looked.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findProjectRoot, noProjectError } from "../../src/config/project-root";
import { isConfigError } from "../../src/errors";
import { BUILDSPEC_YML, configErrorOf, loadAt, projectTs, removeProjects, writeProject } from "../_helpers/project";

afterAll(removeProjects);

const PROJECT = projectTs(`{ githubUrl: "https://github.com/acme/api" }`);

/** A repository `<tmp>/repo` with .git, .cody/ and a deep subfolder; returns its paths. */
function repo(files: Record<string, string> = { ".cody/project.ts": PROJECT, ".cody/buildspec.yml": BUILDSPEC_YML }) {
  const root = writeProject({ ...files, "src/lib/deep/index.ts": "export {};\n" }, { folder: "repo" });
  mkdirSync(join(root, ".git"));
  return { root, deep: join(root, "src", "lib", "deep") };
}

describe("findProjectRoot", () => {
  it("finds .cody/ in the current folder", () => {
    const { root } = repo();
    expect(findProjectRoot(root, { environment: {} })).toMatchObject({ root, stop: "found", searched: [root] });
  });

  it("looks upwards from a subfolder, as git does", () => {
    const { root, deep } = repo();
    const search = findProjectRoot(deep, { environment: {} });
    expect(search.root).toBe(root);
    expect(search.searched).toEqual([deep, join(root, "src", "lib"), join(root, "src"), root]);
  });

  it("stops at the repository root (.git) and lists every folder it looked in", () => {
    // .cody/ above the repository is another project's, not this one's.
    const { root, deep } = repo({ "README.md": "# no cody here\n" });
    mkdirSync(join(root, "..", ".cody"));
    const search = findProjectRoot(deep, { environment: {} });
    expect(search.root).toBeUndefined();
    expect(search.stop).toBe("repository root");
    expect(search.searched.at(-1)).toBe(root);
  });

  it("treats a .git file (a worktree or submodule) as the repository root too", () => {
    const { root, deep } = repo({ "README.md": "# x\n" });
    const sub = join(root, "src");
    writeFileSync(join(sub, ".git"), "gitdir: ../.git/modules/src\n");
    expect(findProjectRoot(deep, { environment: {} }).searched.at(-1)).toBe(sub);
  });

  it("skips the home folder's .cody/ (Ruby cody's user settings), unless cody runs in home itself", () => {
    const { root } = repo({ "README.md": "# x\n" });
    const home = join(root, "..");
    mkdirSync(join(home, ".cody"), { recursive: true });
    // No .git between root and home: remove the bound so the walk reaches home.
    const inner = join(home, "scratch");
    mkdirSync(inner);
    const search = findProjectRoot(inner, { environment: {}, home });
    expect(search.root).toBeUndefined();
    expect(search.searched).toContain(home);
    expect(findProjectRoot(home, { environment: {}, home }).root).toBe(home);
  });

  it("CODY_ROOT wins over the current folder, and is resolved against it when relative", () => {
    const { root } = repo();
    const elsewhere = writeProject({ "README.md": "# elsewhere\n" }, { folder: "other" });
    expect(findProjectRoot(elsewhere, { environment: { CODY_ROOT: root } }).root).toBe(root);
    expect(findProjectRoot(join(root, "src"), { environment: { CODY_ROOT: ".." } }).root).toBe(root);
  });

  it("a CODY_ROOT without .cody/ is an error naming the variable, with a fix", () => {
    const { root } = repo();
    let thrown: unknown;
    try {
      findProjectRoot(root, { environment: { CODY_ROOT: join(root, ".cody") } });
    } catch (error) {
      thrown = error;
    }
    expect(isConfigError(thrown)).toBe(true);
    const issue = (thrown as { issues: Array<{ field?: string; message: string; fix?: string }> }).issues[0]!;
    expect(issue.field).toBe("CODY_ROOT");
    expect(issue.message).toContain("has no .cody/ folder");
    expect(issue.fix).toContain("the folder that holds .cody/");
  });

  it("the not-found error says where cody looked and how to fix it", () => {
    const { root, deep } = repo({ "README.md": "# x\n" });
    const issue = noProjectError(deep, findProjectRoot(deep, { environment: {} })).issues[0]!;
    expect(issue.message).toContain(`cody looked in ${deep}, ${join(root, "src", "lib")}, ${join(root, "src")}, ${root} (the repository root: it has .git)`);
    expect(issue.fix).toContain("CODY_ROOT");
    expect(issue.fix).toContain("cody init");
  });
});

describe("loadProject from a subfolder and with CODY_ROOT", () => {
  it("loads the project of the repository from a subfolder, named after the repository", async () => {
    const { root, deep } = repo();
    const loaded = await loadAt(deep);
    expect(loaded.root).toBe(root);
    expect(loaded.names.projectName).toBe("repo");
  });

  it("loads the project CODY_ROOT names from anywhere", async () => {
    const { root } = repo();
    const elsewhere = writeProject({ "README.md": "# elsewhere\n" }, { folder: "other" });
    const loaded = await loadAt(elsewhere, { environment: { CODY_ROOT: root } });
    expect(loaded.root).toBe(root);
  });

  it("names the typed projects and the --type to use when there is no untyped one", async () => {
    const { deep } = repo({ ".cody/unit/project.ts": PROJECT, ".cody/deploy/project.ts": PROJECT });
    const error = await configErrorOf(loadAt(deep));
    const issue = error.issues[0]!;
    expect(issue.field).toBe("--type");
    expect(issue.message).toContain(".cody/deploy/project.ts, .cody/unit/project.ts");
    expect(issue.fix).toBe("Pass --type deploy (or --type unit).");
  });
});
