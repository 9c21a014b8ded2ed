import { defineConfig } from "vitest/config";

// Two projects in one run. Unit files run in parallel in forks (some chdir or spawn the built CLI on
// their own). e2e files share the one moto that their project's global setup starts, so they run one at
// a time: vitest sizes pools from the root config only, so the e2e project uses the threads pool, which
// the root limits to a single thread (a per-project fileParallelism would be ignored).
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    poolOptions: { threads: { singleThread: true } },
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: ["test/e2e/**"], pool: "forks" },
      },
      {
        extends: true,
        test: { name: "e2e", include: ["test/e2e/**/*.test.ts"], globalSetup: ["test/support/global-setup.ts"], pool: "threads" },
      },
    ],
  },
});
