// The one way tests run cody: the BUILT binary (bin/cody.cjs → dist/) in a child process, checked to be
// fresh first. e2e tests add moto's environment on top (test/_helpers/e2e.ts); cli-in-process.ts runs
// run(argv) in the test's own process for cases that need no process of their own (the error corpus).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** The package's bin: what `npx cody` runs. */
export const codyBin = join(ROOT, "bin", "cody.cjs");
const DIST = join(ROOT, "dist");
const BUNDLE = join(DIST, "cli.cjs");

export interface CodyRun {
  /** Exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CodyOptions {
  cwd: string;
  /** The child's whole environment (default: cleanEnv()). */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (it is closed at once without). */
  input?: string;
  /** SIGKILL after this long, so a hung CLI cannot outlive its test; default 30 s. */
  timeoutMs?: number;
  /** Arguments for node before the script, e.g. ["--require", probe]. */
  nodeArgs?: string[];
}

/** process.env without AWS_* and CODY_* (a developer's profile or CODY_ENV must not change the output). */
export function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith("AWS_") || key.startsWith("CODY_") || key === "FORCE_COLOR") continue;
    env[key] = value;
  }
  env.NO_COLOR = "1";
  return env;
}

function definedEnv(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/**
 * A missing or stale build would test old code: say so instead of failing on differences a rebuild
 * explains. Stale = the oldest built CLI file (entry and lazily required command bundles) is older
 * than the newest file under src/. The global setup (test/support/build-once.ts) builds when needed.
 */
export function assertBuilt(): void {
  const stale = buildStaleness();
  if (stale) throw new Error(`${stale}: run \`npm run build\` first (npm test does).`);
}

/** Why dist/ must be rebuilt, or undefined when it is fresh. */
export function buildStaleness(): string | undefined {
  if (!existsSync(BUNDLE)) return "dist/cli.cjs is missing";
  const commands = join(DIST, "commands");
  const built = [BUNDLE, ...(existsSync(commands) ? readdirSync(commands).map((f) => join(commands, f)) : [])];
  const oldest = Math.min(...built.map((f) => statSync(f).mtimeMs));
  const newer = newestFile(join(ROOT, "src"));
  if (newer && newer.mtimeMs > oldest) return `dist/ is older than ${relative(ROOT, newer.path)}`;
  return undefined;
}

function newestFile(dir: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const found = entry.isDirectory() ? newestFile(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (found && (!newest || found.mtimeMs > newest.mtimeMs)) newest = found;
  }
  return newest;
}

/** `node bin/cody.cjs ...args` in a child process, without blocking the worker (vitest's RPC keeps running). */
export function runCody(args: string[], options: CodyOptions): Promise<CodyRun> {
  return runNode(codyBin, args, options);
}

/** `node <script> ...args`, as runCody does it: for a copy of the bin, or a script of the tests. */
export function runNode(script: string, args: string[], options: CodyOptions): Promise<CodyRun> {
  return new Promise((resolve, reject) => {
    const env = definedEnv(options.env ?? cleanEnv());
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { cwd: options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    child.stdin.end(options.input);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * The same, blocking: for files whose assertions are synchronous. Prefer runCody in loops (a long run
 * of blocking spawns starves vitest's worker RPC on a busy machine).
 */
export function runCodySync(args: string[], options: CodyOptions): CodyRun {
  const env = definedEnv(options.env ?? cleanEnv());
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), codyBin, ...args], {
    cwd: options.cwd,
    env,
    input: options.input ?? "",
    encoding: "utf8",
    timeout: options.timeoutMs ?? 30_000,
  });
  if (result.error) throw result.error;
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}
