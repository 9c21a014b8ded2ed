// Start-up benchmark of the built CLI (`npm run bench:startup` builds first). Runs every command
// interleaved with bare `node -e 0` (A B C … A B C …) so the machine's state swings (docs/architecture.md#start-up:
// the floor flips between ~57 and ~80 ms) hit every row alike, then prints min/median/max, the cost
// over the floor and the targets, then the size of dist/. It prints numbers; it is not a test
// and exits 0 on a MISS.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { positiveInt, requireBuild, root } from "./common.mjs";

// `--aws`: the CPU time of the commands that call AWS, against a moto it starts (bench/startup-aws.mjs).
if (process.argv.includes("--aws")) {
  await import("./startup-aws.mjs");
  process.exit(0);
}

const cody = join(root, "bin", "cody.cjs");
const node = process.execPath;
const runs = positiveInt(process.env.BENCH_RUNS, 20);
const warmups = 2;
const rssRuns = positiveInt(process.env.BENCH_RSS_RUNS, 3);
const TIME = "/usr/bin/time";

requireBuild("bench:startup");

const scratch = mkdtempSync(join(tmpdir(), "cody-bench-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** A directory that looks like a fresh clone: a .git/config with an origin remote, as `cody init` reads it. */
function fakeRepo(dir) {
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = git@github.com:example-org/bench-app.git\n');
  return dir;
}

/** examples/demo when it exists; otherwise a project scaffolded by `cody init` in a temp dir. */
function synthProject() {
  const demo = join(root, "examples", "demo");
  if (existsSync(join(demo, ".cody"))) return { cwd: demo, label: "examples/demo" };
  const dir = fakeRepo(join(scratch, "bench-app"));
  const r = spawnSync(node, [cody, "init"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`cody init for the synth project failed:\n${r.stderr}`);
  return { cwd: dir, label: "temp project from `cody init`" };
}

const project = synthProject();
let initCount = 0;

/** The cody rows for one build. expect: the exit code, so a crash is not benchmarked as a fast start. */
function codyCommands(bin, suffix = "") {
  return [
    { name: `cody --help${suffix}`, args: [bin, "--help"], cwd: root, expect: 0, target: 1.2 },
    { name: `cody synth${suffix}`, args: [bin, "synth"], cwd: project.cwd, expect: 0, target: 1.8 },
    // The same without the V8 code cache (bin/compile-cache.cjs): a first run, or CODY_NO_COMPILE_CACHE=1.
    { name: `cody synth, no code cache${suffix}`, args: [bin, "synth"], cwd: project.cwd, expect: 0, env: { CODY_NO_COMPILE_CACHE: "1" } },
    {
      name: `cody init${suffix}`,
      args: [bin, "init"],
      // A fresh directory per run, made before the clock starts.
      cwd: () => fakeRepo(join(scratch, `init-${initCount++}`)),
      expect: 0,
    },
    // The generic deploy policy (the repository root has no .cody/): no AWS SDK, no project to load.
    { name: `cody policy${suffix}`, args: [bin, "policy"], cwd: root, expect: 0 },
  ];
}

// BENCH_BASELINE=<dir with bin/cody.cjs and its dist/>: the same commands of another build, interleaved
// in the same rounds, for a before/after comparison that the machine's state swings cannot skew.
const baseline = process.env.BENCH_BASELINE;
if (baseline && !existsSync(join(baseline, "bin", "cody.cjs"))) {
  console.error(`BENCH_BASELINE=${baseline} has no bin/cody.cjs.`);
  process.exit(1);
}
// The baseline's compile cache lives in a folder of its own: two builds (possibly two formats of the
// cache) sharing one folder would each prune and rewrite the other's files on every run.
const baselineCache = { CODY_COMPILE_CACHE_DIR: join(scratch, "compile-cache-baseline") };
const commands = [
  { name: "node -e 0", args: ["-e", "0"], cwd: root, expect: 0 },
  ...codyCommands(cody),
  ...(baseline ? codyCommands(join(baseline, "bin", "cody.cjs"), " (baseline)").map((cmd) => ({ ...cmd, env: { ...cmd.env, ...baselineCache } })) : []),
];

function runOnce(cmd, { rss = false } = {}) {
  const cwd = typeof cmd.cwd === "function" ? cmd.cwd() : cmd.cwd;
  const rssFile = join(scratch, "rss.txt");
  const [file, args] = rss ? [TIME, ["-f", "%M", "-o", rssFile, node, ...cmd.args]] : [node, cmd.args];
  const start = process.hrtime.bigint();
  const env = cmd.env ? { ...process.env, ...cmd.env } : process.env;
  const r = spawnSync(file, args, { cwd, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.error) throw r.error;
  if (r.status !== cmd.expect) {
    throw new Error(`\`${cmd.name}\` exited ${r.status} (expected ${cmd.expect}) in ${cwd}:\n${r.stderr}`);
  }
  return rss ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) : ms;
}

const times = commands.map(() => []);
for (let round = 0; round < warmups + runs; round++) {
  commands.forEach((cmd, i) => {
    const ms = runOnce(cmd);
    if (round >= warmups) times[i].push(ms);
  });
}

// Peak RSS in a separate, short pass: /usr/bin/time adds a fork, so it stays out of the timed runs.
const rss = existsSync(TIME)
  ? commands.map((cmd) => median(Array.from({ length: rssRuns }, () => runOnce(cmd, { rss: true }))))
  : undefined;

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const floor = median(times[0]);
const rows = commands.map((cmd, i) => {
  const t = times[i];
  const med = median(t);
  // Paired Δ: the median of (command − node -e 0) within the same round, steadier than a difference of medians.
  const paired = median(t.map((ms, r) => ms - times[0][r]));
  const ratio = med / floor;
  const target = cmd.target ? `≤ ${cmd.target}× ${ratio <= cmd.target ? "PASS" : "MISS"}` : "";
  return [
    cmd.name,
    Math.min(...t).toFixed(1),
    med.toFixed(1),
    Math.max(...t).toFixed(1),
    i === 0 ? "—" : `+${(med - floor).toFixed(1)}`,
    i === 0 ? "—" : `+${paired.toFixed(1)}`,
    `${ratio.toFixed(2)}×`,
    rss ? `${(rss[i] / 1024).toFixed(0)} MiB` : "n/a",
    target,
  ];
});

const header = ["command", "min", "median", "max", "median − floor", "paired Δ", "ratio", "peak RSS", "target"];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
const line = (cells) => cells.map((cell, c) => (c === 0 || c === 8 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");

console.log(`cody start-up, ${runs} interleaved runs each after ${warmups} warm-ups; times in ms (wall clock, spawn to exit)`);
console.log(`node ${process.version}; synth runs in ${project.label}; floor = median of \`node -e 0\` = ${floor.toFixed(1)} ms`);
// Node 20 reads and parses the file NODE_EXTRA_CA_CERTS names at every start, TLS or not: with the
// system bundle that is ~70 ms here, in the floor and in every cody run alike, so ratios shrink.
if (process.env.NODE_EXTRA_CA_CERTS) console.log(`NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): every run, the floor included, parses it at start; \`env -u NODE_EXTRA_CA_CERTS\` measures without it`);
if (baseline) console.log(`baseline: ${baseline}`);
console.log("");
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const row of rows) console.log(line(row));
if (!rss) console.log(`\n(peak RSS skipped: ${TIME} not found)`);

/** Bytes of the files under `dir`, by group: what `npm pack` ships of dist/. */
function distSizes(dir) {
  const groups = new Map();
  for (const f of readdirSync(dir, { recursive: true })) {
    const path = join(dir, String(f));
    if (!statSync(path).isFile()) continue;
    const name = String(f).replace(/\\/g, "/");
    const group = name.startsWith("commands/")
      ? "commands/*.cjs (one per command)"
      : name.startsWith("chunks/")
        ? "chunks/*.cjs (shared by commands)"
        : name === "cli.cjs"
          ? "cli.cjs (entry, --help)"
          : name.startsWith("index.")
            ? "index.* (the DSL: codybuild)"
            : "other";
    const g = groups.get(group) ?? { files: 0, bytes: 0 };
    g.files += 1;
    g.bytes += statSync(path).size;
    groups.set(group, g);
  }
  return groups;
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
function printSizes(label, dir) {
  const groups = distSizes(dir);
  const total = [...groups.values()].reduce((sum, g) => sum + g.bytes, 0);
  const files = [...groups.values()].reduce((sum, g) => sum + g.files, 0);
  console.log(`\n${label}: ${(total / 1024 / 1024).toFixed(2)} MB in ${files} files`);
  for (const [group, g] of [...groups].sort((a, b) => b[1].bytes - a[1].bytes)) {
    console.log(`  ${group.padEnd(36)} ${String(g.files).padStart(3)} files  ${kb(g.bytes).padStart(9)}`);
  }
}
printSizes("dist/", join(root, "dist"));
if (baseline) printSizes("baseline dist/", join(baseline, "dist"));
