// Ctrl-C for the commands that wait: the first one aborts the wait (the command then says what is
// still running and how to pick it up again), a second one exits at once.
import { ExitCode } from "../errors";

/** Runs `work` with a signal that Ctrl-C aborts; a caller's own signal (tests) replaces the handler. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
  if (signal) return work(signal);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
