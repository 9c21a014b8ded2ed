// Following a stack until it leaves *_IN_PROGRESS: its events for the printer, its status for the end.
import { CodyError, ExitCode } from "../errors";
import { rootCause, StackEventPoller, type StackActivity } from "./events";
import { FOLLOW_MAX_MS, minutes, type DeployOptions } from "./options";
import { StackPollSchedule } from "./poll-schedule";
import { isDeploySuccess, isInProgress, isMissingStackError, lookupStack, type StackSnapshot } from "./stack";
import { abortable } from "./wait";

/**
 * Polls the stack and its events until it leaves *_IN_PROGRESS: the status on every tick of at most
 * 2 s, the events every second while they flow and sparsely when quiet (poll-schedule.ts).
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
  const schedule = new StackPollSchedule();
  try {
    for (;;) {
      const events = schedule.readEventsNow() ? await poller.poll() : undefined;
      if (events) schedule.eventsRead(events.length);
      for (const e of events ?? []) printer.activity(e);
      seen.push(...(events ?? []));
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
      await abortable(options.sleep(schedule.next(events?.length ?? 0)), options.signal);
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
