// cody's run(argv) in the test's own process, with the cwd and environment a spawned binary would
// have: a child process costs ~0.5 s of CPU, so a corpus of 140 cases runs here and a few smoke tests
// (test/cli/error-corpus.test.ts) prove the binary prints the same.
import { run } from "../../src/cli/main";
import { codyBin, type CodyRun } from "./cli";
import { recordingReporter } from "./test-io";

let queue: Promise<unknown> = Promise.resolve();

/**
 * run(argv) in this process, as the binary would run in `cwd` with exactly `env` as its environment:
 * what it prints to stdout and stderr (plain, no colour) and its exit code. cwd and process.env are the
 * process's own, so calls take turns and both are restored after each one, whatever happens; it needs
 * a forks worker (threads cannot chdir).
 */
export function runCodyInProcess(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<CodyRun> {
  const turn = queue.then(() => inProcess(args, options));
  queue = turn.catch(() => undefined);
  return turn;
}

async function inProcess(args: string[], options: { cwd: string; env: Record<string, string | undefined> }): Promise<CodyRun> {
  const savedCwd = process.cwd();
  const savedEnv = { ...process.env };
  const recording = recordingReporter({ debug: args.includes("--debug") });
  try {
    process.chdir(options.cwd);
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, defined(options.env));
    const code = await run([process.execPath, codyBin, ...args], { reporter: recording.reporter });
    return {
      code,
      signal: null,
      stdout: recording.out.map((text) => (text.endsWith("\n") ? text : `${text}\n`)).join(""),
      stderr: recording.lines.map((line) => `${line}\n`).join(""),
    };
  } finally {
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, savedEnv);
  }
}

function defined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
