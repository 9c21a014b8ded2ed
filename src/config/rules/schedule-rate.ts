// rate(value unit): EventBridge rate expressions, with a converted suggestion for units it does not take.
import { fail, pass, readInput, type ScheduleCheck } from "./schedule-input";

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
