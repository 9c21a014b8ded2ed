// Whether a change set may run without a person saying yes: `--require-approval` (CDK's levels).
// Pure: the deploy calls decideApproval at one seam, after the change set is made and shown.
export const APPROVAL_LEVELS = ["never", "any-change", "broadening"] as const;
export type RequireApproval = (typeof APPROVAL_LEVELS)[number];
export const DEFAULT_APPROVAL: RequireApproval = "broadening";

export function isApprovalLevel(value: string): value is RequireApproval {
  return (APPROVAL_LEVELS as readonly string[]).includes(value);
}

export interface ApprovalInput {
  level: RequireApproval;
  /** The change set changes something (it always does when this is asked). */
  changes: number;
  /** Some IAM change lets something do more than before (src/review/iam-changes.ts). */
  broadening: boolean;
  /** --yes: every question answered yes. */
  yes: boolean;
  /** Someone can answer at a terminal. */
  interactive: boolean;
}

/** `execute`: no approval needed, or given by --yes; `ask`: a terminal question; `refuse`: needed, nobody to give it. */
export type ApprovalDecision = { type: "execute" } | { type: "ask"; why: string } | { type: "refuse"; why: string };

export function approvalNeeded(input: Pick<ApprovalInput, "level" | "changes" | "broadening">): string | undefined {
  if (input.changes === 0 || input.level === "never") return undefined;
  if (input.level === "any-change") return "--require-approval any-change asks before every change";
  return input.broadening ? "the change broadens IAM permissions (--require-approval broadening)" : undefined;
}

export function decideApproval(input: ApprovalInput): ApprovalDecision {
  const why = approvalNeeded(input);
  if (!why || input.yes) return { type: "execute" };
  return input.interactive ? { type: "ask", why } : { type: "refuse", why };
}
