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

/** Positions reachable without reading from each position: a star may match nothing. */
const runs = new WeakMap<Pattern, Int32Array>();
function starRun(pattern: Pattern): Int32Array {
  let run = runs.get(pattern);
  if (!run) {
    run = new Int32Array(pattern.length + 1);
    run[pattern.length] = pattern.length;
    for (let i = pattern.length - 1; i >= 0; i--) run[i] = pattern[i].kind === "star" ? run[i + 1] : i;
    runs.set(pattern, run);
  }
  return run;
}

/** The sorted closure of positions given in ascending order. */
function closure(pattern: Pattern, states: readonly number[]): number[] {
  const run = starRun(pattern);
  const out: number[] = [];
  let last = -1;
  for (const i of states) {
    for (let j = Math.max(i, last + 1); j <= run[i]; j++) out.push(j);
    if (run[i] > last) last = run[i];
  }
  return out;
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
  return next.length === 0 ? next : closure(pattern, next);
}

const accepts = (pattern: Pattern, states: readonly number[]): boolean => states.length > 0 && states[states.length - 1] === pattern.length;

/** Does the pattern match this concrete string? */
export function matches(pattern: Pattern, text: string): boolean {
  let states = closure(pattern, [0]);
  for (const c of text) {
    states = step(pattern, states, c);
    if (states.length === 0) return false;
  }
  return accepts(pattern, states);
}

/** A readable character that no pattern has as a literal: it stands for "any other character". */
function otherChar(patterns: readonly Pattern[]): string {
  const chars = new Set<string>();
  for (const p of patterns) for (const t of p) if (t.kind === "char") chars.add(t.ch.toLowerCase());
  return [..."xqzjkvw0123456789", "\u00e9"].find((c) => !chars.has(c)) ?? "\u0001";
}

/**
 * The characters that can lead somewhere different from here: the literals the automata are at (both
 * cases when they fold), `:` and the "other" character. Any other character acts like "other".
 */
function choices(all: readonly Pattern[], tuple: readonly number[][], other: string): string[] {
  const out = new Set<string>([other, ":"]);
  all.forEach((p, k) => {
    for (const i of tuple[k]) {
      const t = p[i];
      if (t?.kind !== "char") continue;
      out.add(t.ch);
      if (t.fold) out.add(t.ch.toUpperCase());
    }
  });
  return [...out];
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
  if (required.every((t) => t.kind === "char")) {
    // One concrete string: no search needed.
    const text = required.map((t) => (t.kind === "char" ? t.ch : "")).join("");
    return wanted(others.map((p) => matches(p, text))) ? { found: true, text } : { found: false };
  }
  const all = [required, ...others];
  const other = otherChar(all);
  const start = all.map((p) => closure(p, [0]));
  const key = (tuple: number[][]): string => tuple.map((s) => s.join(",")).join("|");
  const seen = new Set<string>([key(start)]);
  // Breadth-first over product states; each node keeps its parent and the character that led to it.
  interface Node {
    tuple: number[][];
    parent?: Node;
    c: string;
  }
  const text = (node: Node): string => {
    let out = "";
    for (let n: Node | undefined = node; n?.parent; n = n.parent) out = n.c + out;
    return out;
  };
  let frontier: Node[] = [{ tuple: start, c: "" }];
  while (frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      const { tuple } = node;
      if (accepts(required, tuple[0]) && wanted(others.map((p, i) => accepts(p, tuple[i + 1])))) return { found: true, text: text(node) };
      for (const c of choices(all, tuple, other)) {
        const first = step(required, tuple[0], c);
        if (first.length === 0) continue; // no longer in the required set
        const moved = [first, ...others.map((p, i) => step(p, tuple[i + 1], c))];
        const k = key(moved);
        if (seen.has(k)) continue;
        if (seen.size >= BUDGET) return { found: "unknown" };
        seen.add(k);
        next.push({ tuple: moved, parent: node, c });
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

/**
 * Narrower forms of a pattern whose witnesses read better, most readable first: a `*` that fills a whole
 * ARN segment kept as the character `*` (`arn:aws:iam::*:role/x`, "any account"), and every other `*`
 * matching at least one character (a name, not the empty string); then each of the two alone. Each form
 * is a subset of the pattern.
 */
export function readableForms(pattern: Pattern): Pattern[] {
  const nonEmpty = (t: Token): Token[] => (t.kind === "star" ? [{ kind: "one", seg: t.seg }, t] : [t]);
  const wholeSegment = (i: number): boolean =>
    pattern[i].kind === "star" && (pattern[i] as { seg: boolean }).seg && isColon(pattern[i - 1]) && isColon(pattern[i + 1]);
  const star: Token = { kind: "char", ch: "*", fold: false };
  return [
    pattern.flatMap((t, i): Token[] => (wholeSegment(i) ? [star] : nonEmpty(t))),
    pattern.flatMap((t, i): Token[] => (wholeSegment(i) ? [star] : [t])),
    pattern.flatMap(nonEmpty),
  ];
}

const isColon = (t: Token | undefined): boolean => t?.kind === "char" && t.ch === ":";
