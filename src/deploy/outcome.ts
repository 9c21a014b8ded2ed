// The account of a failed deploy: what it had done (Attempt), what it cleaned up, and the error that
// says where things stand and how to go on.
import { errorChain } from "../aws/errors";
import { CodyError, ExitCode, isCodyError } from "../errors";
import { describeCleanup, RECENT_MS, removeChangeSet, removeReviewStack, type Cleanup, type CodyChangeSet } from "./change-sets";
import { FollowTimeout } from "./follow-stack";
import type { DeployOptions } from "./options";
import { Interrupted } from "./wait";

/** What one deploy has done so far, for the account of a failure. */
export interface Attempt {
  changeSetName: string;
  /** The stack did not exist: a CREATE change set made it (REVIEW_IN_PROGRESS), and cleanup removes it. */
  madeStack: boolean;
  /** ExecuteChangeSet was sent; its answer may not have come back. */
  executing: boolean;
  /** ExecuteChangeSet answered: CloudFormation is deploying. */
  executed: boolean;
}

/**
 * The account of a failed deploy, after cleaning up what it made: before ExecuteChangeSet, the change
 * set (and the empty stack of a first deploy) is deleted and verified; from ExecuteChangeSet on,
 * CloudFormation carries on, and the error says so and how to follow it.
 */
export async function settleFailure(options: DeployOptions, attempt: Attempt, error: unknown): Promise<CodyError | unknown> {
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
export function withNote(error: unknown, note: string): CodyError {
  if (!isCodyError(error)) return new CodyError(`${messageOf(error)}`, { hint: note, cause: error });
  const hint = error.hint ? `${error.hint}\n${note}` : note;
  const out = new CodyError(error.message, { exitCode: error.exitCode, hint, cause: error.cause ?? error });
  out.name = error.name;
  return out;
}

export function messageOf(error: unknown): string {
  return errorChain(error)
    .map((e) => (typeof e.message === "string" ? e.message : ""))
    .join(" ");
}

export function errorNamed(error: unknown, name: string): boolean {
  return errorChain(error).some((e) => e.name === name || (typeof e.message === "string" && e.message.includes(name)));
}

export function anotherDeploy(stackName: string, changeSet: CodyChangeSet, now: number): CodyError {
  const age = Math.max(0, Math.round((now - changeSet.createdAt.getTime()) / 1000));
  return new CodyError(`another cody deploy of stack ${stackName} is in progress: its change set ${changeSet.name} was made ${age}s ago and not executed yet.`, {
    hint:
      "Wait for it to finish, then run `cody deploy` again. If no other deploy is running (it was killed), remove its change set: " +
      `aws cloudformation delete-change-set --stack-name ${stackName} --change-set-name ${changeSet.name}` +
      ` (cody removes it by itself once it is ${RECENT_MS / 60_000} minutes old).`,
  });
}
