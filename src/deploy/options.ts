// What a deploy is given and what it answers: the options, the IO seam, the result types shared by the
// deploy, diff, delete and review paths, and the limits of its waits.
import type { CfnApi } from "../aws/clients";
import type { Reporter } from "../io/reporter";
import type { ActivityPrinter } from "./printers";
import type { Sleep } from "./wait";

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

export function minutes(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}
