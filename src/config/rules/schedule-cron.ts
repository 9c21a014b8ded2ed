// cron(minutes hours day-of-month month day-of-week year): EventBridge cron, with repairs for Unix habits.
import { EXAMPLES, fail, pass, readInput, type ScheduleCheck } from "./schedule-input";

/** Why a field value is invalid, plus optional advice and a replacement value for the fix's example. */
type FieldError = { reason: string; advice?: string; example?: string };

/** Result of a whole-field L/W/# form: accepted, rejected, or not such a form at all (undefined). */
type FormCheck = "ok" | FieldError | undefined;

interface CronField {
  name: string;
  min: number;
  max: number;
  /** Allowed values for messages. */
  range: string;
  /** Names for min, min+1, …; input is upper-cased first, so names are case-insensitive. */
  names?: readonly string[];
  /** Characters besides digits (and names) that EventBridge allows in this field. */
  chars: string;
  /** Whole-field forms built from L, W and #, which list/range syntax can't express. */
  form?: (text: string) => FormCheck;
  /** A valid value used to build a concrete example when the user's value can't be repaired. */
  example: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const; // EventBridge: 1 = SUN

const FIELDS: readonly CronField[] = [
  { name: "minutes", min: 0, max: 59, range: "0-59", chars: ",-*/", example: "0" },
  { name: "hours", min: 0, max: 23, range: "0-23", chars: ",-*/", example: "10" },
  { name: "day-of-month", min: 1, max: 31, range: "1-31", chars: ",-*?/LW", form: dayOfMonthForm, example: "1" },
  { name: "month", min: 1, max: 12, range: "1-12 or JAN-DEC", names: MONTHS, chars: ",-*/", example: "*" },
  { name: "day-of-week", min: 1, max: 7, range: "1-7 or SUN-SAT (1 = SUN)", names: DAYS, chars: ",-*?L#", form: dayOfWeekForm, example: "MON-FRI" },
  { name: "year", min: 1970, max: 2199, range: "1970-2199", chars: ",-*/", example: "*" },
];
const DAY_OF_MONTH = 2;
const DAY_OF_WEEK = 4;
const FIELD_ORDER = FIELDS.map((f) => f.name).join(" ");

/** Validates `cron: "0 10 * * ? *"` (also accept "cron(...)"), returns normalized "cron(0 10 * * ? *)". */
export function checkCron(value: string): ScheduleCheck {
  const input = readInput(value, "cron");
  if (!input.ok) return input.check;
  const say = (fields: readonly string[]) => input.say(fields.join(" "));
  const fields = input.body.split(/\s+/).filter(Boolean);
  if (fields.length !== FIELDS.length) return fieldCountProblem(fields, say);

  const parsed = parseCron(fields);
  if (!parsed.ok) {
    const field = FIELDS[parsed.index]!;
    const allowed = `${field.name} allows ${field.range} with ${[...field.chars].join(" ")}`;
    return fail(
      `${field.name} (field ${parsed.index + 1}) "${fields[parsed.index]}" is invalid: ${parsed.error.reason}; ${allowed}.`,
      fieldFix(fields, parsed.index, parsed.error, say),
    );
  }
  return dayFieldsProblem(parsed.fields, say) ?? pass("cron", parsed.fields.join(" "));
}

type CronParse = { ok: true; fields: string[] } | { ok: false; index: number; error: FieldError };

/** Checks each field on its own; returns the upper-cased fields. Day-of-month/day-of-week interplay is separate. */
function parseCron(fields: readonly string[]): CronParse {
  const upper = fields.map((f) => f.toUpperCase());
  for (const [index, field] of FIELDS.entries()) {
    const error = checkField(field, upper[index]!);
    if (error) return { ok: false, index, error };
  }
  return { ok: true, fields: upper };
}

/** EventBridge needs "?" in exactly one of day-of-month and day-of-week. */
function daysConflict(fields: readonly string[]): boolean {
  return (fields[DAY_OF_MONTH] === "?") === (fields[DAY_OF_WEEK] === "?");
}

/** The normalized fields if they form a valid expression; used to offer only examples that would pass. */
function validCron(fields: readonly string[]): string[] | undefined {
  const parsed = parseCron(fields);
  return parsed.ok && !daysConflict(parsed.fields) ? parsed.fields : undefined;
}

function withField(fields: readonly string[], index: number, value: string): string[] {
  return fields.map((f, i) => (i === index ? value : f));
}

function checkField(field: CronField, text: string): FieldError | undefined {
  const bad = [...text].find((ch) => !/\d/.test(ch) && !field.chars.includes(ch) && !(field.names && /[A-Z]/.test(ch)));
  if (bad !== undefined) return { reason: `the character "${bad}" is not allowed here` };
  if (text === "?") return undefined; // only reachable for the two day fields, which allow "?"
  const form = field.form?.(text);
  if (form !== undefined) return form === "ok" ? undefined : form;
  for (const item of text.split(",")) {
    const error = checkItem(field, item);
    if (error) return error;
  }
  return undefined;
}

/** One list entry: `*`, `n`, `a-b`, each optionally followed by `/step`. */
function checkItem(field: CronField, item: string): FieldError | undefined {
  if (item === "") return { reason: "it has an empty list entry" };
  if (item === "?" || field.form?.(item) === "ok") return { reason: `"${item}" must be the whole field, not part of a list` };
  const [base = "", step, extra] = item.split("/");
  if (extra !== undefined) return { reason: `"${item}" has more than one /` };
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) > 0)) {
    return { reason: `the step "${step}" in "${item}" must be a whole number of 1 or more`, advice: "Use a step of 1 or more after /", example: `${base}/5` };
  }
  if (base === "*") return undefined;
  const [from = "", to, more] = base.split("-");
  if (from === "" || to === "" || more !== undefined) return { reason: `"${base}" is not a value or a low-high range` };
  const start = valueOf(field, from);
  if (typeof start !== "number") return start;
  if (to === undefined) return undefined;
  const end = valueOf(field, to);
  if (typeof end !== "number") return end;
  return start <= end ? undefined : { reason: `the range ${base} runs backwards (ranges go from low to high)` };
}

/** The numeric value of a number or name token, or why it is not one. */
function valueOf(field: CronField, token: string): number | FieldError {
  if (/^\d+$/.test(token)) {
    const n = Number(token);
    return n >= field.min && n <= field.max ? n : { reason: `${token} is out of range` };
  }
  const index = field.names?.indexOf(token) ?? -1;
  if (index >= 0) return field.min + index;
  if (field.names && /^[A-Z]+$/.test(token)) return { reason: `"${token}" is not a ${field.name} name` };
  return { reason: `"${token}" is not a valid ${field.name} value` };
}

function inRange(digits: string, min: number, max: number): boolean {
  return Number(digits) >= min && Number(digits) <= max;
}

// L = last day, LW = last weekday, L-3 = three days before the last day, 15W = weekday nearest the 15th.
function dayOfMonthForm(text: string): FormCheck {
  if (text === "L" || text === "LW") return "ok";
  const offset = /^L-(\d+)$/.exec(text);
  if (offset) {
    return inRange(offset[1]!, 1, 30) ? "ok" : { reason: `the offset in "${text}" must be 1-30`, advice: "Use L-n with n from 1 to 30", example: "L-3" };
  }
  const weekday = /^(\d+)W$/.exec(text);
  if (weekday) {
    return inRange(weekday[1]!, 1, 31) ? "ok" : { reason: `the day before W in "${text}" must be 1-31`, advice: "Put a day of 1-31 before W", example: "15W" };
  }
  return undefined;
}

// L = last day of the week, 6L = last Friday of the month, 3#2 = second Tuesday of the month.
function dayOfWeekForm(text: string): FormCheck {
  if (text === "L") return "ok";
  if (text.includes("#")) return nthWeekdayForm(text);
  const last = /^(\d+|[A-Z]{3})L$/.exec(text); // three letters, so a stray "JUL" is reported as a bad name instead
  if (!last) return undefined;
  const day = valueOf(FIELDS[DAY_OF_WEEK]!, last[1]!);
  return typeof day === "number" ? "ok" : { ...day, advice: "Put a day of 1-7 or SUN-SAT before L", example: "6L" };
}

function nthWeekdayForm(text: string): FormCheck {
  if (text.includes(",") || text.split("#").length > 2) {
    const first = text.split(",").find((item) => item.includes("#"));
    return {
      reason: "EventBridge allows only one # expression in day-of-week",
      advice: "Keep a single # expression and add another schedule for the rest",
      ...(first !== undefined && { example: first }),
    };
  }
  const nth = /^([A-Z0-9]+)#(\d+)$/.exec(text);
  const advice = "Write day#n, such as 3#2 for the second Tuesday of the month";
  if (!nth) return { reason: `"${text}" is not a day#n expression`, advice, example: "3#2" };
  const day = valueOf(FIELDS[DAY_OF_WEEK]!, nth[1]!);
  if (typeof day !== "number") return { ...day, advice, example: "3#2" };
  return inRange(nth[2]!, 1, 5) ? "ok" : { reason: `the week number after # in "${text}" must be 1-5`, advice, example: `${nth[1]}#1` };
}

// Repairs: rewrites of a bad field that keep what the user most likely meant. The first that parses is offered.
const REPAIRS: readonly ((field: CronField, text: string) => string)[] = [unixWeekdays, fullNames, splitBackwardRanges, expandSteps];

// Unix cron numbers weekdays 0-6 from Sunday (7 = Sunday too); a 0 gives the habit away, so translate to names.
function unixWeekdays(field: CronField, text: string): string {
  return field.name === "day-of-week" && /(^|[,-])0($|[,-])/.test(text) ? unixWeekdaysToNames(text) : text;
}

function unixWeekdaysToNames(text: string): string {
  return text.replace(/(^|[,-])([0-7])(?=$|[,-])/g, (_, sep: string, digit: string) => sep + (DAYS[Number(digit) % 7] ?? digit));
}

// "MONDAY", "Sept" → MON, SEP.
function fullNames(field: CronField, text: string): string {
  const names = field.names;
  return names ? text.replace(/[A-Z]{4,}/g, (word) => names.find((n) => word.startsWith(n)) ?? word) : text;
}

// "22-2" in hours almost certainly means overnight: 22-23,0-2.
function splitBackwardRanges(field: CronField, text: string): string {
  return text
    .split(",")
    .map((item) => {
      const range = /^([A-Z0-9]+)-([A-Z0-9]+)$/.exec(item);
      if (!range) return item;
      const [, from = "", to = ""] = range;
      const start = valueOf(field, from);
      const end = valueOf(field, to);
      if (typeof start !== "number" || typeof end !== "number" || start <= end) return item;
      const named = field.names !== undefined && /^[A-Z]/.test(from);
      const top = named ? field.names!.at(-1) : String(field.max);
      const bottom = named ? field.names![0] : String(field.min);
      return `${from}-${top},${bottom}-${to}`;
    })
    .join(",");
}

// Day-of-week has no "/": "*/2" becomes the explicit list 1,3,5,7.
function expandSteps(field: CronField, text: string): string {
  const stepped = /^(\*|[A-Z0-9]+)(?:-([A-Z0-9]+))?\/(\d+)$/.exec(text);
  if (field.chars.includes("/") || !stepped) return text;
  const start = stepped[1] === "*" ? field.min : valueOf(field, stepped[1]!);
  const end = stepped[2] === undefined ? field.max : valueOf(field, stepped[2]);
  const step = Number(stepped[3]);
  if (typeof start !== "number" || typeof end !== "number" || step < 1) return text;
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return values.join(",");
}

function fieldFix(fields: readonly string[], index: number, error: FieldError, say: (f: readonly string[]) => string): string {
  const field = FIELDS[index]!;
  const text = fields[index]!.toUpperCase();
  for (const repair of REPAIRS) {
    const repaired = repair(field, text);
    const candidate = repaired === text ? undefined : exampleWith(fields, index, repaired);
    if (candidate) return `Write ${field.name} as ${repaired}${alsoChanged(fields, index, candidate)} instead: ${say(candidate)}.`;
  }
  const advice = error.advice ?? `Use ${field.range} in ${field.name}`;
  const example = exampleWith(fields, index, error.example ?? field.example);
  return example ? `${advice}, e.g. ${say(example)}.` : `${advice}.`;
}

/** Mentions the other day field when exampleWith had to set it to "?". */
function alsoChanged(fields: readonly string[], index: number, candidate: readonly string[]): string {
  const other = index === DAY_OF_WEEK ? DAY_OF_MONTH : DAY_OF_WEEK;
  return fields[other] !== candidate[other] ? ` and ${FIELDS[other]!.name} as ?` : "";
}

/** The fields with one value replaced, if valid; a "*" in the other day field becomes "?" to make it so. */
function exampleWith(fields: readonly string[], index: number, value: string): string[] | undefined {
  const candidate = withField(fields, index, value);
  const other = index === DAY_OF_WEEK ? DAY_OF_MONTH : index === DAY_OF_MONTH ? DAY_OF_WEEK : undefined;
  if (other === undefined || candidate[other] !== "*") return validCron(candidate);
  return validCron(candidate) ?? validCron(withField(candidate, other, "?"));
}

/** Exactly one of day-of-month and day-of-week must be "?". */
function dayFieldsProblem(fields: readonly string[], say: (f: readonly string[]) => string): ScheduleCheck | undefined {
  if (!daysConflict(fields)) return undefined;
  const dom = fields[DAY_OF_MONTH]!;
  const dow = fields[DAY_OF_WEEK]!;
  if (dom === "?") {
    return fail(
      'day-of-month and day-of-week are both "?"; exactly one of them must be "?".',
      `Set day-of-month to * to run every day: ${say(withField(fields, DAY_OF_MONTH, "*"))}.`,
    );
  }
  const star = dom === "*" || dow === "*" ? ' ("*" in one requires "?" in the other)' : "";
  const problem = `day-of-month "${dom}" and day-of-week "${dow}" are both set; EventBridge needs "?" in exactly one of them${star}.`;
  const noWeekday = say(withField(fields, DAY_OF_WEEK, "?"));
  const noMonthday = say(withField(fields, DAY_OF_MONTH, "?"));
  if (dow === "*") return fail(problem, `Put ? in day-of-week: ${noWeekday}.`);
  if (dom === "*") return fail(problem, `Put ? in day-of-month: ${noMonthday}.`);
  return fail(problem, `Keep one and put ? in the other, e.g. ${noWeekday} or ${noMonthday}.`);
}

function fieldCountProblem(fields: string[], say: (f: readonly string[]) => string): ScheduleCheck {
  const example = EXAMPLES.cron.split(" ");
  if (fields.length === 0) return fail("the cron expression is empty.", `Write six fields (${FIELD_ORDER}), e.g. ${say(example)}.`);
  const has = `cron "${fields.join(" ")}" has ${fields.length} field${fields.length === 1 ? "" : "s"}`;
  if (fields.length === 5) {
    const converted = fromUnixCron(fields);
    return fail(
      `${has} (Unix style); EventBridge needs 6: ${FIELD_ORDER}.`,
      converted
        ? `Add the year and a ? for the unused day field: ${say(converted)}.`
        : `Add a year field (*) and put ? in either day-of-month or day-of-week, e.g. ${say(example)}.`,
    );
  }
  const withoutSeconds = fields.length === 7 ? validCron(fields.slice(1)) : undefined;
  if (withoutSeconds) {
    return fail(`${has}; it looks like it starts with a seconds field, which EventBridge does not have.`, `Drop the seconds: ${say(withoutSeconds)}.`);
  }
  return fail(`${has}; EventBridge needs exactly 6: ${FIELD_ORDER}.`, `Write six fields, e.g. ${say(example)} for 10:00 UTC every day.`);
}

// Unix cron is "minute hour day-of-month month day-of-week" with weekdays 0-6 from Sunday and no year.
function fromUnixCron(fields: readonly string[]): string[] | undefined {
  const [minute = "", hour = "", dom = "", month = "", dow = ""] = fields;
  const dayOfWeek = dow === "*" ? "?" : unixWeekdaysToNames(dow.toUpperCase());
  const dayOfMonth = dow === "*" ? dom : dom === "*" ? "?" : undefined;
  // With both day fields set, Unix runs when either matches; EventBridge can't say that in one expression.
  return dayOfMonth === undefined ? undefined : validCron([minute, hour, dayOfMonth, month, dayOfWeek, "*"]);
}
