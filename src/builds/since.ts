// `cody logs --since`: a relative age (30s, 10m, 2h, 1d, 1w, or combinations such as 1h30m) or an
// ISO time. cody's aws-logs took no combinations and silently fell back to 10m on a typo; we refuse.
import { configError } from "../errors";

const FIELD = "--since";
const FIX = "Use a relative time such as 30s, 10m, 2h, 1d, 1w or 1h30m, or an ISO time such as 2024-05-01T10:00:00Z (UTC when no zone is given).";
const UNIT_MS = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;
const ORDER: Unit[] = ["w", "d", "h", "m", "s"];

const RELATIVE = /^(?:\d+[a-zA-Z])+$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function fail(input: string, message: string): never {
  throw configError({ field: FIELD, message: `"${input}" ${message}`, fix: FIX });
}

function parseRelative(input: string, text: string): number {
  let total = 0;
  let last = -1;
  for (const [, digits, unitRaw] of text.matchAll(/(\d+)([a-zA-Z])/g)) {
    const unit = unitRaw as Unit;
    const rank = ORDER.indexOf(unit);
    // "10M" could mean months; only the lower-case units exist.
    if (rank < 0) fail(input, `has an unknown unit "${unitRaw}": the units are s, m, h, d and w.`);
    if (rank <= last) fail(input, "repeats a unit or lists them out of order: write the largest unit first, e.g. 1h30m.");
    last = rank;
    total += Number(digits) * UNIT_MS[unit];
  }
  if (total === 0) fail(input, "is zero: nothing is older than now.");
  return total;
}

function parseIso(input: string, m: RegExpExecArray): Date {
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  const ms = Number(frac.slice(0, 3).padEnd(3, "0"));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  const check = new Date(utc);
  // Date.UTC rolls 2024-02-30 over to March; a calendar that does not round-trip is a typo.
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    fail(input, "is not a real date and time.");
  }
  let offset = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
    if (!z) fail(input, "has an invalid time zone offset.");
    offset = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return new Date(utc - offset);
}

/** The instant `--since` names; relative ages count back from `now`. */
export function parseSince(input: string, now: Date = new Date()): Date {
  const text = input.trim().replace(/\s+/g, "");
  if (!text) fail(input, "is empty.");
  if (RELATIVE.test(text)) return new Date(now.getTime() - parseRelative(input, text));
  const iso = ISO.exec(input.trim());
  if (iso) {
    const at = parseIso(input, iso);
    if (at.getTime() > now.getTime()) fail(input, `is in the future (now is ${now.toISOString()}).`);
    return at;
  }
  if (/^\d+$/.test(text)) fail(input, "has no unit: write e.g. 30s, 10m or 2h.");
  return fail(input, "is neither a relative time nor an ISO time.");
}
