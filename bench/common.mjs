// What every bench script starts with: integer settings read from the environment, and a refusal to run
// without a build or without moto that names the npm script (which builds first) or the fix.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { findPython } from "../scripts/moto.mjs";

export const root = fileURLToPath(new URL("..", import.meta.url));

/** `text` as a positive integer, or `fallback` when it is not one (unset included). */
export function positiveInt(text, fallback) {
  const n = Number(text);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** Exits 1 when dist/ is not built; `script` is the npm script that builds first, when there is one. */
export function requireBuild(script) {
  if (existsSync(join(root, "dist", "cli.cjs"))) return;
  console.error(`dist/cli.cjs is missing: run \`npm run build\`${script ? ` (or \`npm run ${script}\`, which builds first)` : " first"}.`);
  process.exit(1);
}

/** BENCH_BASELINE, another build to measure in the same rounds, when set; exits 1 when it holds no bin/cody.cjs. */
export function baselineBuild() {
  const baseline = process.env.BENCH_BASELINE;
  if (baseline && !existsSync(join(baseline, "bin", "cody.cjs"))) {
    console.error(`BENCH_BASELINE=${baseline} has no bin/cody.cjs.`);
    process.exit(1);
  }
  return baseline;
}

/** The Python that can run moto; exits 1 naming `bench` when there is none. */
export function requireMoto(bench) {
  const python = findPython();
  if (python) return python;
  console.error(`${bench} needs moto: no python3 on PATH can \`import moto.server\` (set MOTO_PYTHON to one that can).`);
  process.exit(1);
}
