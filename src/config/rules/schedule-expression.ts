// Validates EventBridge schedule expressions (rate, cron, at) locally. CloudFormation only says "Parameter
// ScheduleExpression is not valid" once a deploy is under way, so we check before any AWS call and say which part
// is wrong and what to write instead. Rules: EventBridge docs (eb-rate-expressions, eb-scheduled-rule-pattern),
// summarised in docs/architecture.md#schedule-expressions. Pure: no I/O, no clock, no dependencies.
// One file per kind: schedule-rate.ts, schedule-cron.ts, schedule-at.ts; what they share is schedule-input.ts.

export type { ScheduleCheck } from "./schedule-input";
export { checkRate } from "./schedule-rate";
export { checkCron } from "./schedule-cron";
export { checkAt } from "./schedule-at";
