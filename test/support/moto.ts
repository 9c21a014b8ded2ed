// Test support: run our moto launcher (test/support/moto/launcher.py) on 127.0.0.1.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const LAUNCHER = fileURLToPath(new URL("./moto/launcher.py", import.meta.url));

export interface Availability {
  ok: boolean;
  why?: string;
}

export interface StartMotoOptions {
  /** Python interpreter; default: findPython(). */
  python?: string;
  /** Fixed port; default: a free one (retried if someone grabs it first). */
  port?: number;
  /** How long to wait for GET /moto-api/ to answer. */
  timeoutMs?: number;
  /** Extra env for the moto process, e.g. MOTO_ACCOUNT_ID or MOTO_IAM_LOAD_MANAGED_POLICIES. */
  env?: Record<string, string>;
}

export interface MotoServer {
  endpoint: string;
  port: number;
  /** Env vars a spawned CLI needs to talk to this moto and nothing else (merge with withMotoEnv). */
  env: Record<string, string>;
  /** POST /moto-api/reset: drops all state. */
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Tail of the server's stdout+stderr (Python tracebacks for HTTP 500s end up here). */
  logTail(): string;
}

/** Body of POST /moto-api/codebuild/build-outcome (see launcher.py). */
export interface BuildOutcome {
  projectName?: string;
  buildId?: string;
  status?: "SUCCEEDED" | "FAILED" | "FAULT" | "TIMED_OUT" | "STOPPED";
  phase?: string;
  message?: string;
  inProgressPolls?: number;
  accountId?: string;
  region?: string;
}

const REGION = "us-east-1";
const LOG_LIMIT = 16_000;

/** When CI=true a missing tool must fail the run instead of silently skipping tests. */
function requireInCi(result: Availability, tool: string): Availability {
  if (!result.ok && process.env.CI === "true") {
    throw new Error(`${tool} is required when CI=true: ${result.why ?? "unavailable"}`);
  }
  return result;
}

let pythonCache: string | null | undefined;

/** A python that can import moto's server (MOTO_PYTHON, then python3, then python); null if none. */
export function findPython(): string | null {
  if (pythonCache !== undefined) return pythonCache;
  const candidates = [process.env.MOTO_PYTHON, "python3", "python"].filter(
    (c): c is string => Boolean(c),
  );
  pythonCache =
    candidates.find(
      (c) =>
        spawnSync(c, ["-c", "import moto, moto.server"], { stdio: "ignore", timeout: 30_000 })
          .status === 0,
    ) ?? null;
  return pythonCache;
}

export function motoAvailable(): Availability {
  const ok = findPython() !== null;
  return requireInCi(
    ok
      ? { ok }
      : { ok, why: "no python3 on PATH can `import moto.server` (needs moto[server] 5.x)" },
    "moto",
  );
}

export function cfnLintAvailable(): Availability {
  const run = spawnSync("cfn-lint", ["--version"], { stdio: "ignore", timeout: 30_000 });
  const ok = run.status === 0;
  return requireInCi(ok ? { ok } : { ok, why: "`cfn-lint --version` did not run" }, "cfn-lint");
}

/** process.env (or `base`) without any AWS_* variable, plus the moto env: no real profile leaks in. */
export function withMotoEnv(
  motoEnv: Record<string, string>,
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !key.startsWith("AWS_")) clean[key] = value;
  }
  return { ...clean, ...motoEnv };
}

/** Make the next (or a given) CodeBuild build end with a chosen status; see launcher.py. */
export async function setBuildOutcome(endpoint: string, outcome: BuildOutcome): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/codebuild/build-outcome`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(outcome),
  });
  if (!res.ok) throw new Error(`build-outcome: HTTP ${res.status} ${await res.text()}`);
}

export async function resetMoto(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
  if (!res.ok) throw new Error(`moto reset: HTTP ${res.status} ${await res.text()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1_000) })).ok;
  } catch {
    return false; // not listening yet
  }
}

async function launcherPid(endpoint: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${endpoint}/moto-api/codebuild/launcher`, {
      signal: AbortSignal.timeout(2_000),
    });
    const body: unknown = await res.json();
    const pid = typeof body === "object" && body !== null && "pid" in body ? body.pid : undefined;
    return typeof pid === "number" ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function startMoto(opts: StartMotoOptions = {}): Promise<MotoServer> {
  const python = opts.python ?? findPython();
  if (!python) throw new Error(motoAvailable().why ?? "moto is not available");
  // A free port can be taken between probing and binding: retry a few times unless it was fixed.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await freePort());
    try {
      return await launch(python, port, opts);
    } catch (error) {
      if (opts.port !== undefined || attempt >= 3 || !(error instanceof EarlyExit)) throw error;
    }
  }
}

/** The launcher died or lost the port before answering: worth a retry on another port. */
class EarlyExit extends Error {}

async function launch(python: string, port: number, opts: StartMotoOptions): Promise<MotoServer> {
  const endpoint = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env, PYTHONUNBUFFERED: "1" };
  delete env.MOTO_PORT; // moto would prefer it over -p for its self-requests
  const child = spawn(python, [LAUNCHER, "-H", "127.0.0.1", "-p", String(port)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });

  let log = "";
  const collect = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-LOG_LIMIT);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) => {
    const done = () => {
      exited = true;
      resolve();
    };
    child.once("exit", done);
    // A spawn failure (e.g. ENOENT) emits "error" and never "exit".
    child.once("error", (error) => {
      collect(Buffer.from(`spawn error: ${error.message}\n`));
      done();
    });
  });
  // Never leave a moto behind if the test process ends abruptly.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  const stop = async () => {
    process.removeListener("exit", killOnExit);
    if (exited) return;
    child.kill("SIGTERM");
    // werkzeug takes 1-3 s to exit on SIGTERM.
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exitedPromise;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  for (;;) {
    if (exited) {
      process.removeListener("exit", killOnExit);
      throw new EarlyExit(`moto launcher exited before answering on ${endpoint}:\n${log}`);
    }
    if (await answers(`${endpoint}/moto-api/`)) {
      // Make sure it is our process answering, not whoever else won a race for the port.
      const pid = await launcherPid(endpoint);
      if (pid === child.pid) break;
      await stop();
      throw new EarlyExit(`port ${port} is served by another process (pid ${pid ?? "unknown"})`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`moto did not answer on ${endpoint}/moto-api/ in time; server log tail:\n${log}`);
    }
    await sleep(100);
  }

  // Config/credentials files that do not exist, so ~/.aws never leaks into a spawned CLI.
  const absent = join(tmpdir(), `codybuild-moto-${port}-no-such-dir`);
  return {
    endpoint,
    port,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_CONFIG_FILE: join(absent, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(absent, "credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
    },
    reset: () => resetMoto(endpoint),
    stop,
    logTail: () => log,
  };
}
