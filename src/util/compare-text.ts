// String order for stable output (sorted rows, keys), the same as `a.localeCompare(b)` but without
// its cost: the first localeCompare of a process sets up ICU's collator, ~12-15 ms of CPU, which every
// deploy paid to sort a few context keys (bench/README.md). Printable ASCII is compared here by the
// collation order of ICU's root locale (what localeCompare uses for en-US); anything else goes to
// localeCompare, so the order never changes. test/util/compare-text.test.ts checks it against localeCompare.

// Printable ASCII in the root collation's primary order: punctuation and symbols, digits, then letters
// (a letter's two cases share a weight; lower case sorts first when nothing else differs).
const PRIMARY_ORDER = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz";
const RANK = new Uint8Array(128);
for (let i = 0; i < PRIMARY_ORDER.length; i++) {
  const c = PRIMARY_ORDER.charCodeAt(i);
  RANK[c] = i + 1;
  if (c >= 97 && c <= 122) RANK[c - 32] = i + 1;
}

function allRanked(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || RANK[c] === 0) return false;
  }
  return true;
}

/** Negative, zero or positive as `a.localeCompare(b)` (en-US, default options) is. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  if (!allRanked(a) || !allRanked(b)) return a.localeCompare(b);
  const n = Math.min(a.length, b.length);
  let byCase = 0;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const rx = RANK[x]!;
    const ry = RANK[y]!;
    if (rx !== ry) return rx < ry ? -1 : 1;
    // The same letter in another case: decides only if the whole strings are otherwise equal.
    if (byCase === 0) byCase = x > y ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return byCase;
}
