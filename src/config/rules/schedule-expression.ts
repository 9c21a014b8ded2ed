// Validates EventBridge schedule expressions (rate, cron, at) locally. CloudFormation only says "Parameter
// ScheduleExpression is not valid" once a deploy is under way, so we check before any AWS call and say which part
// is wrong and what to write instead. Rules: EventBridge docs (eb-rate-expressions, eb-scheduled-rule-pattern),
// summarised in peers.md §5.1. Pure: no I/O, no clock, no dependencies.

export type ScheduleCheck = { ok: true; expression: string } | { ok: false; problem: string; fix: string };

type Kind = "rate" | "cron" | "at";

const EXAMPLES: Record<Kind, string> = { rate: "1 day", cron: "0 10 * * ? *", at: "2026-12-01T10:00:00" };

// AWS::Events::Rule.ScheduleExpression is at most 256 characters.
const MAX_EXPRESSION_LENGTH = 256;

function fail(problem: string, fix: string): ScheduleCheck {
  return { ok: false, problem, fix };
}

function pass(kind: Kind, body: string): ScheduleCheck {
  const expression = `${kind}(${body})`;
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return fail(
      `the ${kind} expression is ${expression.length} characters long; EventBridge allows at most ${MAX_EXPRESSION_LENGTH}.`,
      "Shorten it, for example by replacing long lists with ranges such as 1-5.",
    );
  }
  return { ok: true, expression };
}

// ---------------------------------------------------------------------------------------------------------------
// Input: the keyword wrapper is optional (`rate: "1 day"` and `rate: "rate(1 day)"` both work).

type Input = { ok: true; body: string; say: (body: string) => string } | { ok: false; check: ScheduleCheck };

function article(kind: Kind): string {
  return kind === "at" ? "an" : "a";
}

function isKind(word: string): word is Kind {
  return word === "rate" || word === "cron" || word === "at";
}

/** Strips the optional `kind(...)` wrapper; suggestions are rendered the way the user wrote the value. */
function readInput(value: string, kind: Kind): Input {
  const text = value.trim();
  const call = /^([A-Za-z]+)\s*\(([^()]*)\)$/.exec(text);
  if (!call) {
    if (/[()]/.test(text)) {
      return {
        ok: false,
        check: fail(`"${text}" has unbalanced or misplaced parentheses.`, `Write ${kind}(...) with one pair of parentheses, e.g. ${kind}(${EXAMPLES[kind]}).`),
      };
    }
    return { ok: true, body: text, say: (body) => `"${body}"` };
  }
  const keyword = call[1]!.toLowerCase();
  if (keyword === kind) return { ok: true, body: call[2]!.trim(), say: (body) => `${kind}(${body})` };
  const problem = isKind(keyword)
    ? `"${text}" is ${article(keyword)} ${keyword} expression, not ${article(kind)} ${kind} expression.`
    : `"${text}" is not ${article(kind)} ${kind} expression.`;
  const fix = isKind(keyword)
    ? `Move it to ${keyword}: "${text}", or write ${article(kind)} ${kind} value here such as "${EXAMPLES[kind]}".`
    : `Write ${article(kind)} ${kind} value such as "${EXAMPLES[kind]}".`;
  return { ok: false, check: fail(problem, fix) };
}

// ---------------------------------------------------------------------------------------------------------------
// rate(value unit)

type RateUnit = "minute" | "hour" | "day";

const MINUTES_PER_UNIT: Record<RateUnit, number> = { minute: 1, hour: 60, day: 24 * 60 };

// Units people write, in minutes, so that a wrong one still yields a converted suggestion.
// Only minute(s), hour(s) and day(s) are EventBridge units.
const UNIT_SPELLINGS = new Map<string, number>([
  ...["s", "sec", "secs", "second", "seconds"].map((w) => [w, 1 / 60] as const),
  ...["m", "min", "mins", "minute", "minutes"].map((w) => [w, 1] as const),
  ...["h", "hr", "hrs", "hour", "hours"].map((w) => [w, 60] as const),
  ...["d", "day", "days"].map((w) => [w, 24 * 60] as const),
  ...["w", "wk", "wks", "week", "weeks"].map((w) => [w, 7 * 24 * 60] as const),
]);

/** "1 hour", "5 hours": EventBridge wants the singular exactly when the value is 1. */
function rateText(value: number, unit: RateUnit): string {
  return `${value} ${value === 1 ? unit : `${unit}s`}`;
}

/** The EventBridge unit a word spells, ignoring singular/plural; undefined for aliases such as "mins". */
function eventBridgeUnit(word: string): RateUnit | undefined {
  const singular = word.endsWith("s") ? word.slice(0, -1) : word;
  return singular === "minute" || singular === "hour" || singular === "day" ? singular : undefined;
}

/** The largest unit that expresses a duration exactly, else whole minutes (at least 1): 90 min → "90 minutes". */
function closestRate(minutes: number): string {
  const clean = Math.round(minutes * 1e6) / 1e6; // 0.1 h * 60 must give 6, not 6.000000000000001
  for (const unit of ["day", "hour", "minute"] as const) {
    const value = clean / MINUTES_PER_UNIT[unit];
    if (Number.isInteger(value) && value >= 1) return rateText(value, unit);
  }
  return rateText(Math.max(1, Math.round(clean)), "minute");
}

/** Validates the value of `rate: "1 day"` (without the rate( ) wrapper, but also accept "rate(1 day)") and returns the normalized "rate(1 day)". */
export function checkRate(value: string): ScheduleCheck {
  const input = readInput(value, "rate");
  if (!input.ok) return input.check;
  const words = input.body.split(/\s+/).filter(Boolean);
  if (words.length !== 2) return rateShapeProblem(input.body, words, input.say);

  const [amount, rawUnit] = words as [string, string];
  const unitWord = rawUnit.toLowerCase();
  const unit = eventBridgeUnit(unitWord);
  const unitMinutes = UNIT_SPELLINGS.get(unitWord);
  const amountProblem = rateValueProblem(amount, unit, unitMinutes, input.say);
  if (amountProblem) return amountProblem;

  const count = Number(amount);
  if (unitMinutes === undefined) {
    return fail(
      `rate unit "${rawUnit}" is not valid; EventBridge accepts minute, minutes, hour, hours, day or days.`,
      `Use one of them, e.g. ${input.say(rateText(count, "minute"))}, ${input.say(rateText(count, "hour"))} or ${input.say(rateText(count, "day"))}.`,
    );
  }
  if (unit === undefined) return rateAliasProblem(count, rawUnit, unitMinutes, input.say);

  const expected = rateText(count, unit);
  if (`${count} ${unitWord}` !== expected) {
    const wanted = expected.split(" ")[1];
    const number = count === 1 ? "the singular" : "the plural";
    return fail(`rate value ${count} takes ${number} unit "${wanted}", not "${rawUnit}".`, `Write ${input.say(expected)} instead.`);
  }
  return pass("rate", expected);
}

/** Checks that the value is a plain positive integer, suggesting an equivalent valid rate when it is not. */
function rateValueProblem(amount: string, unit: RateUnit | undefined, unitMinutes: number | undefined, say: (b: string) => string): ScheduleCheck | undefined {
  if (/^\d+$/.test(amount) && Number(amount) > 0) {
    if (Number.isSafeInteger(Number(amount))) return undefined;
    return fail(`rate value ${amount} is too large.`, `Use a larger unit, e.g. ${say(rateText(1, "day"))}.`);
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(amount)) {
    return fail(`rate value "${amount}" is not a number; it must be a whole number of 1 or more.`, `Write a number instead, e.g. ${say(rateText(1, unit ?? "day"))}.`);
  }
  const size = Math.abs(Number(amount));
  const equivalent = Number.isInteger(size) && unit ? rateText(size, unit) : closestRate(size * (unitMinutes ?? 1));
  if (size === 0) return fail(`rate value must be at least 1, not ${amount}.`, `Write ${say(rateText(1, unit ?? "minute"))} or a larger value.`);
  if (/^[+-]/.test(amount)) return fail(`rate value "${amount}" has a sign; it must be a plain whole number of 1 or more.`, `Write ${say(equivalent)} instead.`);
  return fail(`rate value ${amount} must be a whole number; EventBridge does not accept fractions.`, `Write ${say(equivalent)} instead.`);
}

/** "30 seconds", "2 weeks", "5 mins": not EventBridge units, but convertible. */
function rateAliasProblem(count: number, rawUnit: string, unitMinutes: number, say: (b: string) => string): ScheduleCheck {
  const minutes = count * unitMinutes;
  if (minutes < 1) {
    return fail(
      `rate "${count} ${rawUnit}" is more often than EventBridge allows; the shortest rate is 1 minute.`,
      `Write ${say("1 minute")} instead.`,
    );
  }
  return fail(
    `"${rawUnit}" is not an EventBridge rate unit; use minute(s), hour(s) or day(s).`,
    `Write ${say(closestRate(minutes))} instead.`,
  );
}

/** Anything that is not exactly "value unit": empty, "5minutes", "5", "day", "every 5 minutes". */
function rateShapeProblem(body: string, words: string[], say: (b: string) => string): ScheduleCheck {
  const generic = `Write a whole number and a unit, e.g. ${say("1 day")} or ${say("15 minutes")}.`;
  if (words.length === 0) return fail("the rate expression is empty.", generic);
  if (words.length > 2) {
    const problem = `rate "${body}" has ${words.length} words; it takes exactly a value and a unit.`;
    for (let i = 0; i + 1 < words.length; i++) {
      const pair = checkRate(`${words[i]} ${words[i + 1]}`);
      if (pair.ok) return fail(problem, `Write ${say(pair.expression.slice("rate(".length, -1))} instead.`);
    }
    return fail(problem, generic);
  }
  const word = words[0]!;
  const glued = /^([+-]?[\d.]+)([A-Za-z]+)$/.exec(word);
  if (glued) {
    const spaced = checkRate(`${glued[1]} ${glued[2]}`);
    const fix = spaced.ok ? `Write ${say(spaced.expression.slice("rate(".length, -1))} instead.` : spaced.fix;
    return fail(`rate "${body}" needs a space between the value and the unit.`, fix);
  }
  if (/^[+-]?[\d.]+$/.test(word)) {
    const n = /^\d+$/.test(word) && Number(word) > 0 ? Number(word) : 1;
    return fail(`rate "${body}" has no unit.`, `Add minute(s), hour(s) or day(s) after the value, e.g. ${say(rateText(n, "minute"))} or ${say(rateText(n, "day"))}.`);
  }
  const unitMinutes = UNIT_SPELLINGS.get(word.toLowerCase());
  if (unitMinutes !== undefined) return fail(`rate "${body}" has no value.`, `Put a number before the unit, e.g. ${say(closestRate(unitMinutes))}.`);
  return fail(`rate "${body}" is not "value unit".`, generic);
}

// ---------------------------------------------------------------------------------------------------------------
// cron(minutes hours day-of-month month day-of-week year)

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

// ---------------------------------------------------------------------------------------------------------------
// at(yyyy-mm-ddThh:mm:ss)

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
