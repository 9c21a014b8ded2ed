// Deploy benchmark (`npm run bench:deploy` builds first): wall time and AWS API calls of a create, a
// no-op and an update `cody deploy` of examples/demo against our moto launcher on 127.0.0.1. Calls are
// counted by a proxy between cody and moto (AWS_ENDPOINT_URL points at it), by X-Amz-Target or Action=.
// It prints numbers; it is not a test. It exits 1 only when a deploy itself fails.
// `--latency` (npm run bench:deploy -- --latency): instead, deploys through the fault proxy holding the
// stack in progress for ~10 s, and prints how late cody noticed it settle and its calls per minute.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { countingProxy, startMoto } from "../scripts/moto.mjs";
import { faultProxy } from "../test/support/fault-proxy.mjs";
import { positiveInt, requireBuild, requireMoto, root } from "./common.mjs";

const cody = process.env.BENCH_CODY ?? join(root, "bin", "cody.cjs");
const example = join(root, "examples", "demo");
const runs = positiveInt(process.env.BENCH_RUNS, 5);
const NOOP_BUDGET = 3; // docs/architecture.md#deploy: an unchanged template deploys in about a second, with few calls

requireBuild("bench:deploy");
const python = requireMoto("bench:deploy");

const scratch = mkdtempSync(join(tmpdir(), "cody-bench-deploy-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

/** A fresh copy of examples/demo in a folder named "demo", with a git remote like a clone's. */
function copyDemo(n) {
  const dir = join(scratch, String(n), "demo");
  cpSync(example, dir, { recursive: true });
  mkdirSync(join(dir, ".git"), { recursive: true });
  writeFileSync(join(dir, ".git", "config"), '[remote "origin"]\n\turl = https://github.com/acme/demo.git\n');
  return dir;
}

/** The update: a new image and schedule rate (CodeBuild project and events rule change). */
function editDemo(dir) {
  for (const [file, from, to] of [
    ["schedule.ts", /rate: "1 day"/, 'rate: "12 hours"'],
    ["project.ts", /^(\s*)computeType:/m, '$1linuxImage: "aws/codebuild/standard:6.0",\n$1computeType:'],
  ]) {
    const path = join(dir, ".cody", file);
    const text = readFileSync(path, "utf8");
    if (!from.test(text)) throw new Error(`.cody/${file} no longer matches ${from}: update bench/deploy.mjs`);
    writeFileSync(path, text.replace(from, to));
  }
}

/** Async on purpose: the counting proxy lives in this process and must keep serving while cody runs. */
function timed(args, cwd, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cody, ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`\`cody ${args.join(" ")}\` exited ${code} in ${cwd}:\n${stderr}`));
      else resolve({ ms, stderr });
    });
  });
}

if (process.argv.includes("--latency")) {
  await latencyBench();
  process.exit(0);
}

/**
 * The notice latency: a create deploy (--skip-preflight: moto has no policy simulator) through the fault
 * proxy, which holds the stack *_IN_PROGRESS for HOLD_MS + a spread after ExecuteChangeSet. The spread
 * (run i adds i/runs of STACK_SPREAD_MS) puts the release at every phase of cody's poll ticks. Latency is
 * from the release to the moment cody's "Deployed" line reached this process; calls per minute are the
 * DescribeStacks + DescribeStackEvents from ExecuteChangeSet to that line. With BENCH_BASELINE (another
 * build's bin/cody.cjs), each run is also made with it, interleaved, for a before/after.
 */
async function latencyBench() {
  const HOLD_MS = positiveInt(process.env.BENCH_HOLD_MS, 10_000);
  const SPREAD_MS = 2000;
  const latencyRuns = positiveInt(process.env.BENCH_RUNS, 5);
  const builds = [["this build", cody], ...(process.env.BENCH_BASELINE ? [["baseline", process.env.BENCH_BASELINE]] : [])];
  const moto = await startMoto({ python });
  const proxy = await faultProxy(moto.endpoint);
  const results = Object.fromEntries(builds.map(([label]) => [label, []]));
  try {
    const env = { ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint, CODY_REQUIRE_APPROVAL: "never" };
    for (let n = 0; n <= latencyRuns; n++) {
      for (const [label, bin] of builds) {
        await moto.reset();
        const dir = copyDemo(`latency-${label}-${n}`);
        proxy.clear();
        const hold = proxy.holdStack(HOLD_MS + Math.round(((n % latencyRuns) * SPREAD_MS) / latencyRuns));
        const saidAt = await noticed(bin, ["deploy", "--skip-preflight"], dir, env, /Deployed demo-cody \(CREATE_COMPLETE\)/);
        if (hold.releasedAt === undefined) throw new Error("the stack hold never started: no ExecuteChangeSet went through the proxy");
        const polls = proxy.requests.filter((r) => (r.action === "DescribeStacks" || r.action === "DescribeStackEvents") && r.at >= hold.startedAt && r.at <= saidAt);
        const minutes = (saidAt - hold.startedAt) / 60_000;
        // n = 0 warms moto up (its CloudFormation code loads on the first call) and is not counted.
        if (n > 0) {
          results[label].push({
            hold: hold.ms,
            latency: saidAt - hold.releasedAt,
            status: polls.filter((r) => r.action === "DescribeStacks").length / minutes,
            events: polls.filter((r) => r.action === "DescribeStackEvents").length / minutes,
          });
        }
      }
    }
  } finally {
    await proxy.close();
    await moto.stop();
  }
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(`cody deploy (create, --skip-preflight) of examples/demo, the stack held in progress ${HOLD_MS / 1000}-${(HOLD_MS + SPREAD_MS) / 1000} s by the proxy;`);
  console.log(`${latencyRuns} runs after 1 warm-up (BENCH_RUNS, BENCH_HOLD_MS to change)\n`);
  console.log(`${"".padEnd(12)}${"mean".padStart(9)}${"max".padStart(9)}   calls/min (DescribeStacks + DescribeStackEvents)   each run: hold → latency`);
  for (const [label] of builds) {
    const rows = results[label];
    const latencies = rows.map((r) => r.latency);
    const status = mean(rows.map((r) => r.status));
    const events = mean(rows.map((r) => r.events));
    const each = rows.map((r) => `${(r.hold / 1000).toFixed(1)}→${Math.round(r.latency)}`).join(" ");
    console.log(
      `${label.padEnd(12)}${`${Math.round(mean(latencies))} ms`.padStart(9)}${`${Math.round(Math.max(...latencies))} ms`.padStart(9)}   ${(status + events).toFixed(1)} (${status.toFixed(1)} + ${events.toFixed(1)})`.padEnd(84) +
        each,
    );
  }
  console.log(`
Latency: from the moment the proxy let the stack show as complete to the moment cody's "Deployed" line
reached this process (a DescribeStacks round trip, the last events read and cody's output included).
Calls per minute: over the whole follow, from ExecuteChangeSet to that line; moto sends only the
stack's own events, so this is the quiet-stack rate (a busy stack is read every second).`);
}

/** Spawns cody and resolves with Date.now() when its stderr first matches `line`; rejects if it fails. */
function noticed(bin, args, cwd, env, line) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    let at;
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (at === undefined && line.test(stderr)) at = Date.now();
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0 || at === undefined) reject(new Error(`\`cody ${args.join(" ")}\` exited ${code} in ${cwd} without ${line}:\n${stderr}`));
      else resolve(at);
    });
  });
}

/** The deploys of one round, in order; "update" edits the project first. */
const phases = [
  { key: "create", label: "create deploy", args: ["deploy"], says: "Deployed demo-cody (CREATE_COMPLETE)" },
  { key: "no-op", label: "no-op deploy", args: ["deploy"], says: "No changes", budget: NOOP_BUDGET },
  { key: "no-op-skip", label: "  --skip-preflight", args: ["deploy", "--skip-preflight"], says: "No changes" },
  { key: "update", label: "update deploy", args: ["deploy"], says: "Deployed demo-cody (UPDATE_COMPLETE)" },
];
const times = Object.fromEntries([...phases.map((p) => p.key), "synth"].map((k) => [k, []]));
const calls = Object.fromEntries(phases.map((p) => [p.key, []]));
let preflightSaid = "";

const moto = await startMoto({ python });
const proxy = await countingProxy(moto.endpoint);
try {
  const env = moto.env();
  env.AWS_ENDPOINT_URL = proxy.endpoint;
  env.CODY_REQUIRE_APPROVAL = "never"; // unattended: the broadening-IAM question would stop the first deploy
  // One warm-up round: moto imports its CloudFormation code lazily (~1-2 s on the first call).
  for (let n = 0; n <= runs; n++) {
    await moto.reset();
    const dir = copyDemo(n);
    for (const phase of phases) {
      if (phase.key === "update") editDemo(dir);
      proxy.clear();
      const { ms, stderr } = await timed(phase.args, dir, env);
      if (!stderr.includes(phase.says)) throw new Error(`\`cody ${phase.args.join(" ")}\` (${phase.key}) did not say "${phase.says}":\n${stderr}`);
      if (phase.key === "no-op") preflightSaid = stderr.split("\n").find((line) => /preflight/i.test(line)) ?? "";
      if (n > 0) {
        times[phase.key].push(ms);
        calls[phase.key].push(proxy.calls());
      }
    }
    proxy.clear();
    if (n > 0) times.synth.push((await timed(["synth"], dir, env)).ms);
    if (proxy.total() !== 0) throw new Error(`cody synth made AWS calls: ${JSON.stringify(proxy.calls())}`);
  }
} finally {
  await proxy.close();
  await moto.stop();
}

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const median = (xs) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`.padStart(8);
const total = (c) => Object.values(c).reduce((a, b) => a + b, 0);
const breakdown = (c) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

console.log(`cody deploy of examples/demo against moto on 127.0.0.1: ${runs} runs after 1 warm-up (BENCH_RUNS to change)\n`);
console.log(`${"".padEnd(22)}${"min".padStart(8)}${"median".padStart(8)}${"max".padStart(8)}   AWS calls`);
const rows = [...phases.map((p) => [p.label, p.key, p.budget]), ["cody synth (no AWS)", "synth"]];
let missed = false;
for (const [label, key, budget] of rows) {
  const t = times[key];
  let callText = "0";
  if (calls[key]) {
    const totals = [...new Set(calls[key].map(total))];
    callText = `${totals.join("/")}  (${breakdown(calls[key][0])})`;
    if (totals.length > 1) callText += "  varies between runs";
    if (budget !== undefined) {
      const ok = Math.max(...totals) <= budget;
      missed ||= !ok;
      callText += `  budget <= ${budget}: ${ok ? "OK" : "MISS"}`;
    }
  }
  console.log(`${label.padEnd(22)}${ms(Math.min(...t))}${ms(median(t))}${ms(Math.max(...t))}   ${callText}`);
}

// The IAM preflight (docs/architecture.md#iam) runs before the stack is looked up, on every deploy.
const PREFLIGHT_ACTIONS = ["GetCallerIdentity", "GetRole", "SimulatePrincipalPolicy", "SimulateCustomPolicy"];
const preflightCalls = Object.entries(calls["no-op"][0]).filter(([action]) => PREFLIGHT_ACTIONS.includes(action));
const simulated = calls["no-op"][0].SimulatePrincipalPolicy ?? 0;
const preflightNote =
  preflightCalls.length === 0
    ? "The preflight (IAM permission check) runs only when a deploy will change something: the no-op deploy\n" +
      "skipped it, and the create and update counts include its GetCallerIdentity and SimulatePrincipalPolicy calls."
    : `Preflight ran on the no-op deploy: ${breakdown(Object.fromEntries(preflightCalls))}.` +
      (preflightSaid ? `\nIt said: ${preflightSaid.trim()}` : "") +
      `\nThe budget of ${NOOP_BUDGET} calls is for the whole command: a preflight that runs on every deploy, before the\n` +
      "unchanged-template check, spends it on its own (against AWS: GetCallerIdentity, GetRole for a role, one or\n" +
      "more SimulatePrincipalPolicy). The --skip-preflight row is the deploy engine alone." +
      (simulated > 1
        ? `\nmoto has no IAM policy simulator: its HTTP 500 was retried by the SDK (${simulated} SimulatePrincipalPolicy calls),\n` +
          "which is most of the time of every deploy above."
        : "");

console.log(`
Times are wall-clock per \`node bin/cody.cjs deploy\` (Node start-up and synth included); moto answers on
loopback and completes stacks synchronously, so they show cody's own cost and its number of round trips,
not CloudFormation's provisioning time. On AWS each call is a network round trip (tens of ms), and a real
create or update also waits for resources while cody polls DescribeStackEvents/DescribeStacks adaptively.
${preflightNote}`);
if (missed) console.log(`\nMISS: the no-op deploy made more than ${NOOP_BUDGET} AWS calls.`);
