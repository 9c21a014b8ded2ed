// vitest globalSetup of the whole run: the tests that spawn cody run the BUILT binary, so build dist/
// once, here, before any test starts, when it is missing or older than src/. Building later would
// delete dist/ under a running test. `npm test` builds first, so there this only checks.
import { execFileSync } from "node:child_process";
import { buildStaleness, ROOT } from "../_helpers/cli";
import { removeScratch } from "./scratch";

export default function setup(): () => void {
  const stale = buildStaleness();
  if (stale) {
    console.warn(`[build] ${stale}: running npm run build once for this test run`);
    execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  }
  // The run's temp folder (test/support/scratch.ts), once every test has finished.
  return () => removeScratch();
}
