// `npm test`: build, typecheck and lint side by side, then vitest once the build is done (its tests run
// the built CLI). typecheck and lint need no build; they run at a lower CPU priority, so on two cores
// they fill the time the build and vitest spend waiting (on spawned CLIs and moto) instead of slowing
// them. vitest prints as it goes; the other two are collected and printed after it, each under its own
// heading, so nothing interleaves. Exits non-zero when any step fails, naming the ones that did. Extra
// arguments go to vitest.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { setPriority } from "node:os";
import { delimiter } from "node:path";
import { fileURLToPath } from "node:url";

// The package's own scripts (build, typecheck, lint), run by a shell as npm would run them, without an npm
// process each (~0.3 CPU-s apiece): node_modules/.bin first on PATH, like `npm run`.
const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const bin = fileURLToPath(new URL("../node_modules/.bin", import.meta.url));
// Node 20 parses NODE_EXTRA_CA_CERTS at every process start (~80 ms CPU each here, for the whole system
// bundle); nothing npm test runs makes a TLS connection. vitest.config.ts drops it for its own children.
const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH ?? ""}` };
delete env.NODE_EXTRA_CA_CERTS;
const started = Date.now();
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * Runs the package script `name`, or `command` with `args` when given; `collect` buffers its output
 * instead of passing it through.
 */
function step(name, { command, args = [], collect = false, background = false } = {}) {
  const since = Date.now();
  return new Promise((resolve) => {
    const options = { env, stdio: collect ? ["ignore", "pipe", "pipe"] : "inherit" };
    // A package script through a shell; `exec`: the shell becomes the script's process, so the priority
    // set below is that process's.
    const child = command
      ? spawn(command, args, options)
      : spawn(process.platform === "win32" ? scripts[name] : `exec ${scripts[name]}`, { ...options, shell: true });
    if (background && child.pid) {
      try {
        setPriority(child.pid, 10); // its children (tsc, eslint) inherit it
      } catch {
        // not permitted here: it then runs at normal priority, which is only slower
      }
    }
    let output = "";
    if (collect) {
      child.stdout.on("data", (chunk) => (output += chunk));
      child.stderr.on("data", (chunk) => (output += chunk));
    }
    child.once("error", (error) => resolve({ name, code: 1, output: `${output}${error.message}\n`, took: seconds(since) }));
    child.once("close", (code, signal) => resolve({ name, code: code ?? (signal ? 1 : 0), output, took: seconds(since) }));
  });
}

const checks = [
  step("typecheck", { collect: true, background: true }),
  step("lint", { collect: true, background: true }),
];
const build = await step("build");
if (build.code !== 0) {
  const done = await Promise.all(checks);
  for (const { name, code, output } of done) if (code !== 0) console.log(`\n── ${name} failed (exit ${code}) ──\n${output.trimEnd()}`);
  console.error(`npm test: build failed (exit ${build.code}), vitest did not run`);
  process.exit(build.code);
}
const vitest = await step("vitest", { command: process.execPath, args: ["node_modules/vitest/vitest.mjs", "run", ...process.argv.slice(2)] });
const results = [build, ...(await Promise.all(checks)), vitest];

for (const { name, code, output } of results.slice(1, 3)) {
  if (output.trim() || code !== 0) console.log(`\n── ${name} ${code === 0 ? "passed" : `failed (exit ${code})`} ──\n${output.trimEnd()}`);
}
console.log(`\n${results.map((r) => `${r.name} ${r.code === 0 ? "ok" : "FAILED"} (${r.took})`).join(", ")}; total ${seconds(started)}`);
const failed = results.filter((r) => r.code !== 0);
if (failed.length > 0) {
  console.error(`npm test: ${failed.map((r) => r.name).join(", ")} failed`);
  process.exit(1);
}
