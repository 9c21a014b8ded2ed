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
