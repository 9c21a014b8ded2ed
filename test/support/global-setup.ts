// vitest globalSetup: one moto server for the whole run, shared with tests via inject('motoEndpoint').
import type { TestProject } from "vitest/node";
import { motoAvailable, startMoto, type MotoServer } from "./moto.js";

let server: MotoServer | undefined;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const availability = motoAvailable(); // throws when CI=true and moto is missing
  if (!availability.ok) {
    console.warn(`[e2e] skipping moto e2e tests: ${availability.why ?? "moto unavailable"}`);
    project.provide("motoEndpoint", null);
  } else {
    server = await startMoto();
    project.provide("motoEndpoint", server.endpoint);
  }
  return async () => {
    await server?.stop();
    server = undefined;
  };
}
