// Deploys a template through a change set. Reads top to bottom as guard clauses: look up the stack,
// settle or clean up what is in the way, skip if nothing changed, create the change set, execute it,
// follow it to a terminal state. Decisions needing a human go through `confirm`.
import type { Change, CreateChangeSetCommandInput } from "@aws-sdk/client-cloudformation";
import type { CfnApi } from "../aws/clients";
import { errorChain, mayHaveLanded } from "../aws/errors";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { codyChangeSets, describeCleanup, listChangeSets, RECENT_MS, removeChangeSet, removeReviewStack, type Cleanup, type CodyChangeSet } from "./change-sets";
import type { Reporter } from "../io/reporter";
import { rootCause, StackEventPoller, type StackActivity } from "./events";
import type { ActivityPrinter } from "./printers";
import { isCreationFailure, isDeploySuccess, isInProgress, isMissingStackError, lookupStack, sameTags, type StackSnapshot } from "./stack";
import { abortable, Interrupted, type Sleep } from "./wait";

// The change set's resource changes are review's vocabulary (review/review.ts); deploy reports them.
import type { PropertyChange, ResourceChangeSummary } from "../review/review";
export type { PropertyChange, ResourceChangeSummary };

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
  /** Longest wait for the stack to settle (--timeout); default FOLLOW_MAX_MS. */
  timeoutMs?: number;
  /** Name the change set (--change-set-name); default `cody-<time>`. */
  changeSetName?: string;
  /** Let the change set adopt existing named, retained resources (src/review/adopt.ts). */
  importExisting?: boolean;
  /** A CloudFormation service role (`--role-arn`): RoleARN of the change set and of any DeleteStack. */
  roleArn?: string;
  /** settings' terminationProtection: set on the stack after a successful deploy; undefined leaves it as it is. */
  terminationProtection?: boolean;
  /**
   * The review seam (src/review/, called from the CLI): shows the change set and decides. `keep` leaves
   * it for review, `refuse` deletes it (and the empty stack a CREATE made) and throws `error`.
   * Without it the change set is printed and executed.
   */
  review?: (changes: ResourceChangeSummary[], context: { changeSetName: string; isNew: boolean }) => Promise<ReviewVerdict>;
}

export type ReviewVerdict = { type: "execute" } | { type: "keep" } | { type: "refuse"; error: Error };


/** How long a deploy or delete follows a stack unless --timeout says otherwise. */
export const FOLLOW_MAX_MS = 60 * 60_000;
/** CloudFormation makes a change set in seconds; ten minutes means it is stuck. */
export const CHANGE_SET_MAX_MS = 10 * 60_000;

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

export async function deployStack(options: DeployOptions): Promise<DeployResult> {
  try {
    return await deploy(options);
  } catch (error) {
    // Ctrl-C during a read before any write (a lookup, GetTemplate, the preflight): say nothing changed.
    if (error instanceof Interrupted && error.message === new Interrupted().message) {
      throw new Interrupted("Interrupted before cody changed anything: nothing was deployed.", "Run `cody deploy` again when ready.");
    }
    throw error;
  }
}

async function deploy(options: DeployOptions): Promise<DeployResult> {
  const { cfn, stackName, io } = options;
  const now = options.now ?? Date.now;
  const started = now();
  const { reporter } = io;

  let stack = await lookupStack(cfn, stackName);
  if (stack.exists && isInProgress(stack.status)) {
    if (options.wait === false) {
      throw new CodyError(`another deploy or update of stack ${stackName} is in progress (${stack.status}).`, {
        hint: "Wait for it to finish (see the CloudFormation console), or run cody deploy without --no-wait to wait here.",
      });
    }
    reporter.info(`Another deploy or update of stack ${stackName} is in progress (${stack.status}); waiting for it to finish first.`);
    stack = (await followStack(options, stack, new Date(now()), "Waiting for")).stack;
  }
  // The fast path first: an unchanged, healthy stack needs no preflight and no change set.
  const healthy =
    stack.exists && !isCreationFailure(stack.status) && stack.status !== "UPDATE_ROLLBACK_FAILED" && stack.status !== "REVIEW_IN_PROGRESS";
  if (healthy && (await templateUnchanged(options, stack))) {
    await applyTerminationProtection(options, stack);
    return { type: "no-changes", stackName, status: stack.status, outputs: stack.outputs };
  }
  // Checks that must pass before anything is written (the IAM preflight).
  await options.beforeChanges?.();
  stopIfInterrupted(options.signal, "Interrupted before cody changed anything: nothing was deployed.");
  // Another cody run between its CreateChangeSet and ExecuteChangeSet; older leftovers are removed.
  const leftovers = stack.exists ? codyChangeSets(await listChangeSets(cfn, stackName), now()) : { busy: [], stale: [] };
  const running = leftovers.busy[0];
  if (running) throw anotherDeploy(stackName, running, now());
  stopIfInterrupted(options.signal, "Interrupted before cody changed anything: nothing was deployed.");

  for (const old of leftovers.stale) {
    const cleanup: Cleanup = { removed: [], left: [] };
    if (await removeChangeSet(cfn, stackName, old.name, cleanup)) {
      reporter.info(`Removed change set ${old.name}, left by an earlier cody run (created ${old.createdAt.toISOString()}, never executed).`);
    } else {
      for (const l of cleanup.left) reporter.warn(`change set ${old.name} from an earlier cody run ${l.why.startsWith("it is") ? l.why : `could not be removed (${l.why})`}; remove it with: ${l.command}`);
    }
  }
  if (stack.exists && isCreationFailure(stack.status)) {
    stopIfInterrupted(options.signal, "Interrupted before cody changed anything: nothing was deployed.");
    reporter.info(`Stack ${stackName} is ${stack.status}: its first create failed and it cannot be updated. Deleting it to create it again.`);
    await cfn.deleteStack({ StackName: stackName, ...(options.roleArn ? { RoleARN: options.roleArn } : {}) });
    await followStack(options, stack, new Date(now()), "Deleting");
    stack = await lookupStack(cfn, stackName);
  }
  if (stack.exists && stack.status === "UPDATE_ROLLBACK_FAILED") {
    await continueRollback(options, stack);
    stack = await lookupStack(cfn, stackName);
  }
  // REVIEW_IN_PROGRESS: a change set was made but never executed; the stack has no resources yet.
  const isNew = !stack.exists || stack.status === "REVIEW_IN_PROGRESS";
  stopIfInterrupted(options.signal, "Interrupted before cody changed anything: nothing was deployed.");

  // One name per deploy, and the same tokens across the SDK's retries of each call: a retried
  // CreateChangeSet whose answer was lost does not make a second change set (nor fail AlreadyExists).
  const changeSetName = options.changeSetName ?? `cody-${now()}`;
  const attempt: Attempt = { changeSetName, madeStack: !stack.exists, executing: false, executed: false };
  let result: DeployResult;
  try {
    try {
      await cfn.createChangeSet({ ...changeSetInput(options, changeSetName, isNew ? "CREATE" : "UPDATE", "created by cody deploy"), ClientToken: changeSetName });
    } catch (error) {
      if (errorNamed(error, "AlreadyExistsException")) {
        // The stack appeared between our DescribeStacks and CreateChangeSet: another deploy made it.
        attempt.madeStack = false;
        throw new CodyError(`another deploy created stack ${stackName} at the same time as this one; this deploy changed nothing.`, {
          hint: "Let the other deploy finish, then run `cody deploy` again: it deploys only what is still different.",
          cause: error,
        });
      }
      throw error;
    }
    result = await executeAndFollow(options, attempt, stack, isNew, started);
  } catch (error) {
    throw await settleFailure(options, attempt, error);
  }
  // After the deploy's own account of failures: a failure here must not read as a failed deploy.
  if (result.type === "deployed" && options.terminationProtection !== undefined) await applyTerminationProtection(options, await lookupStack(cfn, stackName));
  return result;
}

/**
 * settings' terminationProtection, once the stack is in a good state: only when it differs from the
 * stack's, so an unchanged deploy makes no write. A failure here is reported after a deploy that did
 * happen, so it says so.
 */
async function applyTerminationProtection(options: DeployOptions, stack: StackSnapshot): Promise<void> {
  const wanted = options.terminationProtection;
  if (wanted === undefined || (stack.terminationProtection ?? false) === wanted) return;
  try {
    await options.cfn.updateTerminationProtection({ StackName: stack.stackId ?? options.stackName, EnableTerminationProtection: wanted });
  } catch (error) {
    const message = isCodyError(error) || error instanceof Error ? error.message : String(error);
    throw new CodyError(`stack ${options.stackName} is deployed, but its termination protection could not be turned ${wanted ? "on" : "off"}: ${message}`, {
      exitCode: isCodyError(error) ? error.exitCode : ExitCode.failed,
      hint: `Run \`cody deploy\` again (it only sets the protection), or: aws cloudformation update-termination-protection --stack-name ${options.stackName} --${wanted ? "" : "no-"}enable-termination-protection`,
      cause: error,
    });
  }
  options.io.reporter.info(`Termination protection ${wanted ? "on" : "off"} for stack ${options.stackName} (settings' terminationProtection).`);
}

/** What one deploy has done so far, for the account of a failure. */
interface Attempt {
  changeSetName: string;
  /** The stack did not exist: a CREATE change set made it (REVIEW_IN_PROGRESS), and cleanup removes it. */
  madeStack: boolean;
  /** ExecuteChangeSet was sent; its answer may not have come back. */
  executing: boolean;
  /** ExecuteChangeSet answered: CloudFormation is deploying. */
  executed: boolean;
}

/** The change set is made: wait for it, show it, execute it, follow the stack. */
async function executeAndFollow(options: DeployOptions, attempt: Attempt, stack: StackSnapshot, isNew: boolean, started: number): Promise<DeployResult> {
  const { cfn, stackName, io } = options;
  const now = options.now ?? Date.now;
  const { changeSetName } = attempt;
  const created = await waitForChangeSet(options, changeSetName);
  if (created.type === "empty") {
    const cleanup: Cleanup = { removed: [], left: [] };
    await removeChangeSet(cfn, stackName, changeSetName, cleanup);
    for (const l of cleanup.left) io.reporter.warn(`${l.what} is left (${l.why}); remove it with: ${l.command}`);
    return { type: "no-changes", stackName, status: stack.status, outputs: stack.outputs };
  }
  const changes = created.changes;
  // The review seam: show the change set and decide (approval, --no-execute); by default print and go on.
  let verdict: ReviewVerdict = { type: "execute" };
  if (options.review) verdict = await options.review(changes, { changeSetName, isNew });
  else printChanges(io.reporter, stackName, changes);
  if (verdict.type === "keep") return { type: "created", stackName, changeSetName, changes };
  // Refused: settleFailure deletes the change set (and the empty stack of a first deploy) and verifies it.
  if (verdict.type === "refuse") throw verdict.error;

  // ---- the change set is created and described; nothing is deployed yet. Execute from here on.
  // Follow events from the change set's own (server) time, not the local clock.
  const executedAt = created.createdAt ?? new Date(now() - 1000);
  stopIfInterrupted(options.signal);
  attempt.executing = true;
  try {
    await cfn.executeChangeSet({ StackName: stackName, ChangeSetName: changeSetName, ClientRequestToken: changeSetName });
  } catch (error) {
    // A definite refusal: another deploy changed the stack since this change set was made.
    if (errorNamed(error, "InvalidChangeSetStatusException") || /cannot be executed in its current status|OBSOLETE|is in \w+_IN_PROGRESS state/i.test(messageOf(error))) {
      attempt.executing = false;
      throw new CodyError(`another deploy changed stack ${stackName} while this one was preparing; CloudFormation refused this change set, and nothing of it was applied.`, {
        hint: "Run `cody deploy` again once the other deploy has finished: it compares against what is deployed now.",
        cause: error,
      });
    }
    // A refusal (4xx) is an answer: nothing started, and the change set is cleaned up like any other.
    if (!mayHaveLanded(error)) attempt.executing = false;
    throw error;
  }
  attempt.executed = true;
  if (options.wait === false) return { type: "started", stackName, changes };

  const followed = await followStack(options, { ...stack, exists: true }, executedAt, isNew ? "Creating" : "Updating", changes.length);
  const final = followed.stack;
  if (!isDeploySuccess(final.status)) throw deploymentFailed(stackName, final, followed.events);
  return { type: "deployed", stackName, status: final.status, outputs: final.outputs, changes, elapsedMs: now() - started };
}

/**
 * The account of a failed deploy, after cleaning up what it made: before ExecuteChangeSet, the change
 * set (and the empty stack of a first deploy) is deleted and verified; from ExecuteChangeSet on,
 * CloudFormation carries on, and the error says so and how to follow it.
 */
async function settleFailure(options: DeployOptions, attempt: Attempt, error: unknown): Promise<CodyError | unknown> {
  const { cfn, stackName } = options;
  const interrupted = error instanceof Interrupted;
  if (attempt.executed || attempt.executing) {
    if (error instanceof FollowTimeout) return withNote(error, "Run `cody deploy` again to wait for it (it deploys only what is still different), or watch it in the CloudFormation console.");
    if (isCodyError(error) && error.exitCode === ExitCode.failed) return error; // the deploy ran and failed: said in full
    const maybe = attempt.executed ? "is under way" : "may have started (ExecuteChangeSet was sent; its answer did not come back)";
    const next = "`cody deploy` again waits for it and deploys only what is still different; or watch the stack in the CloudFormation console.";
    if (interrupted) {
      return new Interrupted(
        attempt.executed ? `Stopped following the deploy of ${stackName}; CloudFormation carries on with it.` : `Interrupted: the deploy of ${stackName} ${maybe}; CloudFormation carries on with it.`,
        `Run ${next}`,
      );
    }
    return withNote(error, `The deploy of ${stackName} ${maybe}: the update goes on in CloudFormation. Run ${next}`);
  }
  // Nothing executed: remove what this deploy made. CreateChangeSet may have made it even when its
  // answer was lost, so this runs after any failure from CreateChangeSet on.
  const cleanup: Cleanup = { removed: [], left: [] };
  await removeChangeSet(cfn, stackName, attempt.changeSetName, cleanup);
  if (attempt.madeStack && cleanup.left.length === 0) await removeReviewStack(cfn, stackName, cleanup);
  const { done, left } = describeCleanup(cleanup);
  // "deleted change set X" only when this run made one (a change set never created is not news).
  const said = cleanup.removed.length > 0 ? done : "";
  if (interrupted) {
    return new Interrupted(
      `Interrupted: ${said ? `${said}; ` : ""}nothing was deployed.${left ? `\n${left}` : ""}`,
      "Run `cody deploy` again when ready.",
    );
  }
  return withNote(error, `Nothing was deployed${said ? `; ${said}` : ""}.${left ? ` But ${left}` : ""}`);
}

/** The error with a note on where things stand added to its hint (its message and exit code kept). */
function withNote(error: unknown, note: string): CodyError {
  if (!isCodyError(error)) return new CodyError(`${messageOf(error)}`, { hint: note, cause: error });
  const hint = error.hint ? `${error.hint}\n${note}` : note;
  const out = new CodyError(error.message, { exitCode: error.exitCode, hint, cause: error.cause ?? error });
  out.name = error.name;
  return out;
}

function messageOf(error: unknown): string {
  return errorChain(error)
    .map((e) => (typeof e.message === "string" ? e.message : ""))
    .join(" ");
}

function errorNamed(error: unknown, name: string): boolean {
  return errorChain(error).some((e) => e.name === name || (typeof e.message === "string" && e.message.includes(name)));
}

/** Ctrl-C, checked before each write: throws Interrupted (exit 130) if it was pressed. */
function stopIfInterrupted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new Interrupted(message, message ? "Run `cody deploy` again when ready." : undefined);
}

function anotherDeploy(stackName: string, changeSet: CodyChangeSet, now: number): CodyError {
  const age = Math.max(0, Math.round((now - changeSet.createdAt.getTime()) / 1000));
  return new CodyError(`another cody deploy of stack ${stackName} is in progress: its change set ${changeSet.name} was made ${age}s ago and not executed yet.`, {
    hint:
      "Wait for it to finish, then run `cody deploy` again. If no other deploy is running (it was killed), remove its change set: " +
      `aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${changeSet.name}` +
      ` (cody removes it by itself once it is ${RECENT_MS / 60_000} minutes old).`,
  });
}

/** An unchanged template and tags need no change set at all: the fast path of a no-op deploy. */
export async function templateUnchanged(
  options: Pick<DeployOptions, "cfn" | "stackName" | "templateBody" | "tags">,
  stack: StackSnapshot,
): Promise<boolean> {
  // CreateChangeSet replaces the whole tag set, so any difference is a change.
  if (!sameTags(stack, options.tags)) return false;
  const current = await options.cfn.getTemplate({ StackName: options.stackName, TemplateStage: "Original" });
  return current.TemplateBody === options.templateBody;
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
    if (now() >= deadline) {
      throw new CodyError(`CloudFormation did not finish the change set ${changeSetName} for ${stackName} within ${minutes(limit)} (it is ${res.Status ?? "in an unknown state"}).`, {
        exitCode: ExitCode.failed,
        hint: "Run `cody deploy` again; if it happens again, look at the stack's change sets in the CloudFormation console.",
      });
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
  options: Pick<DeployOptions, "cfn" | "stackName" | "io" | "sleep" | "signal" | "now" | "timeoutMs">,
  stack: StackSnapshot,
  since: Date,
  verb: string,
  expected?: number,
): Promise<{ stack: StackSnapshot; events: StackActivity[] }> {
  const { cfn, io } = options;
  const now = options.now ?? Date.now;
  const limit = options.timeoutMs ?? FOLLOW_MAX_MS;
  const deadline = now() + limit;
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
      if (now() >= deadline) throw new FollowTimeout(options.stackName, current.status, limit);
      await abortable(options.sleep(delay), options.signal);
      delay = events.length > 0 ? 1000 : Math.min(delay * 1.5, 5000);
    }
  } finally {
    // A stack that settled well has every resource done, even where no per-resource event said so (moto).
    printer.stop(succeeded);
  }
}

/** A follow that reached its --timeout: the operation goes on in CloudFormation; exit 2, as CI must not take it for done. */
export class FollowTimeout extends CodyError {
  constructor(stackName: string, status: string, limitMs: number) {
    super(`stopped waiting for stack ${stackName} after ${minutes(limitMs)} (--timeout): it is still ${status}, and CloudFormation carries on with it.`, {
      exitCode: ExitCode.failed,
    });
    this.name = "FollowTimeout";
  }
}

export function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
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
