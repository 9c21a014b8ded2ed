// The one way to run our moto launcher (test/support/moto/launcher.py) on 127.0.0.1: used by the tests
// (through test/support/moto.ts, which adds types and the CI rules), the demo and the deploy benchmark.
// Plain JS so scripts run without a TypeScript loader; types in moto.d.mts. Also a tiny counting proxy,
// to tell how many AWS API calls a command makes.
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

let pythonCache;

// Prints the interpreter's real path (past a pyenv shim, so no shell script runs per start) when moto with
// its server module and extras is installed. Found, not imported: importing moto's server takes ~0.8 s of
// CPU, and the launcher imports it anyway (a broken install then fails its start, with the log).
const MOTO_SERVER_PROBE = [
  "import importlib.util as u, os, sys",
  "spec = u.find_spec('moto')",
  "where = list(spec.submodule_search_locations or []) if spec else []",
  "ok = where and os.path.isfile(os.path.join(where[0], 'server.py')) and all(u.find_spec(m) for m in ('flask', 'flask_cors', 'werkzeug'))",
  "print(sys.executable) if ok else sys.exit(1)",
].join("\n");

/** The first of MOTO_PYTHON, python3, python (looked up now, on PATH) that has moto's server: its real path, or null. */
export function locatePython() {
  for (const candidate of [process.env.MOTO_PYTHON, "python3", "python"]) {
    if (!candidate) continue;
    const run = spawnSync(candidate, ["-c", MOTO_SERVER_PROBE], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 });
    const executable = run.stdout?.trim();
    if (run.status === 0 && executable) return executable;
  }
  return null;
}

/** locatePython(), asked once per process. */
export function findPython() {
  if (pythonCache === undefined) pythonCache = locatePython();
  return pythonCache;
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

/** POST /moto-api/reset: drops all state. */
export async function resetMoto(endpoint) {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!res.ok) throw new Error(`moto reset: HTTP ${res.status} ${await res.text()}`);
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

/** GET `url` as JSON within 2 s; undefined when nothing answers (yet) or the answer is not a 2xx. */
export async function getJson(url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok ? await res.json().catch(() => ({})) : undefined;
  } catch {
    return undefined; // not listening yet
  }
}

/**
 * Starts test/support/moto/launcher.py on a loopback port (a free one unless `port` is given) and waits
 * until it answers. Resolves to { endpoint, port, pid, env(base?), reset(), stop(), logTail() }.
 * `env`: extra environment for moto (e.g. INITIAL_NO_AUTH_ACTION_COUNT).
 * `detached`: own process group, so a Ctrl-C at the terminal reaches cody but not moto, and the
 * caller stops moto after cody has finished cleanly (it is still killed when this process exits).
 */
export async function startMoto({ python = findPython(), port, timeoutMs = 20_000, env = {}, detached = false, plainBuilds = false } = {}) {
  if (!python) {
    throw new Error(
      "moto is not installed: no python3 on PATH can `import moto.server` (needs moto[server] 5.x; see README.md). " +
        "Set MOTO_PYTHON to a python that has it.",
    );
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(python, port ?? (await freePort()), timeoutMs, env, detached, plainBuilds);
    } catch (error) {
      // Someone may grab a free port between probing and binding: try another one.
      if (!error.retry || port !== undefined || attempt >= 3) throw error;
    }
  }
}

async function launch(python, port, timeoutMs, extraEnv, detached, plainBuilds) {
  const endpoint = `http://127.0.0.1:${port}`;
  const env = { ...process.env, ...extraEnv, PYTHONUNBUFFERED: "1" };
  delete env.MOTO_PORT; // moto would prefer it over -p for its self-requests
  const args = [LAUNCHER, "-H", "127.0.0.1", "-p", String(port), ...(plainBuilds ? ["--plain-builds"] : [])];
  const child = spawn(python, args, { env, detached, stdio: ["ignore", "pipe", "pipe"] });
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
    // A spawn failure (e.g. ENOENT) emits "error" and never "exit".
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
    reset: () => resetMoto(endpoint),
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
  return new URLSearchParams(body || url.split("?")[1] || "").get("Action") ?? `unknown ${url}`;
}

/**
 * An HTTP proxy on 127.0.0.1 that forwards everything to `target` (moto) and records the API action of
 * every request, in order. Point AWS_ENDPOINT_URL at `endpoint`; read `actions`, `calls()` ({ action:
 * count }) and `total()`. `onRequest`, when set, is awaited before a request is forwarded (e.g. to send
 * Ctrl-C while a call is in flight).
 */
export async function countingProxy(target) {
  const actions = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(req.headers, req.url ?? "", body.toString("utf8"));
      actions.push(action);
      try {
        await proxy.onRequest?.(action);
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
  const proxy = {
    endpoint: `http://127.0.0.1:${server.address().port}`,
    actions,
    calls: () => {
      const counts = {};
      for (const action of actions) counts[action] = (counts[action] ?? 0) + 1;
      return counts;
    },
    total: () => actions.length,
    clear: () => {
      actions.length = 0;
    },
    onRequest: undefined,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return proxy;
}
