// The deploy's review seam (DeployOptions.review): show the change set with values and the IAM table,
// then decide with decideApproval: execute, ask, refuse (exit 1 naming the flag), or keep it for
// review (--no-execute). The terminal side lives here; the decision is pure (src/review/approval.ts).
import type { CfnApi } from "../aws/clients";
import type { ResourceChangeSummary, ReviewVerdict } from "../deploy/deploy-stack";
import { deployedTemplate } from "../deploy/diff-stack";
import { CodyError } from "../errors";
import { colors, type Prompt, type Reporter } from "../io/reporter";
import { decideApproval, refusalWording, type RequireApproval } from "../review/approval";
import { formatIamSection, formatReviewedChanges, review } from "../review/review";
import type { TemplateLike } from "../review/template-diff";

export interface ReviewSeamOptions {
  cfn: CfnApi;
  stackName: string;
  region: string;
  template: TemplateLike;
  level: RequireApproval;
  yes: boolean;
  /** --no-execute: show and stop. */
  keep: boolean;
  /** A refused change set is deleted (a deploy); false for --execute-only, which leaves it for review. */
  deletes: boolean;
  prompt: Prompt;
  reporter: Reporter;
}

/** The console page of a change set. */
export function changeSetLink(region: string, stackId: string, changeSetId: string): string {
  const q = (v: string) => encodeURIComponent(v);
  return `https://${region}.console.aws.amazon.com/cloudformation/home?region=${region}#/stacks/changesets/changes?stackId=${q(stackId)}&changeSetId=${q(changeSetId)}`;
}

export function reviewSeam(o: ReviewSeamOptions) {
  return async (changes: ResourceChangeSummary[], context: { changeSetName: string; isNew: boolean }): Promise<ReviewVerdict> => {
    const { reporter } = o;
    const c = colors(reporter);
    const before = context.isNew ? undefined : (await deployedTemplate(o.cfn, o.stackName))?.template;
    const reviewed = review(changes, before, o.template);
    reporter.info(`Change set for ${o.stackName}: ${changes.length} change${changes.length === 1 ? "" : "s"}`);
    for (const line of formatReviewedChanges(reviewed.changes)) reporter.info(line);
    // The review goes to stderr: on a terminal, fit its width.
    const iam = formatIamSection(reviewed.iam, reporter.isTTY ? process.stderr.columns : undefined);
    if (iam.length > 0) {
      reporter.info(reviewed.broadening ? c.yellow(iam[0]!) : iam[0]!);
      for (const line of iam.slice(1)) reporter.info(line);
    }
    if (o.keep) return { type: "keep" };
    const decision = decideApproval({ level: o.level, changes: changes.length, broadening: reviewed.broadening, yes: o.yes, interactive: o.prompt.interactive });
    if (decision.type === "execute") return decision;
    const fate = o.deletes ? "The change set was deleted; nothing was executed." : `Change set ${context.changeSetName} was not executed and is still there.`;
    if (decision.type === "ask") {
      if (await o.prompt.ask(`Execute change set ${context.changeSetName}? ${decision.why}.`)) return { type: "execute" };
      return { type: "refuse", error: new CodyError(`not deployed: the change set was not approved. ${fate}`, { hint: "Run `cody diff` to review the changes, then `cody deploy` again." }) };
    }
    const { message, hint } = refusalWording(decision.why, fate, o.prompt.fleetJob);
    return { type: "refuse", error: new CodyError(message, { hint }) };
  };
}
