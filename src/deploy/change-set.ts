// A change set as cody makes and reads it: its input, the wait until CloudFormation has made it, and
// its changes as a summary (what each resource does, which properties a Modify touches) and as lines.
import type { Change, CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import { CodyError, ExitCode } from "../errors";
import type { Reporter } from "../io/reporter";
import { CHANGE_SET_MAX_MS, minutes, type DeployOptions, type PropertyChange, type ResourceChangeSummary } from "./options";
import { backoff, CHANGE_SET_FIRST_MS, CHANGE_SET_MAX_TICK_MS } from "./poll-schedule";
import { abortable } from "./wait";

/** The parts every cody change set shares: the template, the IAM capabilities its roles need, the stack's tags. */
export function changeSetInput(
  options: Pick<DeployOptions, "stackName" | "templateBody" | "tags" | "importExisting" | "roleArn">,
  name: string,
  type: "CREATE" | "UPDATE",
  description: string,
): CreateChangeSetCommandInput {
  return {
    ...(options.importExisting ? { ImportExistingResources: true } : {}),
    StackName: options.stackName,
    ChangeSetName: name,
    ChangeSetType: type,
    TemplateBody: options.templateBody,
    Capabilities: ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"],
    ...(options.roleArn ? { RoleARN: options.roleArn } : {}),
    Tags: Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })),
    Description: description,
  };
}

export type ChangeSetOutcome = { type: "empty" } | { type: "ready"; changes: ResourceChangeSummary[]; createdAt?: Date };

/** CloudFormation reports "no changes" only as a FAILED change set with one of these reasons. */
export function changeSetHasNoChanges(status: string | undefined, reason: string | undefined): boolean {
  return status === "FAILED" && /didn't contain changes|No updates are to be performed/i.test(reason ?? "");
}

export async function waitForChangeSet(
  options: Pick<DeployOptions, "cfn" | "stackName" | "sleep" | "signal" | "now" | "timeoutMs">,
  changeSetName: string,
): Promise<ChangeSetOutcome> {
  const { cfn, stackName } = options;
  const now = options.now ?? Date.now;
  const limit = Math.min(CHANGE_SET_MAX_MS, options.timeoutMs ?? CHANGE_SET_MAX_MS);
  const deadline = now() + limit;
  let delay = CHANGE_SET_FIRST_MS;
  for (;;) {
    const res = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: changeSetName });
    if (changeSetHasNoChanges(res.Status, res.StatusReason)) return { type: "empty" };
    if (res.Status === "FAILED") {
      throw new CodyError(`CloudFormation could not create the change set for ${stackName}: ${res.StatusReason ?? "no reason given"}`, {
        hint: /not authorized|AccessDenied/i.test(res.StatusReason ?? "") ? "`cody policy` prints the permissions cody needs." : undefined,
      });
    }
    if (res.Status === "CREATE_COMPLETE") {
      const changes = [...(res.Changes ?? [])];
      let token = res.NextToken;
      while (token) {
        const page = await cfn.describeChangeSet({ StackName: stackName, ChangeSetName: changeSetName, NextToken: token });
        changes.push(...(page.Changes ?? []));
        token = page.NextToken;
      }
      return { type: "ready", changes: changes.map(summarize), createdAt: res.CreationTime };
    }
    if (now() >= deadline) {
      throw new CodyError(`CloudFormation did not finish the change set ${changeSetName} for ${stackName} within ${minutes(limit)} (it is ${res.Status ?? "in an unknown state"}).`, {
        exitCode: ExitCode.failed,
        hint: "Run `cody deploy` again; if it happens again, look at the stack's change sets in the CloudFormation console.",
      });
    }
    await abortable(options.sleep(delay), options.signal);
    delay = backoff(delay, CHANGE_SET_MAX_TICK_MS);
  }
}

export function summarize(change: Change): ResourceChangeSummary {
  const rc = change.ResourceChange ?? {};
  return {
    action: rc.Action ?? "Unknown",
    logicalId: rc.LogicalResourceId ?? "",
    resourceType: rc.ResourceType ?? "",
    replacement: rc.Replacement ?? null,
    properties: propertyChanges(rc.Details ?? []),
  };
}

const RECREATION_RANK: Record<string, number> = { Never: 1, Conditionally: 2, Always: 3 };

/**
 * The names a Modify changes, once each: CloudFormation lists a property once per cause (a template
 * change, a changed reference), and the strongest RequiresRecreation of those is the one that counts.
 */
export function propertyChanges(details: NonNullable<NonNullable<Change["ResourceChange"]>["Details"]>): PropertyChange[] {
  const byName = new Map<string, PropertyChange>();
  for (const detail of details) {
    const name = detail.Target?.Name ?? detail.Target?.Attribute;
    if (!name) continue;
    const recreation = detail.Target?.RequiresRecreation ?? null;
    const known = byName.get(name);
    if (!known || (RECREATION_RANK[recreation ?? ""] ?? 0) > (RECREATION_RANK[known.requiresRecreation ?? ""] ?? 0)) {
      byName.set(name, { name, requiresRecreation: recreation ?? known?.requiresRecreation ?? null });
    }
  }
  return [...byName.values()];
}

export function formatChanges(changes: ResourceChangeSummary[]): string[] {
  const sign: Record<string, string> = { Add: "+", Modify: "~", Remove: "-", Import: "<", Dynamic: "?" };
  return changes.flatMap((c) => {
    const replace = c.replacement === "True" ? "  (replaced)" : c.replacement === "Conditional" ? "  (may be replaced)" : "";
    const properties = c.properties.map((p) => {
      const why = p.requiresRecreation === "Always" ? " (replacement)" : p.requiresRecreation === "Conditionally" ? " (may need replacement)" : "";
      return `      ${p.name}${why}`;
    });
    return [`  ${sign[c.action] ?? "?"} ${c.logicalId.padEnd(16)} ${c.resourceType}${replace}`, ...properties];
  });
}

export function printChanges(reporter: Reporter, stackName: string, changes: ResourceChangeSummary[]): void {
  reporter.info(`Change set for ${stackName}: ${changes.length} change${changes.length === 1 ? "" : "s"}`);
  for (const line of formatChanges(changes)) reporter.info(line);
}
