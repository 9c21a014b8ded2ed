// CPU cost of the commands that call AWS (`npm run bench:startup -- --aws` builds first, or `node
// bench/startup-aws.mjs`): a no-op `cody deploy --yes`, `status`, `list` and `logs` of examples/demo
// against a moto this script starts, interleaved with bare `node -e 0`. It measures CPU time (user +
// system of the child, from wait4 through a tiny Python wrapper), not wall time: on a shared machine
// wall time mostly measures waiting for a CPU, and these commands also wait for moto's answers.
// BENCH_BASELINE=<dir with another build's bin/ + dist/> adds that build's rows to the same rounds.
// It prints numbers; it is not a test. It exits 1 only when a command fails.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startMoto } from "../scripts/moto.mjs";
import { positiveInt, requireBuild, requireMoto, root, baselineBuild } from "./common.mjs";

const cody = join(root, "bin", "cody.cjs");
const runs = positiveInt(process.env.BENCH_RUNS, 10);
const warmups = 2;

requireBuild();
const python = requireMoto("this benchmark");
const baseline = baselineBuild();

// Runs argv and prints the child's user+system CPU seconds (wait4), its exit code, then its stderr.
const CPU_OF = `
import os, sys, subprocess
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
err = p.stderr.read()
_, status, ru = os.wait4(p.pid, 0)
sys.stdout.write("%f %d\\n" % (ru.ru_utime + ru.ru_stime, os.waitstatus_to_exitcode(status)))
sys.stdout.write(err.decode("utf-8", "replace"))
`;

const scratch = mkdtempSync(join(tmpdir(), "cody-bench-aws-"));
const moto = await startMoto({ python });
const env = { ...moto.env(), CODY_COMPILE_CACHE_DIR: join(scratch, "compile-cache"), NO_COLOR: "1" };
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

const project = join(scratch, "demo");
cpSync(join(root, "examples", "demo"), project, { recursive: true });
mkdirSync(join(project, ".git"), { recursive: true });
writeFileSync(join(project, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');

// Asynchronous on purpose: moto's output is piped into this process (scripts/moto.mjs), and a blocked
// event loop would fill that pipe and stall moto.
const exec = promisify(execFile);
try {
  // The stack and one finished build, so that every measured command has something to show.
  for (const args of [["deploy", "--yes"], ["start"]]) await exec(process.execPath, [cody, ...args], { cwd: project, env, timeout: 120_000 });

  // Each build its own compile cache folder: another version's cache files are not this one's to use.
  const rows = (bin, suffix = "", cache = env.CODY_COMPILE_CACHE_DIR) => [
    { name: `cody deploy --yes (no-op)${suffix}`, args: [bin, "deploy", "--yes"], cache },
    { name: `cody status${suffix}`, args: [bin, "status"], cache },
    { name: `cody list${suffix}`, args: [bin, "list"], cache },
    { name: `cody logs${suffix}`, args: [bin, "logs"], cache },
  ];
  const commands = [
    { name: "node -e 0", args: ["-e", "0"] },
    ...rows(cody),
    ...(baseline ? rows(join(baseline, "bin", "cody.cjs"), " (baseline)", join(scratch, "compile-cache-baseline")) : []),
  ];

  const cpu = commands.map(() => []);
  for (let round = 0; round < warmups + runs; round++) {
    for (const [i, cmd] of commands.entries()) {
      const r = await exec(python, ["-c", CPU_OF, process.execPath, ...cmd.args], {
        cwd: project,
        env: cmd.cache ? { ...env, CODY_COMPILE_CACHE_DIR: cmd.cache } : env,
        timeout: 120_000,
      });
      const [head, ...rest] = r.stdout.split("\n");
      const [seconds, code] = head.split(" ").map(Number);
      if (code !== 0) throw new Error(`\`${cmd.name}\` exited ${code}:\n${rest.join("\n")}${r.stderr}`);
      if (round >= warmups) cpu[i].push(seconds * 1000);
    }
  }

  const floor = median(cpu[0]);
  const table = commands.map((cmd, i) => [
    cmd.name,
    Math.min(...cpu[i]).toFixed(0),
    median(cpu[i]).toFixed(0),
    Math.max(...cpu[i]).toFixed(0),
    i === 0 ? "—" : `+${median(cpu[i].map((ms, r) => ms - cpu[0][r])).toFixed(0)}`,
  ]);
  const header = ["command", "min", "median", "max", "paired Δ"];
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)));
  const line = (cells) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  console.log(`CPU time (user + system) of commands that call AWS, ${runs} interleaved runs each after ${warmups} warm-ups; ms`);
  console.log(`node ${process.version}; examples/demo against moto at ${moto.endpoint}; node -e 0 = ${floor.toFixed(0)} ms`);
  if (baseline) console.log(`baseline: ${baseline}`);
  console.log("");
  console.log(line(header));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of table) console.log(line(row));
} finally {
  await moto.stop();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
