// What `cody start` and `cody logs --follow` add around the engine's followBuild: Ctrl-C stops
// following but never the build (and says how to pick it up again), and a build that did not
// succeed exits 2 once the summary has said why.
import type { Build } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi, LogsApi } from "../aws/clients";
import { failedPhases, followBuild, FollowLimitReached, type FollowOptions, type FollowResult } from "../builds/follow-build";
import type { TargetContext } from "../builds/target";
import { abortableSleep, parseDuration, type Sleep } from "../deploy/wait";
import { CodyError, ExitCode, Interrupted, isCodyError } from "../errors";
import type { Reporter } from "../io/reporter";
import type { ProjectOptions } from "./options";

/** Seams for tests; the CLI passes none. */
export interface BuildCommandDeps extends TargetContext {
  sleep?: Sleep;
  /** When given, Ctrl-C handling is the caller's. */
  signal?: AbortSignal;
  drainMs?: number;
  now?: () => Date;
  /** The StartBuild idempotency token (tests); default a random UUID per start. */
  token?: () => string;
}

/** The flags a follow-up command needs to reach the same account and region. */
export function awsFlags(options: ProjectOptions): string {
  return `${options.profile ? ` --profile ${options.profile}` : ""}${options.region ? ` --region ${options.region}` : ""}`;
}

/** What the CLI edge puts before a hint's first line ("  hint: "): later lines are indented to match. */
const HINT_INDENT = " ".repeat(8);

/** Ctrl-C while following: the build keeps running; say how to pick it up again or stop it. */
export function stoppedFollowing(buildId: string, options: ProjectOptions): Interrupted {
  const flags = awsFlags(options);
  return new Interrupted(
    `Stopped following build ${buildId}; the build itself is still running.`,
    `Follow it again: cody logs --follow --build-id ${buildId}${flags}\n${HINT_INDENT}Stop it:         cody stop --build-id ${buildId}${flags}`,
  );
}

/** Follows a build to its end; `signal` is the command's Ctrl-C. */
export async function followFromCli(
  build: { codebuild: CodeBuildApi; logs: LogsApi; buildId: string },
  options: ProjectOptions & { timeout?: string },
  reporter: Reporter,
  deps: BuildCommandDeps,
  signal: AbortSignal,
  extra: Pick<FollowOptions, "since" | "printLine"> = {},
): Promise<FollowResult> {
  const timeoutMs = parseDuration(options.timeout);
  try {
    return await followBuild({
      ...build,
      reporter,
      sleep: deps.sleep ?? abortableSleep(signal),
      signal,
      ...(deps.drainMs !== undefined ? { drainMs: deps.drainMs } : {}),
      ...(deps.now ? { now: () => deps.now!().getTime() } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...extra,
    });
  } catch (error) {
    if (isCodyError(error) && error.exitCode === ExitCode.interrupted) throw stoppedFollowing(build.buildId, options);
    throw stillRunning(error, build.buildId, options);
  }
}

/**
 * An error while following: the build itself goes on in CodeBuild, so the error says so and how to
 * pick it up again (the follow's own failures, such as a read that timed out, are not the build's).
 */
export function stillRunning(error: unknown, buildId: string, options: ProjectOptions): CodyError {
  const flags = awsFlags(options);
  const note = `Build ${buildId} is still running: cody logs -f --build-id ${buildId}${flags} follows it; cody stop --build-id ${buildId}${flags} stops it.`;
  if (!isCodyError(error)) return new CodyError(error instanceof Error ? error.message : String(error), { hint: note, cause: error });
  const out = new CodyError(error.message, { exitCode: error instanceof FollowLimitReached ? ExitCode.failed : error.exitCode, hint: error.hint ? `${error.hint}\n${HINT_INDENT}${note}` : note, cause: error.cause ?? error });
  return out;
}

/** The build failed: exit 2 after the summary has said why (and named `cody logs` once, not twice). */
export function buildFailed(build: Build): CodyError {
  const id = build.id ?? "";
  const logsNamed = failedPhases(build).some((f) => f.hint?.includes("cody logs"));
  return new CodyError(`build ${id} did not succeed (${build.buildStatus ?? "UNKNOWN"}).`, {
    exitCode: ExitCode.failed,
    hint: logsNamed ? "The failed phases and what to do about them are listed above." : `The failed phases are listed above; \`cody logs --build-id ${id}\` prints the whole log.`,
  });
}
