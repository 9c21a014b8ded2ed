// Plain-JS twin of test/support/moto.ts for the scripts that run outside vitest (scripts/demo.mjs,
// bench/deploy.mjs): start our moto launcher on 127.0.0.1, give the env a spawned `cody` needs, stop it.
// Also a tiny counting proxy, to tell how many AWS API calls a command makes.
/* global fetch, AbortSignal, URLSearchParams, setTimeout, clearTimeout */
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const LAUNCHER = fileURLToPath(new URL("../test/support/moto/launcher.py", import.meta.url));
const REGION = "us-east-1";
const LOG_LIMIT = 16_000;

/** A python that can import moto's server (MOTO_PYTHON, then python3, then python); null if none. */
export function findPython() {
  const candidates = [process.env.MOTO_PYTHON, "python3", "python"].filter(Boolean);
  return (
    candidates.find(
      (c) => spawnSync(c, ["-c", "import moto, moto.server"], { stdio: "ignore", timeout: 30_000 }).status === 0,
    ) ?? null
  );
}

/** The environment of a process that must talk to this moto and nothing else (no ~/.aws, no real profile). */
export function motoEnv(endpoint, base = process.env) {
  const clean = Object.fromEntries(Object.entries(base).filter(([key, value]) => value !== undefined && !key.startsWith("AWS_")));
  const absent = join(tmpdir(), "codybuild-moto-no-such-dir");
  return {
    ...clean,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_CONFIG_FILE: join(absent, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(absent, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function getJson(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.json().catch(() => ({})) : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

/**
 * Starts test/support/moto/launcher.py on a free loopback port and waits until it answers.
 * Resolves to { endpoint, port, pid, env(base?), reset(), stop(), logTail() }.
 * `detached`: own process group, so a Ctrl-C at the terminal reaches cody but not moto, and the
 * caller stops moto after cody has finished cleanly (it is still killed when this process exits).
 */
export async function startMoto({ python = findPython(), timeoutMs = 20_000, detached = false } = {}) {
  if (!python) {
    throw new Error(
      "moto is not installed: no python3 on PATH can `import moto.server` (needs moto[server] 5.x; see README.md). " +
        "Set MOTO_PYTHON to a python that has it.",
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(python, await freePort(), timeoutMs, detached);
    } catch (error) {
      // Someone may grab the port between probing and binding: try another one.
      if (!error.retry || attempt >= 3) throw error;
    }
  }
}

async function launch(python, port, timeoutMs, detached) {
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env, PYTHONUNBUFFERED: "1" };
  delete env.MOTO_PORT; // moto would prefer it over -p
  const child = spawn(python, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], { env, detached, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const collect = (chunk) => {
    log = (log + chunk.toString()).slice(-LOG_LIMIT);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = false;
  const exitedPromise = new Promise((resolve) => {
    const done = () => {
      exited = true;
      resolve();
    };
    child.once("exit", done);
    child.once("error", (error) => {
      collect(`spawn error: ${error.message}\n`);
      done();
    });
  });
  // Never leave a moto behind, whatever ends this process.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (exited) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000); // werkzeug takes 1-3 s
    await exitedPromise;
    clearTimeout(timer);
  };
  const fail = async (message, retry) => {
    await stop();
    throw Object.assign(new Error(message), { retry });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) await fail(`moto launcher exited before answering on ${endpoint}:\n${log}`, true);
    if ((await getJson(`${endpoint}/moto-api/`)) !== undefined) {
      // Our process, not whoever else won a race for the port.
      const info = await getJson(`${endpoint}/moto-api/codebuild/launcher`);
      if (info?.pid === child.pid) break;
      await fail(`port ${port} is served by another process`, true);
    }
    if (Date.now() > deadline) await fail(`moto did not answer on ${endpoint}/moto-api/ in time; log tail:\n${log}`, false);
    await sleep(100);
  }

  return {
    endpoint,
    port,
    pid: child.pid,
    env: (base) => motoEnv(endpoint, base),
    reset: async () => {
      const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!res.ok) throw new Error(`moto reset: HTTP ${res.status}`);
    },
    stop,
    logTail: () => log,
  };
}

/** The API action of a request: X-Amz-Target (JSON protocols), Action= (query protocol), or an RPCv2 path. */
export function actionOf(headers, url, body) {
  const target = headers["x-amz-target"];
  if (typeof target === "string" && target) return target.split(".").pop();
  const rpc = /\/service\/([^/]+)\/operation\/([^/?]+)/.exec(url);
  if (rpc) return rpc[2];
  const params = new URLSearchParams(body || url.split("?")[1] || "");
  return params.get("Action") ?? `${headers["x-amz-target"] ?? "unknown"} ${url}`;
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards everything to `target` (moto) and tallies requests by API
 * action. Point AWS_ENDPOINT_URL at `endpoint`; read `calls()` ({ action: count }) and `total()`.
 */
export async function countingProxy(target) {
  const counts = new Map();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(req.headers, req.url ?? "", body.toString("utf8"));
      counts.set(action, (counts.get(action) ?? 0) + 1);
      try {
        const headers = { ...req.headers };
        delete headers.host; // fetch sets it for the target; the SigV4 signature is not checked by moto
        delete headers["content-length"];
        delete headers.connection;
        const upstream = await fetch(`${target}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        });
        const out = Buffer.from(await upstream.arrayBuffer());
        const responseHeaders = Object.fromEntries(
          [...upstream.headers].filter(([k]) => !["content-encoding", "content-length", "transfer-encoding", "connection"].includes(k)),
        );
        res.writeHead(upstream.status, { ...responseHeaders, "content-length": out.length });
        res.end(out);
      } catch (error) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`counting proxy: ${error.message}`);
      }
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    calls: () => Object.fromEntries(counts),
    total: () => [...counts.values()].reduce((a, b) => a + b, 0),
    reset: () => counts.clear(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
