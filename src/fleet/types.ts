// The words the fleet speaks: what it runs (a command on each target) and what each run came to.

export type FleetCommand = "deploy" | "diff" | "delete" | "preflight" | "policy";

/** One stack to work on: a project (untyped or a type) in one region, with one profile. */
export interface FleetTarget {
  /** `.cody/<type>/`, or undefined for the untyped `.cody/project.ts`. */
  type?: string;
  /** From --regions or settings targets; undefined leaves it to the usual rule (--region, settings envs, AWS_REGION). */
  region?: string;
  profile?: string;
  stackName: string;
  /** What rows and prefixes call it: the stack name, and the region when the fleet spans several. */
  label: string;
}

export interface JobResult {
  target: FleetTarget;
  /** The region the command used (from its result), else the target's. */
  region?: string;
  /** deployed, no-changes, changes, deleted, missing, ok, denied, failed, interrupted, not started, ... */
  result: string;
  exitCode: number;
  /** Resources that change (deploy, diff); null where the command does not count them. */
  changes: number | null;
  elapsedMs: number | null;
  /** The first line of the error, when the job failed. */
  error?: string;
  /** The command's own --json result, when it printed one. */
  detail?: unknown;
}
