import { describe, expect, test } from "vitest";
import { checkAt, checkCron, checkRate, type ScheduleCheck } from "../../../src/config/rules/schedule-expression";

function failure(check: ScheduleCheck): { problem: string; fix: string } {
  if (check.ok) throw new Error(`expected a failure, got ${check.expression}`);
  return check;
}

/** The concrete example a fix offers: the last `kind(...)` or "quoted" value in it. */
function exampleIn(fix: string): string | undefined {
  const examples = [...fix.matchAll(/(?:rate|cron|at)\([^()]*\)|"[^"]*"/g)].map((m) => m[0]);
  return examples.at(-1)?.replace(/^"|"$/g, "");
}

describe("checkRate", () => {
  test.each([
    ["1 day", "rate(1 day)"],
    ["1 minute", "rate(1 minute)"],
    ["5 minutes", "rate(5 minutes)"],
    ["12 hours", "rate(12 hours)"],
    ["2 days", "rate(2 days)"],
    ["rate(1 hour)", "rate(1 hour)"],
    ["  rate( 10   hours )  ", "rate(10 hours)"],
    ["RATE(1 day)", "rate(1 day)"],
    ["1 Hour", "rate(1 hour)"],
    ["007 days", "rate(7 days)"],
  ])("accepts %j as %s", (input, expression) => {
    expect(checkRate(input)).toEqual({ ok: true, expression });
  });

  test.each([
    // singular/plural agreement
    ["1 hours", 'takes the singular unit "hour", not "hours"', 'Write "1 hour" instead.'],
    ["rate(1 hours)", "singular", "Write rate(1 hour) instead."],
    ["5 hour", 'takes the plural unit "hours", not "hour"', 'Write "5 hours" instead.'],
    ["rate(2 day)", "plural", "Write rate(2 days) instead."],
    // value: positive integer, no 0, no decimals, no sign
    ["0 minutes", "at least 1, not 0", 'Write "1 minute" or a larger value.'],
    ["1.5 hours", "must be a whole number", 'Write "90 minutes" instead.'],
    ["0.5 days", "does not accept fractions", 'Write "12 hours" instead.'],
    ["-5 minutes", 'rate value "-5" has a sign', 'Write "5 minutes" instead.'],
    ["+1 day", 'rate value "+1" has a sign', 'Write "1 day" instead.'],
    ["one day", 'rate value "one" is not a number', 'Write a number instead, e.g. "1 day".'],
    // units
    ["5 fortnights", 'rate unit "fortnights" is not valid', 'Use one of them, e.g. "5 minutes", "5 hours" or "5 days".'],
    ["2 weeks", '"weeks" is not an EventBridge rate unit', 'Write "14 days" instead.'],
    ["5 mins", '"mins" is not an EventBridge rate unit', 'Write "5 minutes" instead.'],
    ["30 seconds", "the shortest rate is 1 minute", 'Write "1 minute" instead.'],
    ["120 seconds", '"seconds" is not an EventBridge rate unit', 'Write "2 minutes" instead.'],
    // shape
    ["", "the rate expression is empty", 'Write a whole number and a unit, e.g. "1 day" or "15 minutes".'],
    ["5", 'rate "5" has no unit', 'Add minute(s), hour(s) or day(s) after the value, e.g. "5 minutes" or "5 days".'],
    ["day", 'rate "day" has no value', 'Put a number before the unit, e.g. "1 day".'],
    ["5minutes", "needs a space between the value and the unit", 'Write "5 minutes" instead.'],
    ["every 5 minutes", "has 3 words", 'Write "5 minutes" instead.'],
    ["rate(1 day", "unbalanced or misplaced parentheses", "Write rate(...) with one pair of parentheses, e.g. rate(1 day)."],
    ["cron(0 10 * * ? *)", "is a cron expression, not a rate expression", 'Move it to cron: "cron(0 10 * * ? *)", or write a rate value here such as "1 day".'],
  ])("rejects %j", (input, problem, fix) => {
    const result = failure(checkRate(input));
    expect(result.problem).toContain(problem);
    expect(result.fix).toBe(fix);
  });
});

describe("checkCron", () => {
  test.each([
    ["0 10 * * ? *", "cron(0 10 * * ? *)"],
    ["cron(0/15 * * * ? *)", "cron(0/15 * * * ? *)"],
    ["  cron(  0   10 * *   ? * ) ", "cron(0 10 * * ? *)"],
    ["*/5 * * * ? *", "cron(*/5 * * * ? *)"],
    ["10-30/5 8-17 ? * MON-FRI *", "cron(10-30/5 8-17 ? * MON-FRI *)"],
    ["0 8 ? * mon-fri *", "cron(0 8 ? * MON-FRI *)"],
    ["0 9 1,15 jan-Jun ? 2026-2030", "cron(0 9 1,15 JAN-JUN ? 2026-2030)"],
    ["0 0 1 */3 ? *", "cron(0 0 1 */3 ? *)"],
    ["0 0 1 1 ? 1970/5", "cron(0 0 1 1 ? 1970/5)"],
    ["0 0 * * ? 2199", "cron(0 0 * * ? 2199)"],
    // L / W forms in day-of-month
    ["0 18 L * ? *", "cron(0 18 L * ? *)"],
    ["0 9 lw * ? *", "cron(0 9 LW * ? *)"],
    ["0 9 15W * ? *", "cron(0 9 15W * ? *)"],
    ["0 9 L-3 * ? *", "cron(0 9 L-3 * ? *)"],
    // L / # forms in day-of-week
    ["0 10 ? * L *", "cron(0 10 ? * L *)"],
    ["0 9 ? * 6L *", "cron(0 9 ? * 6L *)"],
    ["0 9 ? * 3#2 *", "cron(0 9 ? * 3#2 *)"],
    ["0 9 ? * fri#1 *", "cron(0 9 ? * FRI#1 *)"],
  ])("accepts %j as %s", (input, expression) => {
    expect(checkCron(input)).toEqual({ ok: true, expression });
  });

  test.each([
    // field count: Unix 5-field, Quartz 7-field with seconds, others
    ["0 10 * * *", "has 5 fields (Unix style); EventBridge needs 6", 'Add the year and a ? for the unused day field: "0 10 * * ? *".'],
    ["0 9 * * 1-5", "(Unix style)", 'Add the year and a ? for the unused day field: "0 9 ? * MON-FRI *".'],
    ["cron(0 9 1 * *)", "(Unix style)", "Add the year and a ? for the unused day field: cron(0 9 1 * ? *)."],
    ["0 9 1 * 1", "(Unix style)", 'Add a year field (*) and put ? in either day-of-month or day-of-week, e.g. "0 10 * * ? *".'],
    ["0 0 10 * * ? *", "starts with a seconds field", 'Drop the seconds: "0 10 * * ? *".'],
    ["0 10 * *", "has 4 fields; EventBridge needs exactly 6: minutes hours day-of-month month day-of-week year", 'Write six fields, e.g. "0 10 * * ? *" for 10:00 UTC every day.'],
    ["", "the cron expression is empty", 'Write six fields (minutes hours day-of-month month day-of-week year), e.g. "0 10 * * ? *".'],
    // day-of-month / day-of-week: exactly one "?"
    ["0 10 * * * *", '"*" in one requires "?" in the other', 'Put ? in day-of-week: "0 10 * * ? *".'],
    ["0 10 * * MON *", 'day-of-month "*" and day-of-week "MON" are both set', 'Put ? in day-of-month: "0 10 ? * MON *".'],
    ["0 10 15 * MON *", 'EventBridge needs "?" in exactly one of them', 'Keep one and put ? in the other, e.g. "0 10 15 * ? *" or "0 10 ? * MON *".'],
    ["0 10 ? * ? *", 'day-of-month and day-of-week are both "?"', 'Set day-of-month to * to run every day: "0 10 * * ? *".'],
    // bounds per field
    ["60 10 * * ? *", 'minutes (field 1) "60" is invalid: 60 is out of range; minutes allows 0-59 with , - * /', 'Use 0-59 in minutes, e.g. "0 10 * * ? *".'],
    ["0 24 * * ? *", "hours allows 0-23", 'Use 0-23 in hours, e.g. "0 10 * * ? *".'],
    ["0 10 32 * ? *", "day-of-month allows 1-31 with , - * ? / L W", 'Use 1-31 in day-of-month, e.g. "0 10 1 * ? *".'],
    ["0 10 1 13 ? *", "month allows 1-12 or JAN-DEC", 'Use 1-12 or JAN-DEC in month, e.g. "0 10 1 * ? *".'],
    ["0 10 1 FOO ? *", '"FOO" is not a month name', 'Use 1-12 or JAN-DEC in month, e.g. "0 10 1 * ? *".'],
    ["0 10 ? * 8 *", "day-of-week allows 1-7 or SUN-SAT (1 = SUN) with , - * ? L #", 'Use 1-7 or SUN-SAT (1 = SUN) in day-of-week, e.g. "0 10 ? * MON-FRI *".'],
    ["0 10 * * ? 1969", "year allows 1970-2199", 'Use 1970-2199 in year, e.g. "0 10 * * ? *".'],
    ["0 10 * * ? 2200", "2200 is out of range", 'Use 1970-2199 in year, e.g. "0 10 * * ? *".'],
    // characters per field
    ["0 ? * * ? *", 'the character "?" is not allowed here; hours allows', 'Use 0-23 in hours, e.g. "0 10 * * ? *".'],
    ["0 10 1 * ? L", 'the character "L" is not allowed here; year', 'Use 1970-2199 in year, e.g. "0 10 1 * ? *".'],
    // ranges and steps
    ["0 22-2 * * ? *", "the range 22-2 runs backwards", 'Write hours as 22-23,0-2 instead: "0 22-23,0-2 * * ? *".'],
    ["0 10 ? * FRI-MON *", "the range FRI-MON runs backwards", 'Write day-of-week as FRI-SAT,SUN-MON instead: "0 10 ? * FRI-SAT,SUN-MON *".'],
    ["0/0 * * * ? *", 'the step "0" in "0/0" must be a whole number of 1 or more', 'Use a step of 1 or more after /, e.g. "0/5 * * * ? *".'],
    ["0 10 ? * */2 *", 'the character "/" is not allowed here; day-of-week', 'Write day-of-week as 1,3,5,7 instead: "0 10 ? * 1,3,5,7 *".'],
    ["0 10 1,,2 * ? *", "empty list entry", 'Use 1-31 in day-of-month, e.g. "0 10 1 * ? *".'],
    // Unix habits and long names
    ["0 10 ? * 0 *", "0 is out of range", 'Write day-of-week as SUN instead: "0 10 ? * SUN *".'],
    ["0 10 * * 0 *", "0 is out of range", 'Write day-of-week as SUN and day-of-month as ? instead: "0 10 ? * SUN *".'],
    ["0 10 ? * MONDAY-FRIDAY *", '"MONDAY" is not a day-of-week name', 'Write day-of-week as MON-FRI instead: "0 10 ? * MON-FRI *".'],
    // L / W / # forms
    ["0 10 ? * 3#1,6#3 *", "only one # expression", 'Keep a single # expression and add another schedule for the rest, e.g. "0 10 ? * 3#1 *".'],
    ["0 10 ? * 3#6 *", 'the week number after # in "3#6" must be 1-5', 'Write day#n, such as 3#2 for the second Tuesday of the month, e.g. "0 10 ? * 3#1 *".'],
    ["0 10 ? * 8L *", '"8L" is invalid: 8 is out of range', 'Put a day of 1-7 or SUN-SAT before L, e.g. "0 10 ? * 6L *".'],
    ["0 10 32W * ? *", 'the day before W in "32W" must be 1-31', 'Put a day of 1-31 before W, e.g. "0 10 15W * ? *".'],
    ["0 10 L-31 * ? *", 'the offset in "L-31" must be 1-30', 'Use L-n with n from 1 to 30, e.g. "0 10 L-3 * ? *".'],
    ["0 10 1,L * ? *", '"L" must be the whole field, not part of a list', 'Use 1-31 in day-of-month, e.g. "0 10 1 * ? *".'],
    ["0 10 ? * 1,? *", '"?" must be the whole field', 'Use 1-7 or SUN-SAT (1 = SUN) in day-of-week, e.g. "0 10 ? * MON-FRI *".'],
    // wrapper
    ["rate(1 day)", "is a rate expression, not a cron expression", 'Move it to rate: "rate(1 day)", or write a cron value here such as "0 10 * * ? *".'],
    ["cron(0 10 * * * *)", "both set", "Put ? in day-of-week: cron(0 10 * * ? *)."],
  ])("rejects %j", (input, problem, fix) => {
    const result = failure(checkCron(input));
    expect(result.problem).toContain(problem);
    expect(result.fix).toBe(fix);
  });

  test("rejects expressions longer than the 256 characters EventBridge stores", () => {
    const list = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i).join(",");
    const result = failure(checkCron(`${list(0, 59)} ${list(0, 23)} ${list(1, 31)} * ? *`));
    expect(result.problem).toMatch(/is \d+ characters long; EventBridge allows at most 256/);
  });

  test("names the field, the bad value and what the field allows", () => {
    expect(failure(checkCron("0 10 ? * 8 *")).problem).toBe(
      'day-of-week (field 5) "8" is invalid: 8 is out of range; day-of-week allows 1-7 or SUN-SAT (1 = SUN) with , - * ? L #.',
    );
    expect(failure(checkCron("0 10 * * * *")).problem).toBe(
      'day-of-month "*" and day-of-week "*" are both set; EventBridge needs "?" in exactly one of them ("*" in one requires "?" in the other).',
    );
    expect(failure(checkCron("0 10 * * *")).problem).toBe(
      'cron "0 10 * * *" has 5 fields (Unix style); EventBridge needs 6: minutes hours day-of-month month day-of-week year.',
    );
  });
});

describe("checkAt", () => {
  test.each([
    ["at(2026-12-01T10:00:00)", "at(2026-12-01T10:00:00)"],
    ["2026-12-01T10:00:00", "at(2026-12-01T10:00:00)"],
    [" at( 2026-12-31T23:59:59 ) ", "at(2026-12-31T23:59:59)"],
    ["at(2028-02-29T00:00:00)", "at(2028-02-29T00:00:00)"], // leap year
  ])("accepts %j as %s", (input, expression) => {
    expect(checkAt(input)).toEqual({ ok: true, expression });
  });

  test.each([
    ["2026-02-29T10:00:00", "February 2026 has 28 days, so day 29 does not exist", 'Use a valid date and time, e.g. "2026-02-28T10:00:00".'],
    ["2100-02-29T10:00:00", "February 2100 has 28 days", 'Use a valid date and time, e.g. "2100-02-28T10:00:00".'],
    ["2026-04-31T10:00:00", "April 2026 has 30 days", 'Use a valid date and time, e.g. "2026-04-30T10:00:00".'],
    ["2026-13-01T10:00:00", "month 13 is outside 01-12", 'Use a valid date and time, e.g. "2026-12-01T10:00:00".'],
    ["at(2026-12-01T24:00:00)", "hour 24 is outside 00-23", "Use a valid date and time, e.g. at(2026-12-01T23:00:00)."],
    ["2026-12-01T10:60:00", "minute 60 is outside 00-59", 'Use a valid date and time, e.g. "2026-12-01T10:59:00".'],
    ["2026-12-01T10:00:00Z", 'has the time zone "Z"', 'Write "2026-12-01T10:00:00" instead, which is the same moment in UTC.'],
    ["2026-12-01T10:00:00+02:00", 'has the time zone "+02:00"', 'Write "2026-12-01T08:00:00" instead, which is the same moment in UTC.'],
    ["2026-12-31T23:00:00-05:30", "at() takes a local time", 'Write "2027-01-01T04:30:00" instead, which is the same moment in UTC.'],
    ["2026-12-01T10:00", "the seconds are missing", 'Write "2026-12-01T10:00:00" instead.'],
    ["2026-12-01", "the time is missing", 'Write "2026-12-01T00:00:00" instead.'],
    ["2026-12-01 10:00:00", 'separated by a capital "T"', 'Write "2026-12-01T10:00:00" instead.'],
    ["2026-12-01T10:00:00.000", "fractional seconds", 'Write "2026-12-01T10:00:00" instead.'],
    ["2026-1-5T9:00:00", "each part needs two digits", 'Write "2026-01-05T09:00:00" instead.'],
    ["tomorrow", 'at "tomorrow" is not a date-time', 'Write the date and time like "2026-12-01T10:00:00".'],
    ["rate(1 day)", "is a rate expression, not an at expression", 'Move it to rate: "rate(1 day)", or write an at value here such as "2026-12-01T10:00:00".'],
  ])("rejects %j", (input, problem, fix) => {
    const result = failure(checkAt(input));
    expect(result.problem).toContain(problem);
    expect(result.fix).toBe(fix);
  });
});

describe("fix text", () => {
  // Every concrete example a fix offers must itself pass, or the user is sent from one error to the next.
  const checks = { rate: checkRate, cron: checkCron, at: checkAt };
  test.each([
    ["rate", "1 hours"], ["rate", "5 hour"], ["rate", "1.5 hours"], ["rate", "2 weeks"], ["rate", "-5 minutes"],
    ["rate", "every 5 minutes"], ["rate", "5mins"],
    ["cron", "0 10 * * *"], ["cron", "0 9 * * 1-5"], ["cron", "0 10 * * * *"], ["cron", "0 10 ? * ? *"],
    ["cron", "0 22-2 * * ? *"], ["cron", "0 10 ? * */2 *"], ["cron", "0 10 * * 0 *"], ["cron", "0 10 ? * 3#1,6#3 *"],
    ["cron", "0 0 10 * * ? *"], ["cron", "0/0 * * * ? *"], ["cron", "0 10 32W * ? *"],
    ["at", "2026-02-29T10:00:00"], ["at", "2026-12-01T10:00:00+02:00"], ["at", "2026-1-5T9:00"],
  ] as const)("the example in the %s fix for %j is valid", (kind, input) => {
    const example = exampleIn(failure(checks[kind](input)).fix);
    expect(example).toBeDefined();
    expect(checks[kind](example!).ok).toBe(true);
  });

  test.each([
    ["rate", "1 hours"], ["cron", "0 10 * * *"], ["cron", "0 10 ? * 8 *"], ["at", "2026-12-01T10:00"],
  ] as const)("the %s fix for %j is one sentence", (kind, input) => {
    const fix = failure(checks[kind](input)).fix;
    expect(fix).toMatch(/^[A-Z].*\.$/);
    expect(fix.slice(0, -1).replaceAll("e.g.", "")).not.toMatch(/\.\s/);
  });
});
