// Deploys a template through a change set. Reads top to bottom as guard clauses: look up the stack,
// settle or clean up what is in the way, skip if nothing changed, create the change set, execute it,
// follow it to a terminal state. Decisions needing a human go through `confirm`. The pieces live next
// door: options.ts (what a deploy is given and answers), change-set.ts, follow-stack.ts, outcome.ts
// (the account of a failure); this file stays the entry of the idea and re-exports them.
import { mayHaveLanded } from "../aws/errors";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { changeSetInput, printChanges, waitForChangeSet } from "./change-set";
import { codyChangeSets, listChangeSets, removeChangeSet, type Cleanup } from "./change-sets";
import { deploymentFailed, followStack } from "./follow-stack";
import type { DeployOptions, DeployResult, ReviewVerdict } from "./options";
import { anotherDeploy, errorNamed, messageOf, settleFailure, type Attempt } from "./outcome";
import { isCreationFailure, isDeploySuccess, isInProgress, lookupStack, sameTags, type StackSnapshot } from "./stack";
import { Interrupted } from "./wait";

export {
  changeSetHasNoChanges,
  changeSetInput,
  formatChanges,
  propertyChanges,
  summarize,
  waitForChangeSet,
  type ChangeSetOutcome,
} from "./change-set";
export { deploymentFailed, firstFailure, followStack, FollowTimeout } from "./follow-stack";
export {
  CHANGE_SET_MAX_MS,
  FOLLOW_MAX_MS,
  minutes,
  type DeployIo,
  type DeployOptions,
  type DeployResult,
  type PropertyChange,
  type ResourceChangeSummary,
  type ReviewVerdict,
} from "./options";

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

/** Ctrl-C, checked before each write: throws Interrupted (exit 130) if it was pressed. */
function stopIfInterrupted(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw new Interrupted(message, message ? "Run `cody deploy` again when ready." : undefined);
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
