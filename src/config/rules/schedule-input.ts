// What the rate, cron and at checks share: the result, the 256-character limit, and reading the value
// with or without its `kind(...)` wrapper.

export type ScheduleCheck = { ok: true; expression: string } | { ok: false; problem: string; fix: string };

export type Kind = "rate" | "cron" | "at";

export const EXAMPLES: Record<Kind, string> = { rate: "1 day", cron: "0 10 * * ? *", at: "2026-12-01T10:00:00" };

// AWS::Events::Rule.ScheduleExpression is at most 256 characters.
const MAX_EXPRESSION_LENGTH = 256;

export function fail(problem: string, fix: string): ScheduleCheck {
  return { ok: false, problem, fix };
}

export function pass(kind: Kind, body: string): ScheduleCheck {
  const expression = `${kind}(${body})`;
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    return fail(
      `the ${kind} expression is ${expression.length} characters long; EventBridge allows at most ${MAX_EXPRESSION_LENGTH}.`,
      "Shorten it, for example by replacing long lists with ranges such as 1-5.",
    );
  }
  return { ok: true, expression };
}

// The keyword wrapper is optional (`rate: "1 day"` and `rate: "rate(1 day)"` both work).

export type Input = { ok: true; body: string; say: (body: string) => string } | { ok: false; check: ScheduleCheck };

export function article(kind: Kind): string {
  return kind === "at" ? "an" : "a";
}

export function isKind(word: string): word is Kind {
  return word === "rate" || word === "cron" || word === "at";
}

/** Strips the optional `kind(...)` wrapper; suggestions are rendered the way the user wrote the value. */
export function readInput(value: string, kind: Kind): Input {
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

