// Warnings that are not cody's: the AWS SDK writes some with console.warn (e.g. "Multiple credential
// sources detected" when AWS_PROFILE and static keys are both set, a default STS region) and others
// with process.emitWarning. They are about the SDK's internals, not the user's command, so they go to
// the reporter's debug level: seen with --debug, never otherwise. cody itself never calls console.warn
// (ESLint's no-console), so everything that arrives here is a library's.
import { format } from "node:util";
import type { Reporter } from "./reporter";

/** Routes console.warn and process warnings to `reporter.debug`; returns a function that undoes it. */
export function captureStrayWarnings(reporter: Pick<Reporter, "debug">): () => void {
  /* eslint-disable no-console -- replacing console.warn is the point */
  const original = console.warn;
  console.warn = (...args: unknown[]) => reporter.debug(`library warning: ${format(...args).trim()}`);
  /* eslint-enable no-console */
  // Node prints process warnings through its own 'warning' listener: replace it for this run.
  const listeners = process.listeners("warning");
  process.removeAllListeners("warning");
  const onWarning = (warning: Error) => reporter.debug(`process warning: ${warning.name}: ${warning.message.trim()}`);
  process.on("warning", onWarning);
  return () => {
    // eslint-disable-next-line no-console -- restoring the original
    console.warn = original;
    process.off("warning", onWarning);
    for (const listener of listeners) process.on("warning", listener);
  };
}
