// Where the tests' scratch files go. The tests write and delete a few thousand small temp folders (every
// `.cody/` fixture, every e2e project copy). On these machines /tmp is ext4 mounted with `discard`, where
// creating and removing them cost ~2-4 ms of kernel CPU each (measured: 1,000 fixture projects 2-4 CPU-s
// on /tmp, 0.4 on tmpfs), so when TMPDIR is not set and /dev/shm (tmpfs) is writable, the run's TMPDIR
// is a folder of its own there: os.tmpdir() in the test processes and in everything they spawn (cody,
// moto, cfn-lint) points into it. The global setup removes it at the end. An explicit TMPDIR is kept.
import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from "node:fs";
import { join } from "node:path";

const SHM = "/dev/shm";
/** A run writes well under this; a smaller /dev/shm (Docker's default is 64 MiB) is left alone. */
const SHM_MIN_FREE = 1024 ** 3;
/** Set to the folder this run made, so only that one is removed (and a config loaded twice makes one). */
const OWNED = "CODY_TEST_SCRATCH";

export function useFastScratch(env: NodeJS.ProcessEnv = process.env): void {
  if (env[OWNED] || env.TMPDIR) return;
  try {
    accessSync(SHM, constants.W_OK);
    const { bavail, bsize } = statfsSync(SHM);
    if (bavail * bsize < SHM_MIN_FREE) return; // too small to be sure: os.tmpdir() as it is
  } catch {
    return; // no tmpfs here (macOS, some containers): os.tmpdir() as it is
  }
  const dir = mkdtempSync(join(SHM, "cody-tests-"));
  env.TMPDIR = dir;
  env[OWNED] = dir;
}

/** Removes the run's scratch folder, if this run made one. */
export function removeScratch(env: NodeJS.ProcessEnv = process.env): void {
  const dir = env[OWNED];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
