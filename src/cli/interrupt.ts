// Ctrl-C for the commands that wait: the first one aborts the wait and any AWS request in flight
// (the command then says what was and was not done, and how to pick it up again), a second one
// exits at once.
import { setInterruptSignal } from "../aws/interrupt-signal";
import { ExitCode } from "../errors";
import type { Reporter } from "../io/reporter";

/**
 * Runs `work` with a signal that Ctrl-C aborts; a caller's own signal (tests) replaces the handler.
 * `reporter` is told of the Ctrl-C, so the message that follows does not land after the echoed `^C`.
 */
export async function withInterrupt<T>(
  work: (signal: AbortSignal) => Promise<T>,
  signal?: AbortSignal,
  reporter?: Pick<Reporter, "interrupted"> & Partial<Pick<Reporter, "warn">>,
): Promise<T> {
  if (signal) {
    setInterruptSignal(signal);
    try {
      return await work(signal);
    } finally {
      setInterruptSignal(undefined);
    }
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      reporter?.warn?.("interrupted again: exiting at once, without waiting for cleanup (a change set left behind is removed by the next cody deploy).");
      process.exit(ExitCode.interrupted);
    }
    reporter?.interrupted();
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  setInterruptSignal(controller.signal);
  try {
    return await work(controller.signal);
  } finally {
    setInterruptSignal(undefined);
    process.off("SIGINT", onSigint);
  }
}
