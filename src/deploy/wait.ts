// Waiting that Ctrl-C can cut short.
import { CodyError, ExitCode } from "../errors";

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The user pressed Ctrl-C: exit 130 with a message that says how to continue. */
export class Interrupted extends CodyError {
  constructor(message = "Interrupted.", hint?: string) {
    super(message, { exitCode: ExitCode.interrupted, hint });
    this.name = "Interrupted";
  }
}

/** Resolves with `promise`, or rejects with Interrupted as soon as `signal` aborts. */
export function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted());
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
