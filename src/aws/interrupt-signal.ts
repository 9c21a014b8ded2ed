// The process's Ctrl-C, as the one signal every AWS request in flight listens to. Ctrl-C belongs to
// the whole command, not to one call, so the CLI edge sets it once (withInterrupt) and every client
// reads it per request: an interrupted command never waits for an answer it no longer wants.
let current: AbortSignal | undefined;

export function setInterruptSignal(signal: AbortSignal | undefined): void {
  current = signal;
}

export function interruptSignal(): AbortSignal | undefined {
  return current;
}

/**
 * Runs cleanup after Ctrl-C (delete the change set just made): its requests must go out although the
 * command was interrupted. They stay bounded by the request timeouts; a second Ctrl-C still exits.
 */
export async function uninterruptible<T>(work: () => Promise<T>): Promise<T> {
  const saved = current;
  current = undefined;
  try {
    return await work();
  } finally {
    current = saved;
  }
}
