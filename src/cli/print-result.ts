// Every `--json` result goes out here: one JSON document on stdout, `command` and `type` first, then
// the command's own keys (docs/json.md), so no command assembles the envelope by hand.
import type { Reporter } from "../io/reporter";

/** A payload's own keys: `command` and `type` belong to the envelope, so a payload cannot carry them. */
export type ResultPayload<P extends object> = P & { command?: never; type?: never };

export function printResult<P extends object>(reporter: Pick<Reporter, "result">, command: string, type: string, payload: ResultPayload<P>): void {
  // The envelope's keys come first and, should an untyped payload carry them anyway, win.
  reporter.result(JSON.stringify(Object.assign({ command, type }, payload, { command, type }), null, 2));
}
