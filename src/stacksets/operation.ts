// Following one StackSets operation to its end: DescribeStackSetOperation for the whole, and
// ListStackSetOperationResults for each instance, polled quickly at first and then every few seconds,
// within the --timeout. Ctrl-C stops the following, never the operation (StackSets carries on).
import type { StackSetApi } from "../aws/clients";
import { CodyError, ExitCode, Interrupted } from "../errors";
import type { Sleep } from "../util/wait";
import type { OperationPrinter, ResultRow } from "./printer";
import { compareText } from "../util/compare-text";

export const TERMINAL_OPERATION = ["SUCCEEDED", "FAILED", "STOPPED"];
/** How long a deploy or delete follows an operation unless --timeout says otherwise. */
export const OPERATION_MAX_MS = 60 * 60_000;
const FIRST_POLL_MS = 1000;
const MAX_POLL_MS = 5000;

const minutes = (ms: number) => (ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`);

export interface OperationOutcome {
  operationId: string;
  action: string;
  /** SUCCEEDED, FAILED or STOPPED. */
  status: string;
  reason: string | null;
  results: ResultRow[];
}

export interface FollowOptions {
  api: StackSetApi;
  name: string;
  operationId: string;
  /** What the operation does, for messages: "create instances", "update the stack set"... */
  action: string;
  printer: OperationPrinter;
  sleep: Sleep;
  signal?: AbortSignal;
  now?: () => number;
  /** Epoch ms after which following stops (exit 2); the operation goes on. */
  deadline: number;
  limitMs: number;
  /** How to pick it up again, for an interrupted or timed-out follow. */
  resume: string;
}

async function results(api: StackSetApi, name: string, operationId: string): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  let token: string | undefined;
  do {
    const page = await api.listStackSetOperationResults({ StackSetName: name, OperationId: operationId, ...(token ? { NextToken: token } : {}) });
    for (const r of page.Summaries ?? []) {
      rows.push({ account: r.Account ?? "", region: r.Region ?? "", status: r.Status ?? "PENDING", reason: r.StatusReason ?? null });
    }
    token = page.NextToken;
  } while (token);
  return rows.sort((a, b) => compareText(a.account, b.account) || compareText(a.region, b.region));
}

export async function followOperation(o: FollowOptions): Promise<OperationOutcome> {
  const now = o.now ?? Date.now;
  let wait = FIRST_POLL_MS;
  try {
    for (;;) {
      const described = await o.api.describeStackSetOperation({ StackSetName: o.name, OperationId: o.operationId });
      const status = described.StackSetOperation?.Status ?? "RUNNING";
      const rows = await results(o.api, o.name, o.operationId);
      o.printer.update(status, rows);
      if (TERMINAL_OPERATION.includes(status)) {
        return { operationId: o.operationId, action: o.action, status, reason: described.StackSetOperation?.StatusReason ?? null, results: rows };
      }
      if (now() >= o.deadline) throw new OperationTimeout(o.name, o.operationId, o.action, status, o.limitMs, o.resume);
      await o.sleep(Math.min(wait, Math.max(0, o.deadline - now())));
      if (o.signal?.aborted) throw new Interrupted();
      wait = Math.min(MAX_POLL_MS, Math.round(wait * 1.5));
    }
  } catch (error) {
    if (error instanceof Interrupted) {
      throw new Interrupted(
        `Interrupted: stopped following operation ${o.operationId} (${o.action}) of stack set ${o.name}; StackSets carries on with it.`,
        o.resume,
      );
    }
    throw error;
  } finally {
    o.printer.stop();
  }
}

/** A follow that reached its --timeout: the operation goes on in StackSets; exit 2, as CI must not take it for done. */
export class OperationTimeout extends CodyError {
  constructor(name: string, operationId: string, action: string, status: string, limitMs: number, resume: string) {
    super(`stopped waiting for operation ${operationId} (${action}) of stack set ${name} after ${minutes(limitMs)} (--timeout): it is still ${status}, and StackSets carries on with it.`, {
      exitCode: ExitCode.failed,
      hint: resume,
    });
    this.name = "OperationTimeout";
  }
}
