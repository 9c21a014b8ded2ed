// Schedule derivations: the expression (rate, cron or at, parsed once at load) and the rule or
// schedule's name. Validation reports a failed parse; resolve keeps the parsed expression.
import type * as Crypto from "node:crypto";
import { createRequire } from "node:module";
import { checkAt, checkCron, checkRate, type ScheduleCheck } from "./rules/schedule-expression";
import type { ScheduleInputConfig } from "./schema";

export type { ScheduleCheck };

/** The schedule's time expression, parsed: undefined for an event-pattern (or raw-properties) schedule. */
export function parseScheduleExpression(s: ScheduleInputConfig | undefined): ScheduleCheck | undefined {
  if (!s) return undefined;
  if (s.rate !== undefined) return checkRate(s.rate);
  if (s.cron !== undefined) return checkCron(s.cron);
  if (s.at !== undefined) return checkAt(s.at);
  return undefined;
}

const NAME_MAX = 64;

/** `cody-<full project name>`, shortened with a stable hash when it would pass EventBridge's 64 characters. */
export function scheduleName(fullProjectName: string): string {
  const name = `cody-${fullProjectName}`;
  if (name.length <= NAME_MAX) return name;
  // node:crypto is required only for a name this long: loading it costs `cody synth` ~3 ms otherwise.
  const { createHash } = createRequire(`${process.cwd()}/`)("node:crypto") as typeof Crypto;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 8);
  return `${name.slice(0, NAME_MAX - 9)}-${hash}`;
}
