// The examples under examples/ as test cases, and how the golden and cfn-lint tests synthesize them:
// the BUILT cli in a child process, run from the example's folder, with no AWS_* or CODY_* variables,
// so the template depends on the example alone.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const EXAMPLES_DIR = join(ROOT, "examples");
export const GOLDEN_DIR = fileURLToPath(new URL("./__golden__", import.meta.url));
const CLI = join(ROOT, "bin", "cody.cjs");
const BUNDLE = join(ROOT, "dist", "cli.cjs");

/** The env cody uses when neither --env, CODY_ENV nor AWS_PROFILE names one. */
const DEFAULT_ENV = "development";

export interface ExampleCase {
  /** `<example>[-type][-env]`: the golden file's name without `.yaml`. */
  name: string;
  example: string;
  type?: string;
  env?: string;
  cwd: string;
  /** Arguments after `synth`. */
  args: string[];
  golden: string;
}

/**
 * Every example, each `--type` it has (`.cody/<type>/project.ts`), and each env other than the default
 * that has a variables file (`variables/<env>.ts` at the top or in the type's folder).
 */
export function exampleCases(): ExampleCase[] {
  const cases: ExampleCase[] = [];
  for (const example of readdirSync(EXAMPLES_DIR).sort()) {
    const cwd = join(EXAMPLES_DIR, example);
    const cody = join(cwd, ".cody");
    if (!existsSync(cody)) continue;
    const types = readdirSync(cody)
      .filter((entry) => existsSync(join(cody, entry, "project.ts")))
      .sort();
    const targets: Array<string | undefined> = [...(existsSync(join(cody, "project.ts")) ? [undefined] : []), ...types];
    for (const type of targets) {
      const envs = variableEnvs(join(cody, "variables"), type ? join(cody, type, "variables") : undefined);
      for (const env of [undefined, ...envs]) {
        const name = [example, type, env].filter(Boolean).join("-");
        cases.push({
          name,
          example,
          type,
          env,
          cwd,
          args: [...(type ? ["--type", type] : []), ...(env ? ["--env", env] : [])],
          golden: join(GOLDEN_DIR, `${name}.yaml`),
        });
      }
    }
  }
  return cases;
}

function variableEnvs(...dirs: Array<string | undefined>): string[] {
  const envs = new Set<string>();
  for (const dir of dirs) {
    if (!dir || !existsSync(dir)) continue;
    for (const file of readdirSync(dir)) {
      const env = basename(file, ".ts");
      if (file.endsWith(".ts") && env !== "base" && env !== DEFAULT_ENV) envs.add(env);
    }
  }
  return [...envs].sort();
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

export interface SynthRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function synth(c: ExampleCase, format?: "yaml" | "json"): SynthRun {
  const run = spawnSync(process.execPath, [CLI, "synth", ...c.args, ...(format ? ["--format", format] : [])], {
    cwd: c.cwd,
    env: cleanEnv(),
    encoding: "utf8",
    timeout: 30_000,
  });
  if (run.error) throw run.error;
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/**
 * The tests run the bundle, so a missing or stale one would test old code: say so instead of
 * reporting golden differences that a rebuild would explain.
 */
export function assertBuilt(): void {
  if (!existsSync(BUNDLE)) throw new Error("dist/cli.cjs is missing: run `npm run build` first.");
  const built = statSync(BUNDLE).mtimeMs;
  const newer = newestFile(join(ROOT, "src"));
  if (newer && newer.mtimeMs > built) {
    throw new Error(`dist/cli.cjs is older than ${relative(ROOT, newer.path)}: run \`npm run build\` first.`);
  }
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
