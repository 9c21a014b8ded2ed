import { distance } from "fastest-levenshtein";

/**
 * The closest candidate to `input` (ignoring case), if it is close enough to be a likely typo. A third
 * of the length catches typos and case slips without suggesting unrelated words; `maxDistance` narrows it.
 */
export function closest(input: string, candidates: readonly string[], maxDistance = Math.max(2, Math.floor(input.length / 3))): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  for (const candidate of candidates) {
    const score = distance(lower, candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best !== undefined && bestScore <= maxDistance ? best : undefined;
}

export function didYouMean(input: string, candidates: readonly string[]): string {
  const match = closest(input, candidates);
  return match ? ` Did you mean "${match}"?` : "";
}
