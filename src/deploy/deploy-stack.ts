// Deploys a template through a change set. Reads top to bottom as guard clauses: look up the stack,
// settle or clean up what is in the way, skip if nothing changed, create the change set, execute it,
// follow it to a terminal state. Decisions needing a human go through `confirm`.
import type { Change, CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import type { CfnApi } from "../aws/clients";
import { CodyError, ExitCode } from "../errors";
import type { Reporter } from "../io/reporter";
import { rootCause, StackEventPoller, type StackActivity } from "./events";
import type { ActivityPrinter } from "./printers";
import { isCreationFailure, isDeploySuccess, isInProgress, isMissingStackError, lookupStack, type StackSnapshot } from "./stack";
import { abortable, Interrupted, type Sleep } from "./wait";

/** One property (or attribute, such as Tags) a Modify changes, from the change set's Details. */
export interface PropertyChange {
  /** The property name, e.g. `Environment`; the attribute (`Tags`, `Metadata`, ...) when not a property. */
  name: string;
  /** CloudFormation's RequiresRecreation: `Never`, `Conditionally` or `Always`; null when not given. */
  requiresRecreation: string | null;
}

export interface ResourceChangeSummary {
  action: string;
  logicalId: string;
  resourceType: string;
  /** CloudFormation's Replacement for a Modify (`True`, `False`, `Conditional`); null otherwise. */
  replacement: string | null;
  /** What a Modify changes, by name only, in the change set's order; [] for Add and Remove. */
  properties: PropertyChange[];
}

export type DeployResult =
  | { type: "no-changes"; stackName: string; status: string; outputs: Record<string, string> }
  /** The change set was made and left for review (--no-execute). */
  | { type: "created"; stackName: string; changeSetName: string; changes: ResourceChangeSummary[] }
  | { type: "started"; stackName: string; changes: ResourceChangeSummary[] }
  | {
      type: "deployed";
      stackName: string;
      status: string;
      outputs: Record<string, string>;
      changes: ResourceChangeSummary[];
      elapsedMs: number;
    };

export interface DeployIo {
  reporter: Reporter;
  /** Asks a yes/no question; resolves to the default when nobody can answer. */
  confirm(question: string): Promise<boolean>;
  printer(title: string): ActivityPrinter;
}

export interface DeployOptions {
  cfn: CfnApi;
  stackName: string;
  templateBody: string;
  tags: Record<string, string>;
  /** Follow the stack to a terminal state (default true). */
  wait?: boolean;
  io: DeployIo;
  sleep: Sleep;
  signal?: AbortSignal;
  now?: () => number;
  /** Runs once the deploy knows it will change something, before its first write. */
  beforeChanges?: () => Promise<void>;
  /** Name the change set (--change-set-name); default `cody-<time>`. */
  changeSetName?: string;
  /** Let the change set adopt existing named, retained resources (src/review/adopt.ts). */
  importExisting?: boolean;
  /**
   * The review seam (src/review/, called from the CLI): shows the change set and decides. `keep` leaves
   * it for review, `refuse` deletes it (and the empty stack a CREATE made) and throws `error`.
   * Without it the change set is printed and executed.
   */
  review?: (changes: ResourceChangeSummary[], context: { changeSetName: string; isNew: boolean }) => Promise<ReviewVerdict>;
}

export type ReviewVerdict = { type: "execute" } | { type: "keep" } | { type: "refuse"; error: Error };

/** The parts every cody change set shares: the template, the IAM capabilities its roles need, the stack's tags. */
export function changeSetInput(
  options: Pick<DeployOptions, "stackName" | "templateBody" | "tags" | "importExisting">,
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
    Tags: Object.entries(options.tags).map(([Key, Value]) => ({ Key, Value })),
    Description: description,
  };
}

export async function deployStack(options: DeployOptions): Promise<DeployResult> {
  const { cfn, stackName, io } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const { reporter } = io;

  let stack = await lookupStack(cfn, stackName);
  if (stack.exists && isInProgress(stack.status)) {
    if (options.wait === false) {
      throw new CodyError(`stack ${stackName} is busy (${stack.status}).`, {
        hint: "Wait for it to finish (see the CloudFormation console), or run cody deploy without --no-wait to wait here.",
      });
    }
    reporter.info(`Stack ${stackName} is ${stack.status}; waiting for it to finish first.`);
    stack = (await followStack(options, stack, new Date(now()), "Waiting for")).stack;
  }
  // The fast path first: an unchanged, healthy stack needs no preflight and no change set.
  const healthy =
    stack.exists && !isCreationFailure(stack.status) && stack.status !== "UPDATE_ROLLBACK_FAILED" && stack.status !== "REVIEW_IN_PROGRESS";
  if (healthy && (await templateUnchanged(options, stack))) {
    return { type: "no-changes", stackName, status: stack.status, outputs: stack.outputs };
  }
  // Checks that must pass before anything is written (the IAM preflight).
  await options.beforeChanges?.();

  if (stack.exists && isCreationFailure(stack.status)) {
    reporter.info(`Stack ${stackName} is ${stack.status}: its first create failed and it cannot be updated. Deleting it to create it again.`);
    await cfn.deleteStack({ StackName: stackName });
    await followStack(options, stack, new Date(now()), "Deleting");
    stack = await lookupStack(cfn, stackName);
  }
  if (stack.exists && stack.status === "UPDATE_ROLLBACK_FAILED") {
    await continueRollback(options, stack);
    stack = await lookupStack(cfn, stackName);
  }
  // REVIEW_IN_PROGRESS: a change set was made but never executed; the stack has no resources yet.
  const isNew = !stack.exists || stack.status === "REVIEW_IN_PROGRESS";

  const changeSetName = options.changeSetName ?? `cody-${now()}`;
  await cfn.createChangeSet(changeSetInput(options, changeSetName, isNew ? "CREATE" : "UPDATE", "created by cody deploy"));
  let executed = false;
  try {
    const created = await waitForChangeSet(options, changeSetName);
    if (created.type === "empty") {
      await cfn.deleteChangeSet({ StackName: stackName, ChangeSetName: changeSetName });
      return { type: "no-changes", stackName, status: stack.status, outputs: stack.outputs };
    }
    const changes = created.changes;
    let verdict: ReviewVerdict = { type: "execute" };
    if (options.review) verdict = await options.review(changes, { changeSetName, isNew });
    else printChanges(reporter, stackName, changes);
    if (verdict.type === "keep") return { type: "created", stackName, changeSetName, changes };
    if (verdict.type === "refuse") {
      await cfn.deleteChangeSet({ StackName: stackName, ChangeSetName: changeSetName }).catch(() => undefined);
      // A CREATE change set made an empty REVIEW_IN_PROGRESS stack: nothing of the deploy stays.
      if (!stack.exists) await cfn.deleteStack({ StackName: stackName }).catch(() => undefined);
      throw verdict.error;
    }

    // Follow events from the change set's own (server) time, not the local clock.
    const executedAt = created.createdAt ?? new Date(now() - 1000);
    if (options.signal?.aborted) throw new Interrupted();
    await cfn.executeChangeSet({ StackName: stackName, ChangeSetName: changeSetName, ClientRequestToken: changeSetName });
    executed = true;
    if (options.wait === false) return { type: "started", stackName, changes };

    const followed = await followStack(options, { ...stack, exists: true }, executedAt, isNew ? "Creating" : "Updating", changes.length);
    const final = followed.stack;
    if (!isDeploySuccess(final.status)) throw deploymentFailed(stackName, final, followed.events);
    return { type: "deployed", stackName, status: final.status, outputs: final.outputs, changes, elapsedMs: now() - started };
  } catch (error) {
    if (error instanceof Interrupted) {
      if (!executed) {
        await cfn.deleteChangeSet({ StackName: stackName, ChangeSetName: changeSetName }).catch(() => undefined);
        throw new Interrupted(`Interrupted: deleted change set ${changeSetName}; nothing was deployed.`, "Run `cody deploy` again when ready.");
      }
      throw new Interrupted(
        `Stopped following the deploy of ${stackName}; CloudFormation carries on with it.`,
        "Run `cody deploy` again to wait for it (it deploys only what is still different), or watch it in the CloudFormation console.",
      );
    }
    throw error;
  }
}

/** An unchanged template and tags need no change set at all: the fast path of a no-op deploy. */
export async function templateUnchanged(
  options: Pick<DeployOptions, "cfn" | "stackName" | "templateBody" | "tags">,
  stack: StackSnapshot,
): Promise<boolean> {
  // Both ways: a tag removed from the config must reach the stack too (CreateChangeSet replaces the set).
  const sameTags =
    Object.keys(stack.tags).length === Object.keys(options.tags).length && Object.entries(options.tags).every(([k, v]) => stack.tags[k] === v);
  if (!sameTags) return false;
  const current = await options.cfn.getTemplate({ StackName: options.stackName, TemplateStage: "Original" });
  return current.TemplateBody === options.templateBody;
}

export type ChangeSetOutcome = { type: "empty" } | { type: "ready"; changes: ResourceChangeSummary[]; createdAt?: Date };

/** CloudFormation reports "no changes" only as a FAILED change set with one of these reasons. */
export function changeSetHasNoChanges(status: string | undefined, reason: string | undefined): boolean {
  return status === "FAILED" && /didn't contain changes|No updates are to be performed/i.test(reason ?? "");
}

export async function waitForChangeSet(
  options: Pick<DeployOptions, "cfn" | "stackName" | "sleep" | "signal">,
  changeSetName: string,
): Promise<ChangeSetOutcome> {
  const { cfn, stackName } = options;
  let delay = 500;
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
    await abortable(options.sleep(delay), options.signal);
    delay = Math.min(delay * 1.5, 3000);
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

function printChanges(reporter: Reporter, stackName: string, changes: ResourceChangeSummary[]): void {
  reporter.info(`Change set for ${stackName}: ${changes.length} change${changes.length === 1 ? "" : "s"}`);
  for (const line of formatChanges(changes)) reporter.info(line);
}

/**
 * Polls the stack and its events until it leaves *_IN_PROGRESS; adaptive: fast at first, then slower.
 * `expected` is how many resources will change (undefined: not known, as for a delete).
 */
export async function followStack(
  options: Pick<DeployOptions, "cfn" | "stackName" | "io" | "sleep" | "signal">,
  stack: StackSnapshot,
  since: Date,
  verb: string,
  expected?: number,
): Promise<{ stack: StackSnapshot; events: StackActivity[] }> {
  const { cfn, io } = options;
  // Follow by id where known: a deleted stack is only visible by id (as DELETE_COMPLETE).
  const id = stack.stackId ?? options.stackName;
  const poller = new StackEventPoller(cfn, id, since);
  const printer = io.printer(`${verb} ${options.stackName}`);
  printer.start(expected, verb === "Deleting" ? "deleted" : "done");
  const seen: StackActivity[] = [];
  let succeeded = false;
  let delay = 1000;
  try {
    for (;;) {
      const events = await poller.poll();
      for (const e of events) printer.activity(e);
      seen.push(...events);
      const current = await lookupStack(cfn, id);
      if (!current.exists || !isInProgress(current.status)) {
        // One last poll: the terminal events (a delete's last ones too) land before the status is read.
        // A stack followed by name has no events once gone.
        const last = await poller.poll().catch((error: unknown) => {
          if (!current.exists && isMissingStackError(error)) return [];
          throw error;
        });
        for (const e of last) {
          printer.activity(e);
          seen.push(e);
        }
        const final = current.exists ? { ...current, name: options.stackName } : { ...current, status: "DELETE_COMPLETE" };
        succeeded = isDeploySuccess(final.status) || final.status === "DELETE_COMPLETE";
        return { stack: final, events: seen };
      }
      await abortable(options.sleep(delay), options.signal);
      delay = events.length > 0 ? 1000 : Math.min(delay * 1.5, 5000);
    }
  } finally {
    // A stack that settled well has every resource done, even where no per-resource event said so (moto).
    printer.stop(succeeded);
  }
}

async function continueRollback(options: DeployOptions, stack: StackSnapshot): Promise<void> {
  const { io, stackName } = options;
  const command = `aws cloudformation continue-update-rollback --stack-name ${stackName}`;
  io.reporter.info(
    `Stack ${stackName} is UPDATE_ROLLBACK_FAILED: an update failed and so did its rollback${stack.reason ? ` (${stack.reason})` : ""}.\n` +
      "It cannot be updated until the rollback is continued (after fixing what made it fail, e.g. a resource changed outside CloudFormation).",
  );
  const yes = await io.confirm("Continue the rollback now?");
  if (!yes) {
    throw new CodyError(`stack ${stackName} is UPDATE_ROLLBACK_FAILED.`, {
      hint: `Continue the rollback with \`${command}\` (add --resources-to-skip for resources that cannot roll back), or rerun cody deploy with --yes to do it here.`,
    });
  }
  await options.cfn.continueUpdateRollback({ StackName: stackName });
  const { stack: final, events } = await followStack(options, stack, new Date((options.now ?? Date.now)()), "Rolling back");
  if (final.status !== "UPDATE_ROLLBACK_COMPLETE") throw deploymentFailed(stackName, final, events);
}

/** The first resource that failed and why, else the stack's own reason. */
export function firstFailure(stack: StackSnapshot, events: StackActivity[]): string {
  const cause = rootCause(events);
  return cause ? `${cause.logicalId} (${cause.resourceType}) ${cause.status}: ${cause.reason ?? "no reason given"}` : (stack.reason ?? "no reason given");
}

export function deploymentFailed(stackName: string, stack: StackSnapshot, events: StackActivity[]): CodyError {
  const what = firstFailure(stack, events);
  const permission = /not authorized|AccessDenied|is not authorized to perform/i.test(what);
  return new CodyError(`deploy of ${stackName} failed (${stack.status}). First failure: ${what}`, {
    exitCode: ExitCode.failed,
    hint: permission
      ? "CloudFormation acts with your permissions: `cody policy` prints what cody needs."
      : "Fix the cause above and run `cody deploy` again; `cody diff` shows what it will change.",
  });
}
