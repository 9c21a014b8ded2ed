// Waiting that Ctrl-C can cut short, and --timeout durations: generic helpers of the deploy and build follows.
import { configError, Interrupted } from "../errors";

export { Interrupted };

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sleep that ends early on abort, so an interrupted wait does not keep the process alive. */
export function abortableSleep(signal: AbortSignal): Sleep {
  return (ms) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
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

/**
 * A --timeout value: `90s`, `30m`, `2h` (a bare number is minutes, as CodeBuild's timeouts are).
 * Bad input is a ConfigError naming the flag, before any AWS call.
 */
export function parseDuration(value: string | undefined, flag = "--timeout"): number | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$/i.exec(value);
  const unit = { s: 1000, sec: 1000, m: 60_000, min: 60_000, h: 3_600_000 }[(match?.[2] ?? "m").toLowerCase() as "s"];
  const ms = match ? Math.round(Number(match[1]) * unit) : NaN;
  if (!Number.isFinite(ms) || ms <= 0) {
    throw configError({ field: flag, message: `${flag} "${value}" is not a duration.`, fix: `Give how long to wait, e.g. ${flag} 30m, ${flag} 90s or ${flag} 2h.` });
  }
  return ms;
}
