// at(yyyy-mm-ddThh:mm:ss): one-time schedules (EventBridge Scheduler), with a corrected value for near misses.
import { EXAMPLES, fail, pass, readInput, type ScheduleCheck } from "./schedule-input";

type DateTime = [year: number, month: number, day: number, hour: number, minute: number, second: number];

// Deliberately loose, so near misses ("2026-1-5 9:00", "...Z") get a precise message and a corrected value.
const AT_LOOSE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?\s*([Zz]|[+-]\d{2}:?\d{2})?$/;

const MONTH_NAMES = [
  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
];

/**
 * Validates at(yyyy-mm-ddThh:mm:ss) — only EventBridge Scheduler supports it.
 * The time is local to the schedule's time zone (UTC by default). Whether it lies in the future is not checked:
 * that depends on the clock, and this module is pure.
 */
export function checkAt(value: string): ScheduleCheck {
  const input = readInput(value, "at");
  if (!input.ok) return input.check;
  const body = input.body;
  const match = AT_LOOSE.exec(body);
  if (!match) {
    return fail(`at "${body}" is not a date-time; at() takes yyyy-mm-ddThh:mm:ss.`, `Write the date and time like ${input.say(EXAMPLES.at)}.`);
  }
  const [, year, month, day, separator, hour = "0", minute = "0", second = "0", fraction, zone] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as DateTime;
  const rangeProblem = dateTimeProblem(parts);
  const suggestion = formatDateTime(rangeProblem ? clampDateTime(parts) : parts);

  if (zone && !rangeProblem) {
    const inUtc = formatDateTime(toUtc(parts, zone));
    return fail(
      `at "${body}" has the time zone "${zone}", but at() takes a local time without one (the zone is set separately and defaults to UTC).`,
      `Write ${input.say(inUtc)} instead, which is the same moment in UTC.`,
    );
  }
  const layout = atLayoutProblem({ separator, hasTime: match[5] !== undefined, hasSeconds: match[7] !== undefined, fraction, zone });
  if (layout || formatDateTime(parts) !== body) {
    const reason = layout ?? "each part needs two digits (four for the year)";
    return fail(`at "${body}" is not in yyyy-mm-ddThh:mm:ss form: ${reason}.`, `Write ${input.say(suggestion)} instead.`);
  }
  if (rangeProblem) return fail(`at "${body}" is not a real date and time: ${rangeProblem}.`, `Use a valid date and time, e.g. ${input.say(suggestion)}.`);
  return pass("at", body);
}

function atLayoutProblem(m: { separator: string | undefined; hasTime: boolean; hasSeconds: boolean; fraction: string | undefined; zone: string | undefined }): string | undefined {
  if (m.zone) return `it has a time zone "${m.zone}", but at() takes a local time`;
  if (m.fraction) return `fractional seconds ("${m.fraction}") are not allowed`;
  if (!m.hasTime) return "the time is missing";
  if (!m.hasSeconds) return "the seconds are missing";
  if (m.separator !== "T") return 'date and time must be separated by a capital "T"';
  return undefined;
}

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function dateTimeProblem([year, month, day, hour, minute, second]: DateTime): string | undefined {
  if (month < 1 || month > 12) return `month ${month} is outside 01-12`;
  const days = daysInMonth(year, month);
  if (day < 1 || day > days) return `${MONTH_NAMES[month - 1]} ${year} has ${days} days, so day ${day} does not exist`;
  if (hour > 23) return `hour ${hour} is outside 00-23`;
  if (minute > 59) return `minute ${minute} is outside 00-59`;
  if (second > 59) return `second ${second} is outside 00-59`;
  return undefined;
}

/** The nearest valid date-time, for a concrete example in the fix. */
function clampDateTime([year, month, day, hour, minute, second]: DateTime): DateTime {
  const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
  const m = clamp(month, 1, 12);
  return [year, m, clamp(day, 1, daysInMonth(year, m)), clamp(hour, 0, 23), clamp(minute, 0, 59), clamp(second, 0, 59)];
}

/** Shifts a local time with a "Z" or "+hh:mm" suffix to UTC. */
function toUtc([year, month, day, hour, minute, second]: DateTime, zone: string): DateTime {
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  const sign = offset?.[1] === "-" ? -1 : 1;
  const offsetMinutes = offset ? sign * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // setUTCFullYear, unlike Date.UTC, keeps years below 100 as written
  date.setUTCHours(hour, minute - offsetMinutes, second);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()];
}

function formatDateTime([year, month, day, hour, minute, second]: DateTime): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `${String(year).padStart(4, "0")}-${two(month)}-${two(day)}T${two(hour)}:${two(minute)}:${two(second)}`;
}
