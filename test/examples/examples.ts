// The examples under examples/ as test cases, and how the tests synthesize them: run from the example's
// folder, with no AWS_* or CODY_* variables, so the template depends on the example alone; by the BUILT
// cli in a child process (synth) or by run(argv) in the test's process (synthInProcess).
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanEnv, ROOT, runCodySync } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";

// The build check and the clean environment are test/_helpers/cli.ts's, re-exported for this folder's users.
export { assertBuilt, cleanEnv, ROOT } from "../_helpers/cli";
export const EXAMPLES_DIR = join(ROOT, "examples");
export const GOLDEN_DIR = fileURLToPath(new URL("./__golden__", import.meta.url));

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

export interface SynthRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `cody synth` of a case by the built binary in a child process. */
export function synth(c: ExampleCase, format?: "yaml" | "json"): SynthRun {
  const run = runCodySync(["synth", ...c.args, ...(format ? ["--format", format] : [])], { cwd: c.cwd });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}

/** The same, run(argv) in this process (test/_helpers/cli-in-process.ts): a spawn costs ~0.5 s of CPU. */
export async function synthInProcess(c: ExampleCase, format?: "yaml" | "json"): Promise<SynthRun> {
  const run = await runCodyInProcess(["synth", ...c.args, ...(format ? ["--format", format] : [])], { cwd: c.cwd, env: cleanEnv() });
  return { status: run.code, stdout: run.stdout, stderr: run.stderr };
}
