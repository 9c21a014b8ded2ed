// Ctrl-C for the commands that wait: the first one aborts the wait (the command then says what is
// still running and how to pick it up again), a second one exits at once.
import { ExitCode } from "../errors";
import type { Reporter } from "../io/reporter";

/**
 * Runs `work` with a signal that Ctrl-C aborts; a caller's own signal (tests) replaces the handler.
 * `reporter` is told of the Ctrl-C, so the message that follows does not land after the echoed `^C`.
 */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, reporter?: Pick<Reporter, "interrupted">): Promise<T> {
  if (signal) return work(signal);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    reporter?.interrupted();
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSigint);
  }
}
