// `cody list` at scale (`npm run bench:list` builds first): wall time and AWS API calls of `cody list`
// against our moto launcher with 10, 100 and 500 CodeBuild projects, each with a build. Calls are
// counted by the fault proxy of the tests (test/support/fault-proxy.mjs) between cody and moto. With BENCH_BASELINE (another build's
// bin/cody.cjs) each run is also made with it, interleaved, for a before/after. BENCH_DELAY_MS adds that
// much to every call in the proxy, as a distant AWS endpoint would (moto answers on loopback).
// It prints numbers; it is not a test. It exits 1 only when `cody list` itself fails.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CodeBuildClient, CreateProjectCommand, StartBuildCommand } from "@aws-sdk/client-codebuild";
import { startMoto } from "../scripts/moto.mjs";
import { faultProxy } from "../test/support/fault-proxy.mjs";
import { positiveInt, requireBuild, requireMoto, root } from "./common.mjs";

const cody = process.env.BENCH_CODY ?? join(root, "bin", "cody.cjs");
const runs = positiveInt(process.env.BENCH_RUNS, 5);
const scales = (process.env.BENCH_SCALES ?? "10,100,500").split(",").map((n) => positiveInt(n, 0)).filter((n) => n > 0);
const delayMs = positiveInt(process.env.BENCH_DELAY_MS, 0);
const builds = [["this build", cody], ...(process.env.BENCH_BASELINE ? [["baseline", process.env.BENCH_BASELINE]] : [])];

requireBuild("bench:list");
const python = requireMoto("bench:list");

// An empty folder: `cody list` lists the account's projects and needs no .cody/.
const cwd = mkdtempSync(join(tmpdir(), "cody-bench-list-"));
process.on("exit", () => rmSync(cwd, { recursive: true, force: true }));

/** Async on purpose: the counting proxy lives in this process and must keep serving while cody runs. */
function timed(bin, args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.once("error", reject);
    child.once("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`\`cody ${args.join(" ")}\` exited ${code}:\n${stderr}`));
      else resolve({ ms, stdout });
    });
  });
}

const moto = await startMoto({ python });
const proxy = await faultProxy(moto.endpoint);
const calls = () => {
  const counts = {};
  for (const { action } of proxy.requests) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
};
const env = { ...moto.env(), AWS_ENDPOINT_URL: proxy.endpoint };
const codebuild = new CodeBuildClient({ region: "us-east-1", endpoint: moto.endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const rows = [];
try {
  for (const scale of scales) {
    await moto.reset();
    // The account: `scale` projects, each with one build, made directly against moto (not counted).
    for (let i = 0; i < scale; i++) {
      const name = `bench-${String(i).padStart(4, "0")}`;
      await codebuild.send(
        new CreateProjectCommand({
          name,
          source: { type: "GITHUB", location: `https://github.com/acme/${name}` },
          artifacts: { type: "NO_ARTIFACTS" },
          environment: { type: "LINUX_CONTAINER", image: "aws/codebuild/standard:7.0", computeType: "BUILD_GENERAL1_SMALL" },
          serviceRole: "arn:aws:iam::123456789012:role/bench",
        }),
      );
      await codebuild.send(new StartBuildCommand({ projectName: name }));
    }
    for (const [label, bin] of builds) {
      const times = [];
      let counted;
      for (let n = 0; n <= runs; n++) {
        proxy.clear();
        if (delayMs) proxy.add({ kind: "delay", ms: delayMs });
        const { ms, stdout } = await timed(bin, ["list", "--format", "json"], env);
        const listed = JSON.parse(stdout).length;
        if (listed !== scale) throw new Error(`cody list (${label}) listed ${listed} projects, not ${scale}`);
        if (n === 0) continue; // warm-up: moto's first answers at a scale are slower
        times.push(ms);
        counted = calls();
      }
      rows.push({ scale, label, times, calls: counted });
    }
  }
} finally {
  codebuild.destroy();
  await proxy.close();
  await moto.stop();
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`.padStart(9);
const breakdown = (c) =>
  Object.entries(c)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");

console.log(`cody list --format json against moto on 127.0.0.1${delayMs ? `, ${delayMs} ms added to every call` : ""}: ${runs} runs after 1 warm-up per scale (BENCH_RUNS, BENCH_SCALES to change)\n`);
console.log(`${"projects".padEnd(10)}${"build".padEnd(12)}${"min".padStart(9)}${"median".padStart(9)}${"max".padStart(9)}   AWS calls`);
for (const r of rows) {
  const total = Object.values(r.calls).reduce((a, b) => a + b, 0);
  console.log(`${String(r.scale).padEnd(10)}${r.label.padEnd(12)}${ms(Math.min(...r.times))}${ms(median(r.times))}${ms(Math.max(...r.times))}   ${total}  (${breakdown(r.calls)})`);
}
console.log(`
Times are wall-clock per \`node bin/cody.cjs list\` (Node start-up included). BatchGetBuilds takes at most
100 ids, so a list of P built projects makes ceil(P/100) of them; they run 4 at a time.`);
