// The V8 code cache of the command bundles (bin/compile-cache.cjs), through the BUILT binary: a cache
// is written once and then used as is, a damaged or foreign file is ignored and replaced, concurrent
// runs agree, and CODY_NO_COMPILE_CACHE turns it off. The output must never depend on the cache.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = join(ROOT, "bin", "cody.cjs");
const DEMO = join(ROOT, "examples", "demo");
// Prints (on stderr, at exit) every dist/ bundle the process loaded.
const RECORD = join(ROOT, "test", "cli", "print-bundles.cjs");

interface CacheModule {
  encode(key: string, payload: Buffer, crc32: (b: Buffer) => number, commands?: string[]): Buffer;
  decode(bytes: Buffer, key: string, crc32: (b: Buffer) => number): { payload: Buffer; commands: string[] } | undefined;
  cacheFolder(env: NodeJS.ProcessEnv): string | undefined;
}
const cache = createRequire(import.meta.url)(join(ROOT, "bin", "compile-cache.cjs")) as CacheModule;
const { crc32 } = createRequire(import.meta.url)("node:zlib") as { crc32: (b: Buffer) => number };

let scratch: string;
let dirs = 0;
beforeAll(() => {
  if (!existsSync(join(ROOT, "dist", "cli.cjs"))) throw new Error("dist/cli.cjs is missing: run `npm run build` first.");
  scratch = mkdtempSync(join(tmpdir(), "cody-compile-cache-"));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", HOME: scratch, NO_COLOR: "1" };
  return { ...out, ...extra };
}

function cody(command: string, extra: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, command], { cwd: DEMO, env: env(extra), encoding: "utf8", timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const synth = (extra: Record<string, string>) => cody("synth", extra);

function synthAsync(extra: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [CLI, "synth"], { cwd: DEMO, env: env(extra), timeout: 30_000 }, (error, stdout, stderr) => {
      done({ code: error ? (typeof error.code === "number" ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** Every file under the cache folder, relative to it. */
function files(dir: string): string[] {
  return existsSync(dir) ? (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile()).sort() : [];
}

/** The commands a cache file says its payload holds the runs of. */
function commandsOf(path: string): string[] | undefined {
  const bytes = readFileSync(path);
  return cache.decode(bytes, bytes.toString("latin1").split("\n")[1]!, crc32)?.commands;
}

const freshDir = () => join(scratch, `cache-${dirs++}`);
let expected: string;
/** A cache folder written by one `cody synth` (first), copied by the tests that need a warm cache. */
let warm: string;
let first: ReturnType<typeof synth>;
const warmCopy = () => {
  const dir = freshDir();
  cpSync(warm, dir, { recursive: true, preserveTimestamps: true });
  return dir;
};

describe("the compile cache of the built CLI", () => {
  beforeAll(() => {
    const plain = synth({ CODY_NO_COMPILE_CACHE: "1" });
    expect(plain.code, plain.stderr).toBe(0);
    expected = plain.stdout;
    warm = freshDir();
    first = synth({ CODY_COMPILE_CACHE_DIR: warm });
  });

  it("writes one file per bundle the run compiled, then uses them without writing again", () => {
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(expected);
    const written = files(warm);
    const folder = `node-${process.version}-${process.arch}`;
    // The entry, the synth command, the shared chunks it requires and the DSL (index.cjs); never another command.
    // sucrase too (its own bundle), and what it made of the three .cody/*.ts files (ts/).
    for (const f of written) expect(f).toMatch(/^node-[^/\\]+[/\\]((cli|synth|index|sucrase|chunk-\w+)-[0-9a-f]{8}|ts[/\\]\w+\.ts-[0-9a-f]{8}\.ts)\.bin$/);
    expect(written.filter((f) => /[/\\]ts[/\\]/.test(f))).toHaveLength(3);
    expect(written.filter((f) => /[/\\](cli|synth)-/.test(f))).toHaveLength(2);
    expect(written.every((f) => f.startsWith(folder))).toBe(true);
    const synthCache = join(warm, written.find((f) => /[/\\]synth-/.test(f))!);
    expect(readFileSync(synthCache, "latin1").startsWith(`cody-v8-cache-2\n${join(ROOT, "dist", "commands", "synth.cjs")}|`)).toBe(true);
    for (const f of written.filter((f) => !/[/\\]ts[/\\]/.test(f))) expect(commandsOf(join(warm, f))).toEqual(["synth"]);
    const dir = warmCopy();
    const before = written.map((f) => statSync(join(dir, f)));

    const second = synth({ CODY_COMPILE_CACHE_DIR: dir });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(expected);
    // Accepted by V8, so not rewritten: same inodes, same modification times.
    expect(files(dir)).toEqual(written);
    const after = written.map((f) => statSync(join(dir, f)));
    expect(after.map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
  });

  it.each([
    ["a flipped byte in the payload (V8 itself would crash on it)", (b: Buffer) => {
      const c = Buffer.from(b);
      for (let i = c.length - 5000; i < c.length - 4000; i++) c[i] = c[i]! ^ 0xff;
      return c;
    }],
    ["a truncated file", (b: Buffer) => b.subarray(0, b.length >> 1)],
    ["garbage", () => Buffer.from("not a cache at all")],
    ["an empty file", () => Buffer.alloc(0)],
    ["the cache of another build of the bundle", (b: Buffer) => Buffer.from(b.toString("latin1").replace(/\|(\d+)\|/, "|1$1|"), "latin1")],
  ])("ignores and replaces %s", (_what, damage) => {
    const dir = warmCopy();
    const path = join(dir, files(dir).find((f) => /[/\\]synth-/.test(f))!);
    const good = readFileSync(path);
    const bad = damage(good);
    writeFileSync(path, bad);

    const r = synth({ CODY_COMPILE_CACHE_DIR: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toBe("");
    // Rewritten whole: an intact cache again, not the damaged bytes.
    const now = readFileSync(path);
    expect(now.equals(bad)).toBe(false);
    expect(commandsOf(path)).toEqual(["synth"]);
  });

  it("agrees across concurrent runs and leaves no temporary files", async () => {
    const serial = warm;
    const dir = freshDir();
    const runs = await Promise.all(Array.from({ length: 4 }, () => synthAsync({ CODY_COMPILE_CACHE_DIR: dir })));
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(expected);
    }
    expect(files(dir)).toEqual(files(serial));
  });

  it("deletes the files of bundles that are gone, and old temporary files, when it writes", () => {
    const dir = warmCopy();
    const kept = files(dir);
    const folder = join(dir, kept[0]!.split(/[/\\]/)[0]!);
    // A cache of a chunk an older build had, a temporary file a killed run left, and one being written now.
    writeFileSync(join(folder, "chunk-OLD-00000000.bin"), cache.encode(`${join(ROOT, "dist", "chunks", "chunk-OLD.cjs")}|10|1|10`, Buffer.from("x"), crc32));
    // Files of another format of the cache (another cody version sharing the folder): kept while their
    // bundle is there, deleted when it is gone.
    const synthBundle = statSync(join(ROOT, "dist", "commands", "synth.cjs"));
    const otherVersion = join(folder, "synth-11111111.bin");
    writeFileSync(otherVersion, `cody-v8-cache-1\n${join(ROOT, "dist", "commands", "synth.cjs")}|${synthBundle.size}|${synthBundle.mtimeMs}|${synthBundle.size}\n0\nx`);
    writeFileSync(join(folder, "chunk-OLD-11111111.bin"), `cody-v8-cache-1\n${join(ROOT, "dist", "chunks", "chunk-OLD.cjs")}|10|1|10\n0\nx`);
    const oldTmp = join(folder, "synth-00000000.bin.1.a.tmp");
    const newTmp = join(folder, "synth-00000000.bin.2.b.tmp");
    writeFileSync(oldTmp, "");
    writeFileSync(newTmp, "");
    utimesSync(oldTmp, new Date(Date.now() - 2 * 3600_000), new Date(Date.now() - 2 * 3600_000));
    // Something to write: the synth bundle's cache is gone.
    rmSync(join(dir, kept.find((f) => /[/\\]synth-/.test(f))!));

    expect(synth({ CODY_COMPILE_CACHE_DIR: dir }).code).toBe(0);
    expect(files(dir)).toEqual([...kept, relative(dir, newTmp), relative(dir, otherVersion)].sort());
  });

  it("adds another command's functions to the chunks it shares, once per command", () => {
    // The known flaw this fixes: the cache of a shared chunk held only the functions of whichever command
    // ran first after a build, so every other command compiled its own lazily, on every run.
    const dir = warmCopy();
    const stat = (f: string) => statSync(join(dir, f));
    const synthFiles = files(dir).filter((f) => !/[/\\]ts[/\\]/.test(f));
    const before = new Map(synthFiles.map((f) => [f, stat(f)]));
    const policy = cody("policy", { CODY_COMPILE_CACHE_DIR: dir });
    expect(policy.code, policy.stderr).toBe(0);
    // What `cody policy` shares with synth (the core, zod, sucrase...) now holds both commands' runs.
    const shared = synthFiles.filter((f) => commandsOf(join(dir, f))!.includes("policy"));
    expect(shared.length).toBeGreaterThan(5);
    for (const f of shared) expect(commandsOf(join(dir, f))).toEqual(["synth", "policy"]);
    for (const f of synthFiles.filter((f) => !shared.includes(f))) expect(stat(f).mtimeMs).toBe(before.get(f)!.mtimeMs);
    expect(synthFiles.filter((f) => /[/\\](cli|synth)-/.test(f) && shared.includes(f))).toEqual([expect.stringMatching(/cli-/)]);
    // The union is bigger: policy's functions were added, synth's kept.
    const size = (list: string[], of: (f: string) => number) => list.reduce((sum, f) => sum + of(f), 0);
    expect(size(shared, (f) => stat(f).size)).toBeGreaterThan(size(shared, (f) => before.get(f)!.size));
    // policy's own bundles: new files with policy only.
    const policyOnly = files(dir).filter((f) => !synthFiles.includes(f) && !/[/\\]ts[/\\]/.test(f));
    expect(policyOnly.length).toBeGreaterThan(0);
    for (const f of policyOnly) expect(commandsOf(join(dir, f))).toEqual(["policy"]);

    // Settled: neither command writes again.
    const settled = files(dir).map((f) => [f, stat(f).ino, stat(f).mtimeMs]);
    expect(cody("policy", { CODY_COMPILE_CACHE_DIR: dir }).code).toBe(0);
    const again = synth({ CODY_COMPILE_CACHE_DIR: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(expected);
    expect(files(dir).map((f) => [f, stat(f).ino, stat(f).mtimeMs])).toEqual(settled);
  });

  it("keeps what sucrase made of the .cody/*.ts files until they change, and never loads sucrase for a hit", () => {
    const project = join(scratch, "ts", "demo"); // the same folder name: the same template
    cpSync(DEMO, project, { recursive: true });
    const dir = warmCopy();
    const run = () => {
      const r = spawnSync(process.execPath, ["--require", RECORD, CLI, "synth"], { cwd: project, env: env({ CODY_COMPILE_CACHE_DIR: dir }), encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return { stdout: r.stdout, sucrase: r.stderr.includes("sucrase.cjs") };
    };
    const first = run();
    expect(first.sucrase).toBe(true); // another path: not the warm folder's files
    expect(first.stdout).toBe(expected);
    expect(run()).toEqual({ stdout: expected, sucrase: false });
    // An edit: compiled again, never the old output; a damaged entry: compiled again, then rewritten.
    const file = join(project, ".cody", "project.ts");
    writeFileSync(file, readFileSync(file, "utf8").replace('team: "platform"', 'team: "edited"'));
    const edited = run();
    expect(edited.sucrase).toBe(true);
    expect(edited.stdout).toContain("Value: edited");
    expect(run()).toEqual({ stdout: edited.stdout, sucrase: false });
    const entries = files(dir).filter((f) => /[/\\]ts[/\\]project\.ts-/.test(f));
    expect(entries).toHaveLength(2); // the demo's and this copy's
    for (const f of entries) {
      const bytes = readFileSync(join(dir, f));
      bytes[bytes.length - 10] = bytes[bytes.length - 10]! ^ 1;
      writeFileSync(join(dir, f), bytes);
    }
    expect(run()).toEqual({ stdout: edited.stdout, sucrase: true });
    expect(run()).toEqual({ stdout: edited.stdout, sucrase: false });
  });

  it("works when the cache folder cannot be created", () => {
    const blocker = join(scratch, "a-file");
    writeFileSync(blocker, "");
    const r = synth({ CODY_COMPILE_CACHE_DIR: join(blocker, "cache") });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(expected);
    expect(r.stderr).toBe("");
  });

  it("is off with CODY_NO_COMPILE_CACHE=1", () => {
    const dir = freshDir();
    const r = synth({ CODY_COMPILE_CACHE_DIR: dir, CODY_NO_COMPILE_CACHE: "1" });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });

  it("holds only the entry and its help after `cody --help`, which compiles no command bundle", () => {
    const dir = freshDir();
    const r = spawnSync(process.execPath, [CLI, "--help"], { env: env({ CODY_COMPILE_CACHE_DIR: dir }), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(files(dir)).toEqual([expect.stringMatching(/[/\\]cli-[0-9a-f]{8}\.bin$/), expect.stringMatching(/[/\\]cli-[0-9a-f]{8}\.help\.txt$/)]);
    expect(commandsOf(join(dir, files(dir)[0]!))).toEqual(["cli"]);
  });

  it("prints the help an earlier `cody --help` of the same build printed, without loading the CLI", () => {
    const dir = freshDir();
    const help = (args: string[], extra: Record<string, string> = {}) => {
      const r = spawnSync(process.execPath, ["--require", RECORD, CLI, ...args], { env: env({ CODY_COMPILE_CACHE_DIR: dir, ...extra }), encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return { stdout: r.stdout, cli: r.stderr.includes(join("dist", "cli.cjs")) };
    };
    const plain = help(["--help"], { CODY_NO_COMPILE_CACHE: "1" });
    expect(plain.stdout).toMatch(/^Usage: cody \[options\] \[command\]\n[^]*Commands:\n[^]*Exit codes:/);
    expect(help(["--help"])).toEqual(plain); // rendered by commander, and kept
    expect(help(["--help"])).toEqual({ stdout: plain.stdout, cli: false });
    expect(help(["-h"])).toEqual({ stdout: plain.stdout, cli: false });
    // Anything else runs the CLI: another command's help, or help with another option.
    expect(help(["synth", "--help"]).cli).toBe(true);
    expect(help(["--help", "--debug"]).cli).toBe(true);
    // A damaged file is not printed, and is written again.
    const file = join(dir, files(dir).find((f) => f.endsWith(".help.txt"))!);
    writeFileSync(file, readFileSync(file, "utf8").replace("Commands:", "Commandz:"));
    expect(help(["--help"])).toEqual(plain);
    expect(help(["--help"])).toEqual({ stdout: plain.stdout, cli: false });
  });
});

describe("the cache file format", () => {
  const payload = Buffer.from("some bytes V8 produced");

  it("round-trips the payload and the commands for the same key", () => {
    const decoded = cache.decode(cache.encode("k|1|2", payload, crc32, ["synth", "deploy"]), "k|1|2", crc32);
    expect(decoded?.payload.equals(payload)).toBe(true);
    expect(decoded?.commands).toEqual(["synth", "deploy"]);
    expect(cache.decode(cache.encode("k|1|2", payload, crc32), "k|1|2", crc32)?.commands).toEqual([]);
  });

  it("refuses another key, a changed byte (of the payload or the commands) and a missing tail", () => {
    const bytes = cache.encode("k|1|2", payload, crc32, ["synth"]);
    expect(cache.decode(bytes, "k|1|3", crc32)).toBeUndefined();
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3] = flipped[flipped.length - 3]! ^ 1;
    expect(cache.decode(flipped, "k|1|2", crc32)).toBeUndefined();
    const renamed = Buffer.from(bytes.toString("latin1").replace("\nsynth\n", "\nsynti\n"), "latin1");
    expect(renamed.length).toBe(bytes.length);
    expect(cache.decode(renamed, "k|1|2", crc32)).toBeUndefined();
    expect(cache.decode(bytes.subarray(0, bytes.length - 1), "k|1|2", crc32)).toBeUndefined();
  });

  it("lives in the user's cache folder, per Node version, unless moved or turned off", () => {
    const folder = cache.cacheFolder({ XDG_CACHE_HOME: "/x" });
    if (process.platform === "linux") expect(folder).toBe(`/x/codybuild/compile-cache/node-${process.version}-${process.arch}`);
    expect(cache.cacheFolder({ CODY_COMPILE_CACHE_DIR: "/y" })).toBe(`/y/node-${process.version}-${process.arch}`);
    expect(cache.cacheFolder({ CODY_NO_COMPILE_CACHE: "1" })).toBeUndefined();
  });
});
