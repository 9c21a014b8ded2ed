import { defineConfig } from "vitest/config";
import { useFastScratch } from "./test/support/scratch";
import { e2eWorkers } from "./test/support/workers";

// Node 20 reads and parses NODE_EXTRA_CA_CERTS when a process starts, TLS or not: ~80 ms of CPU per
// process on these machines, where it points at the whole system bundle. The tests start ~250 node
// processes (workers, the built cody, tsc) and none makes a TLS connection (moto is plain http on
// 127.0.0.1), so it is dropped here, before any worker or child inherits it: ~20 CPU-s a run.
delete process.env.NODE_EXTRA_CA_CERTS;
// Temp folders on tmpfs (/dev/shm) when TMPDIR is not set: see test/support/scratch.ts.
useFastScratch();

// Four projects in one run, side by side, on two pools (test/README.md, "Projects"):
// - unit: one fork, its files one after another (some chdir, which threads cannot). One fork, not two:
//   a second loaded src/ and its dependencies and warmed up its JIT again (~9 CPU-s a run), while the
//   threads keep the other core busy.
// - e2e: threads, e2eWorkers() at a time, each worker against its own moto, which the e2e project's
//   global setup starts once per run. A thread keeps its module cache between files
//   (threads.isolate: false), so the SDK clients load once per thread, not once per file (~7 CPU-s).
// - unit-spawning (SPAWNING) and unit-isolated (ISOLATED): unit files in the same threads, once the
//   e2e files are done.
// vitest sizes pools from the root config only, hence the pool options here rather than in the
// projects. test/support/build-once.ts builds dist/ first when it is missing or older than src/ (npm
// test has just built it, so then it does nothing).
/**
 * Unit files that must not share module state with others: pipeline-once counts calls through vi.mock'd
 * modules that other files load first; clients.test needs the SDK's real handler, which other files'
 * aws-sdk-client-mock stubs replace. They run in threads (isolated per file by default); they do not
 * chdir, which threads cannot.
 */
const ISOLATED = [
  "test/aws/clients.test.ts",
  "test/config/pipeline-once.test.ts",
];
/**
 * Unit files that spend their time waiting on the built CLI they spawn and load nothing of src/: they
 * run in the e2e threads' pool, taken as a thread comes free. The one unit fork is otherwise the run's
 * longest chain (~15 s after the last e2e file, one core idle); these move its waits to the threads.
 * They mock nothing and never chdir.
 */
const SPAWNING = [
  "test/cli/compile-cache.test.ts",
  "test/cli/no-aws-sdk.test.ts",
  "test/scripts/dts.test.ts",
];

export default defineConfig({
  test: {
    // Generous for a shared, loaded 2-core machine: spawn-heavy files (cody policy over every example,
    // cfn-lint over every golden) took 30-45 s at load 20; a hung spawn is killed by its own timer first.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ["test/support/build-once.ts"],
    poolOptions: { forks: { maxForks: 1, minForks: 1, isolate: false }, threads: { maxThreads: e2eWorkers(), minThreads: 1, isolate: false } },
    projects: [
      {
        // Unit files share the fork's module cache (poolOptions.forks.isolate: false at the root, where
        // vitest reads pool options): loading src/ once rather than once per file cut the unit files from
        // ~80 s to ~45 s on 2 cores. ISOLATED and SPAWNING files run apart, in threads.
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**", ...ISOLATED, ...SPAWNING], pool: "forks" },
      },
      {
        extends: true,
        test: { name: "unit-spawning", include: SPAWNING, pool: "threads" },
      },
      {
        extends: true,
        test: { name: "unit-isolated", include: ISOLATED, pool: "threads", poolOptions: { threads: { isolate: true } } },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          pool: "threads",
          // A test spawns the CLI several times, each run killed after 25 s; on a loaded 2-core machine a
          // whole test can take longer than the unit default without anything hanging.
          testTimeout: 150_000,
        },
      },
    ],
  },
});
