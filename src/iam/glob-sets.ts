// IAM patterns as sets of strings, for `cody policy --check` (see the header of ./evaluate.ts).
//
// A requirement resource such as `arn:aws:iam::*:role/cody/app-*` stands for every ARN it matches, so
// checking it against a policy pattern is a question about two *sets*: is the requirement's set inside
// the policy's (an Allow covers it), does it meet it (a Deny may apply)? Both are decided exactly by
// compiling each pattern to a small nondeterministic automaton and searching the product of the automata
// for a witness string. The alphabet is finite for this purpose: only the literal characters of the
// patterns, `:` and one "other" character can be told apart by any of them.
//
// Tokens keep the per-segment rules of ARN matching: in the partition, service, region and account
// segments `*`/`?` never cross `:` (a segment has none) and letters compare case-insensitively (`fold`);
// in the resource part `*` and `?` cross `/` and `:`.

export type Token =
  | { kind: "char"; ch: string; fold: boolean }
  /** `?`: one character (`seg`: not `:`). */
  | { kind: "one"; seg: boolean }
  /** `*`: any run (`seg`: of characters other than `:`). */
  | { kind: "star"; seg: boolean }
  /** Matches nothing: an unknown value read as "no string" (see the polarity rules in ./coverage.ts). */
  | { kind: "never" };

export type Pattern = readonly Token[];

export const lit = (text: string, fold = false): Token[] => [...text].map((ch) => ({ kind: "char", ch: fold ? ch.toLowerCase() : ch, fold }));
export const STAR: Token = { kind: "star", seg: false };

/** Positions reachable without reading: a star may match nothing. */
function closure(pattern: Pattern, states: Iterable<number>): number[] {
  const out = new Set<number>();
  for (let i of states) {
    out.add(i);
    while (i < pattern.length && pattern[i].kind === "star") out.add(++i);
  }
  return [...out].sort((a, b) => a - b);
}

function step(pattern: Pattern, states: readonly number[], c: string): number[] {
  const next: number[] = [];
  for (const i of states) {
    const t = pattern[i];
    if (!t) continue;
    if (t.kind === "char") {
      if ((t.fold ? c.toLowerCase() : c) === t.ch) next.push(i + 1);
    } else if (t.kind === "one") {
      if (!t.seg || c !== ":") next.push(i + 1);
    } else if (t.kind === "star") {
      if (!t.seg || c !== ":") next.push(i);
    }
  }
  return closure(pattern, next);
}

const accepts = (pattern: Pattern, states: readonly number[]): boolean => states.includes(pattern.length);

/** Does the pattern match this concrete string? */
export function matches(pattern: Pattern, text: string): boolean {
  let states = closure(pattern, [0]);
  for (const c of text) {
    states = step(pattern, states, c);
    if (states.length === 0) return false;
  }
  return accepts(pattern, states);
}

/** The characters that tell the patterns apart: every literal (both cases), `:` and one character none of them has. */
function alphabet(patterns: readonly Pattern[]): string[] {
  const chars = new Set<string>([":"]);
  for (const p of patterns) {
    for (const t of p) {
      if (t.kind !== "char") continue;
      chars.add(t.ch);
      chars.add(t.ch.toLowerCase());
      chars.add(t.ch.toUpperCase());
    }
  }
  // A readable stand-in for "any other character", so a witness looks like a name.
  const other = [..."xqzjkvw0123456789", "\u00e9"].find((c) => !chars.has(c) && !chars.has(c.toUpperCase()));
  return [...chars, other ?? "\u0001"];
}

/** Product states explored before giving up (then the caller answers conservatively). */
const BUDGET = 20_000;

export type Witness = { found: true; text: string } | { found: false } | { found: "unknown" };

/**
 * Searches for a string that `required` matches and for which `wanted(acceptedByEach)` holds, where
 * `acceptedByEach[i]` says whether `others[i]` matches it. Breadth-first, so the witness is a shortest
 * one. Exact; `unknown` only when the search exceeds its budget.
 */
export function findWitness(required: Pattern, others: readonly Pattern[], wanted: (accepted: boolean[]) => boolean): Witness {
  const all = [required, ...others];
  const sigma = alphabet(all);
  const start = all.map((p) => closure(p, [0]));
  const key = (tuple: number[][]): string => tuple.map((s) => s.join(",")).join("|");
  const seen = new Set<string>([key(start)]);
  let frontier: Array<{ tuple: number[][]; text: string }> = [{ tuple: start, text: "" }];
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const { tuple, text } of frontier) {
      if (accepts(required, tuple[0]) && wanted(others.map((p, i) => accepts(p, tuple[i + 1])))) return { found: true, text };
      for (const c of sigma) {
        const moved = all.map((p, i) => step(p, tuple[i], c));
        if (moved[0].length === 0) continue; // no longer in the required set
        const k = key(moved);
        if (seen.has(k)) continue;
        if (seen.size >= BUDGET) return { found: "unknown" };
        seen.add(k);
        next.push({ tuple: moved, text: text + c });
      }
    }
    frontier = next;
  }
  return { found: false };
}

/** Some string of `a` that no pattern of `union` matches (undefined: none, `a` ⊆ ∪ union), or "unknown". */
export function outside(a: Pattern, union: readonly Pattern[]): string | undefined | "unknown" {
  const w = findWitness(a, union, (acc) => !acc.some(Boolean));
  return w.found === true ? w.text : w.found === false ? undefined : "unknown";
}

/** Some string both `a` and one of `union` match (undefined: they are disjoint), or "unknown". */
export function overlap(a: Pattern, union: readonly Pattern[]): string | undefined | "unknown" {
  if (union.length === 0) return undefined;
  const w = findWitness(a, union, (acc) => acc.some(Boolean));
  return w.found === true ? w.text : w.found === false ? undefined : "unknown";
}
