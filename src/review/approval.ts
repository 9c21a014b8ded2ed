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

/**
 * What a refused approval says: why nobody was asked (no terminal, or a fleet job, which never asks
 * because several stacks run at once), what happened to the change set, and how to approve.
 */
export function refusalWording(why: string, fate: string, fleetJob?: { alone: string }): { message: string; hint: string } {
  if (fleetJob) {
    return {
      message: `not deployed: ${why}, and cody asks no questions while several stacks deploy at once. ${fate}`,
      hint: `Review it with \`cody diff --all\`, then deploy with --yes or --require-approval never; or deploy this stack alone to be asked: \`${fleetJob.alone}\`.`,
    };
  }
  return {
    message: `not deployed: ${why}, and there is no terminal to approve it. ${fate}`,
    hint: "Review it with `cody diff`, then approve with --yes, or set --require-approval never (or any-change/broadening) for this pipeline.",
  };
}

export function decideApproval(input: ApprovalInput): ApprovalDecision {
  const why = approvalNeeded(input);
  if (!why || input.yes) return { type: "execute" };
  return input.interactive ? { type: "ask", why } : { type: "refuse", why };
}
