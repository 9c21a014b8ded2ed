// CPU cost of the offline commands (`node bench/startup-cpu.mjs`, after `npm run build`): `cody synth`
// of examples/demo and `cody --help`, interleaved with bare `node -e 0`, as user + system CPU time of
// the child (wait4, through a tiny Python wrapper) rather than wall time, which on a shared machine
// mostly measures waiting for a CPU. BENCH_BASELINE=<dir with another build's bin/ + dist/> adds that
// build's rows to the same rounds, each build with its own compile cache folder. BENCH_RUNS (default
// 30) counted rounds after 2 warm-ups. It prints numbers; it is not a test. It exits 1 only when a
// command fails.
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { positiveInt, requireBuild, root, baselineBuild } from "./common.mjs";

const runs = positiveInt(process.env.BENCH_RUNS, 30);
const warmups = 2;
requireBuild();
const baseline = baselineBuild();

// Runs argv and prints the child's user+system CPU seconds (wait4) and its exit code.
const CPU_OF = `
import os, sys, subprocess
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
_, status, ru = os.wait4(p.pid, 0)
sys.stdout.write("%f %d\\n" % (ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)))
`;

const scratch = mkdtempSync(join(tmpdir(), "cody-bench-cpu-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));
const project = join(scratch, "demo");
cpSync(join(root, "examples", "demo"), project, { recursive: true });

const rows = (dir, suffix, cache) => [
  { name: `cody --help${suffix}`, args: [join(dir, "bin", "cody.cjs"), "--help"], cache },
  { name: `cody synth${suffix}`, args: [join(dir, "bin", "cody.cjs"), "synth"], cache },
];
const commands = [
  { name: "node -e 0", args: ["-e", "0"] },
  ...rows(root, "", join(scratch, "compile-cache")),
  ...(baseline ? rows(baseline, " (baseline)", join(scratch, "compile-cache-baseline")) : []),
];

const cpu = commands.map(() => []);
for (let round = 0; round < warmups + runs; round++) {
  for (const [i, cmd] of commands.entries()) {
    const env = { ...process.env, ...(cmd.cache ? { CODY_COMPILE_CACHE_DIR: cmd.cache } : {}) };
    const out = execFileSync("python3", ["-c", CPU_OF, process.execPath, ...cmd.args], { cwd: project, env, encoding: "utf8" });
    const [seconds, code] = out.trim().split(" ").map(Number);
    if (code !== 0) {
      console.error(`${cmd.name} exited with ${code}`);
      process.exit(1);
    }
    if (round >= warmups) cpu[i].push(seconds * 1000);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
console.log(`CPU ms (user + system), ${runs} interleaved rounds after ${warmups} warm-ups; node ${process.version}`);
if (process.env.NODE_EXTRA_CA_CERTS) console.log(`NODE_EXTRA_CA_CERTS is set: every run, the floor included, parses it at start`);
if (baseline) console.log(`baseline: ${baseline}`);
const table = [["command", "min", "median", "max", "paired Δ over node -e 0"]];
for (const [i, cmd] of commands.entries()) {
  const delta = median(cpu[i].map((ms, r) => ms - cpu[0][r]));
  const paired = i === 0 ? "—" : `${delta < 0 ? "" : "+"}${delta.toFixed(1)}`;
  table.push([cmd.name, Math.min(...cpu[i]).toFixed(0), median(cpu[i]).toFixed(1), Math.max(...cpu[i]).toFixed(0), paired]);
}
if (baseline) {
  for (const [i, cmd] of commands.entries()) {
    const j = commands.findIndex((c) => c.name === `${cmd.name} (baseline)`);
    if (j < 0) continue;
    table.push([`${cmd.name}: this − baseline`, "", "", "", `${median(cpu[i].map((ms, r) => ms - cpu[j][r])).toFixed(1)}`]);
  }
}
const widths = table[0].map((_, c) => Math.max(...table.map((r) => String(r[c]).length)));
for (const r of table) console.log(r.map((v, c) => (c === 0 ? String(v).padEnd(widths[c]) : String(v).padStart(widths[c]))).join("  "));
