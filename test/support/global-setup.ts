// vitest globalSetup of the e2e project: one moto per e2e worker, started once for the whole run and
// handed to tests via inject('motoEndpoints'); each worker uses its own (sharedMoto() in
// test/_helpers/e2e.ts picks it by VITEST_POOL_ID), so two e2e files can run at a time without
// seeing each other's stacks. A file still resets its moto before it starts, as when they shared one.
// On Linux the first moto forks the others once it has imported moto (launcher.py's
// CODY_MOTO_SIBLING_PORTS): each is a process of its own on its own port, without the ~2.5 CPU-s a
// moto start costs. A sibling that does not answer is replaced by a moto started the usual way.
import type { TestProject } from "vitest/node";
import { freePort, getJson } from "../../scripts/moto.mjs";
import { motoAvailable, startMoto, type MotoServer } from "./moto.js";
import { e2eWorkers } from "./workers.js";

/** moto answers in 2-3 s on a quiet machine; next to tsc, eslint and a second moto on a busy one it can take far longer. */
const MOTO_START_MS = 120_000;
/** A sibling is up within a second of its first server on a quiet machine. */
const SIBLING_MS = 30_000;

let servers: Array<Pick<MotoServer, "endpoint" | "stop">> = [];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = motoAvailable(); // throws when CI=true and moto is missing
  if (!availability.ok) {
    console.warn(`[e2e] skipping moto e2e tests: ${availability.why ?? "moto unavailable"}`);
    project.provide("motoEndpoints", []);
    project.provide("motoPython", null);
  } else {
    const python = availability.python;
    try {
      await startMotos(e2eWorkers(), python);
    } catch (error) {
      await Promise.all(servers.map((server) => server.stop()));
      throw error;
    }
    project.provide("motoEndpoints", servers.map((server) => server.endpoint));
    project.provide("motoPython", python ?? null);
  }
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  };
}

/** Into `servers`, `count` motos: the first started, the others its forked siblings (started too where forking is not there or fails). */
async function startMotos(count: number, python: string | undefined): Promise<void> {
  const ports = process.platform === "linux" ? await Promise.all(Array.from({ length: count - 1 }, () => freePort())) : [];
  const first = await startMoto({ python, timeoutMs: MOTO_START_MS, env: ports.length > 0 ? { CODY_MOTO_SIBLING_PORTS: ports.join(",") } : {} });
  servers.push(first);
  for (const port of ports) servers.push(await sibling(first, port, python));
  while (servers.length < count) servers.push(await startMoto({ python, timeoutMs: MOTO_START_MS }));
}

/** The sibling of `first` on `port` once it answers as one; a moto of its own when it does not. */
async function sibling(first: MotoServer, port: number, python: string | undefined): Promise<Pick<MotoServer, "endpoint" | "stop">> {
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + SIBLING_MS;
  while (Date.now() < deadline) {
    const info = (await getJson(`${endpoint}/moto-api/codebuild/launcher`)) as { pid?: number; parent?: number } | undefined;
    // Another process on the port (it won a race for it): our sibling could not bind; start one instead.
    if (info && info.parent !== first.pid) break;
    if (info?.pid) {
      const pid = info.pid;
      // It ends with its first server; stopping it on its own too keeps the teardown independent of that.
      return { endpoint, stop: async () => void stopPid(pid) };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.warn(`[e2e] moto sibling on port ${port} did not answer; starting a moto of its own`);
  return startMoto({ python, timeoutMs: MOTO_START_MS });
}

function stopPid(pid: number): void {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone with its first server
  }
}
