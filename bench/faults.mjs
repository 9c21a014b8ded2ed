// Fault benchmark (`npm run bench:faults` builds first): how cody fares when the network and AWS
// misbehave. For each fault kind and rate, the fault proxy (test/support/fault-proxy.mjs) in front of
// our moto launcher hits that share of ALL requests, and a create, no-op and update deploy, a start, a
// list and a delete of examples/demo run through it. Printed per cell: how many succeeded, and the
// median extra time over the same operation without faults. Each operation starts from the state it
// needs, set up with the faults off, so one failure does not cascade. It prints numbers; not a test.
//
//   BENCH_RUNS=3 BENCH_KINDS=throttle,5xx BENCH_RATES=0.1,0.5 npm run bench:faults
/* global setTimeout, clearTimeout */
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMoto } from "../scripts/moto.mjs";
import { faultProxy } from "../test/support/fault-proxy.mjs";
import { requireBuild, requireMoto, root } from "./common.mjs";

// BENCH_CODY: a frozen copy of the build (bin/cody.cjs), so a rebuild during the run cannot break it.
const cody = process.env.BENCH_CODY ?? join(root, "bin", "cody.cjs");
const example = join(root, "examples", "demo", ".cody");
const runs = Number(process.env.BENCH_RUNS) > 0 ? Number(process.env.BENCH_RUNS) : 1;
const kinds = (process.env.BENCH_KINDS ?? "throttle,5xx,html502,reset-before,reset-after,delay").split(",");
const rates = (process.env.BENCH_RATES ?? "0.1,0.3,0.5").split(",").map(Number);
const OPS = ["create", "no-op", "update", "start", "list", "delete"];

if (!process.env.BENCH_CODY) requireBuild("bench:faults");
requireMoto("bench:faults");

const scratch = mkdtempSync(join(tmpdir(), "cody-bench-faults-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
let copies = 0;

function freshDemo() {
  const dir = join(scratch, String(copies++), "demo");
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  cpSync(example, join(dir, ".cody"), { recursive: true });
  return dir;
}

function setRate(dir, rate) {
  const path = join(dir, ".cody", "schedule.ts");
  writeFileSync(path, readFileSync(path, "utf8").replace(/rate: "[^"]*"/, `rate: "${rate}"`));
}

const moto = await startMoto({ timeoutMs: 90_000 });
const proxy = await faultProxy(moto.endpoint);
const env = { ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint, CI: "true", CODY_REQUEST_TIMEOUT: "10" };

function run(args, cwd) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cody, ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, ms: Number(process.hrtime.bigint() - start) / 1e6, stderr });
    });
  });
}

/** Runs `op` once with `rule` on (null: no faults), after setting up what it needs with faults off. */
async function measure(op, rule) {
  await moto.reset();
  proxy.clear();
  const dir = freshDemo();
  if (op !== "create") {
    const r = await run(["deploy", "--skip-preflight"], dir);
    if (r.code !== 0) return { ok: false, ms: 0, stackTrace: false, setupFailed: r.stderr };
  }
  if (op === "update") setRate(dir, "12 hours");
  if (rule) proxy.add(rule);
  const args = {
    create: ["deploy", "--skip-preflight"],
    "no-op": ["deploy", "--skip-preflight"],
    update: ["deploy", "--skip-preflight"],
    start: ["start"],
    list: ["list"],
    delete: ["delete", "--yes"],
  }[op];
  const r = await run(args, dir);
  return { ok: r.code === 0, ms: r.ms, stackTrace: /\n\s+at .+:\d+:\d+/.test(r.stderr) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const baseline = {};
for (const op of OPS) {
  const times = [];
  for (let i = 0; i < Math.max(runs, 2); i++) times.push((await measure(op, null)).ms);
  baseline[op] = median(times);
}

const rows = [];
let traces = 0;
for (const kind of kinds) {
  for (const rate of rates) {
    const cells = [];
    for (const op of OPS) {
      const results = [];
      for (let i = 0; i < runs; i++) results.push(await measure(op, { kind, rate, ms: 1000 }));
      traces += results.filter((r) => r.stackTrace).length;
      const ok = results.filter((r) => r.ok);
      const extra = ok.length ? (median(ok.map((r) => r.ms)) - baseline[op]) / 1000 : NaN;
      cells.push(`${ok.length}/${runs} ${Number.isNaN(extra) ? "   —" : `${extra >= 0 ? "+" : ""}${extra.toFixed(1)}s`}`);
    }
    rows.push([kind, `${Math.round(rate * 100)}%`, ...cells]);
    process.stderr.write(".");
  }
}
process.stderr.write("\n");

const header = ["fault", "rate", ...OPS];
const table = [header, ...rows];
const widths = header.map((_, i) => Math.max(...table.map((r) => r[i].length)));
console.log(`baseline (no faults), median ms: ${OPS.map((op) => `${op} ${Math.round(baseline[op])}`).join(", ")}`);
console.log(`each cell: succeeded/runs and median extra time of the successful runs; ${runs} run(s) per cell`);
for (const r of table) console.log(r.map((c, i) => c.padEnd(widths[i])).join("  "));
console.log(`stack traces in any output: ${traces}`);

await proxy.close();
await moto.stop();
