// @cloud-copilot/iam-simulate (AGPL: a dev dependency, an oracle only), loaded once for every test that
// asks it, with one of its pure lookups memoized.
//
// Half of a simulation's CPU is getResourceTypesForAction(service, action, resource): it matches the
// resource against every resource-type pattern of the action (a character-level intersection), and the
// differential tests ask about the same few dozen (action, resource) pairs thousands of times. Its answer
// depends only on those three strings and on iam-data's static files, so caching it per input leaves
// every simulation's result as it was (test/policy/iam-oracle.test.ts checks that against a fresh,
// unpatched copy of the library). The library's CommonJS build calls it through its module's exports
// object (`(0, resourceTypes_js_1.getResourceTypesForAction)(...)`), so replacing that property reaches
// both callers (runSimulation and allowedContextKeysForRequest); the ESM build binds imports and cannot be
// reached, hence require() rather than import. The library is loaded this way only, so there is one copy.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

type Simulate = typeof import("@cloud-copilot/iam-simulate");
type ResourceTypesModule = { getResourceTypesForAction: (service: string, action: string, resource: string) => Promise<unknown[]> };

const require = createRequire(import.meta.url);
const entry = require.resolve("@cloud-copilot/iam-simulate");
const simulate = require(entry) as Simulate;
/** The module both callers read the lookup from (a path inside the package: its `exports` hide it from a bare specifier). */
const resourceTypes = require(join(dirname(entry), "simulation_engine", "resourceTypes.js")) as ResourceTypesModule;

const original = resourceTypes.getResourceTypesForAction;
if (!(original as { memoized?: true }).memoized) {
  const cache = new Map<string, Promise<unknown[]>>();
  const memoized = (service: string, action: string, resource: string): Promise<unknown[]> => {
    const key = `${service}\n${action}\n${resource}`;
    let answer = cache.get(key);
    if (!answer) {
      answer = original(service, action, resource);
      cache.set(key, answer);
      // A rejection (an unknown action) is not kept: the next caller asks again and gets its own error.
      answer.catch(() => cache.delete(key));
    }
    // Callers map over the array and never write to it or its items (dist/cjs/simulation_engine/*.js).
    return answer;
  };
  resourceTypes.getResourceTypesForAction = Object.assign(memoized, { memoized: true as const });
}

export const runSimulation: Simulate["runSimulation"] = simulate.runSimulation;
export const allowedContextKeysForRequest: Simulate["allowedContextKeysForRequest"] = simulate.allowedContextKeysForRequest;
export type { RunSimulationResults } from "@cloud-copilot/iam-simulate";
