// The review flags of `cody deploy`, checked before anything else: bad combinations are bad input
// (exit 1, before any AWS call), and the approval level comes from the flag, then settings.
import { configError } from "../errors";
import { APPROVAL_LEVELS, DEFAULT_APPROVAL, isApprovalLevel, type RequireApproval } from "./approval";

/**
 * The flag, then CODY_REQUIRE_APPROVAL (a pipeline's choice for every deploy it runs), then the
 * project's settings (`requireApproval`), then broadening.
 */
export function approvalLevel(flag: string | undefined, setting: string | undefined, environment: Record<string, string | undefined> = process.env): RequireApproval {
  const fromEnv = environment.CODY_REQUIRE_APPROVAL || undefined;
  const value = flag ?? fromEnv ?? setting ?? DEFAULT_APPROVAL;
  if (!isApprovalLevel(value)) {
    // The flag's choices are checked by the parser and settings by their schema: only the variable is left.
    throw configError({ field: "CODY_REQUIRE_APPROVAL", message: `"${value}" is not one of ${APPROVAL_LEVELS.join(", ")}.`, fix: "Set CODY_REQUIRE_APPROVAL=broadening (the default), or unset it." });
  }
  return value;
}

/** CloudFormation's change set names: a letter, then letters, digits and hyphens, up to 128. */
const CHANGE_SET_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

export function checkReviewFlags(o: { execute?: boolean; executeOnly?: boolean; changeSetName?: string; wait?: boolean }): void {
  if (o.changeSetName !== undefined && !CHANGE_SET_NAME.test(o.changeSetName)) {
    throw configError({
      field: "--change-set-name",
      message: `"${o.changeSetName}" is not a change set name CloudFormation accepts: a letter, then letters, digits and hyphens (at most 128).`,
      fix: `Use e.g. --change-set-name ${o.changeSetName.replace(/[^A-Za-z0-9-]+/g, "-").replace(/^[^A-Za-z]+/, "") || "review-1"}.`,
    });
  }
  if (o.executeOnly && !o.changeSetName) {
    throw configError({ field: "--execute-only", message: "needs the change set to execute.", fix: "Add --change-set-name NAME (the name given to cody deploy --no-execute)." });
  }
  if (o.executeOnly && o.execute === false) {
    throw configError({ field: "--execute-only", message: "and --no-execute contradict each other.", fix: "Use --no-execute to make a change set, then --execute-only to run it." });
  }
}
