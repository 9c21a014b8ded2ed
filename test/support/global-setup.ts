// vitest globalSetup of the e2e project: one moto per e2e worker, started once for the whole run and
// handed to tests via inject('motoEndpoints'); each worker uses its own (sharedMoto() in
// test/_helpers/e2e.ts picks it by VITEST_POOL_ID), so two e2e files can run at a time without
// seeing each other's stacks. A file still resets its moto before it starts, as when they shared one.
import type { TestProject } from "vitest/node";
import { motoAvailable, startMoto, type MotoServer } from "./moto.js";
import { e2eWorkers } from "./workers.js";

/** moto answers in 2-3 s on a quiet machine; next to tsc, eslint and a second moto on a busy one it can take far longer. */
const MOTO_START_MS = 120_000;

let servers: MotoServer[] = [];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = motoAvailable(); // throws when CI=true and moto is missing
  if (!availability.ok) {
    console.warn(`[e2e] skipping moto e2e tests: ${availability.why ?? "moto unavailable"}`);
    project.provide("motoEndpoints", []);
    project.provide("motoPython", null);
  } else {
    const python = availability.python;
    const started = await Promise.allSettled(Array.from({ length: e2eWorkers() }, () => startMoto({ python, timeoutMs: MOTO_START_MS })));
    servers = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) {
      await Promise.all(servers.map((server) => server.stop()));
      throw failed.reason;
    }
    project.provide("motoEndpoints", servers.map((server) => server.endpoint));
    project.provide("motoPython", python ?? null);
  }
  return async () => {
    await Promise.all(servers.map((server) => server.stop()));
    servers = [];
  };
}
