// A CodeBuild build as a value: when it is over, whether it succeeded, its phases once each, how long it
// took, and how to fetch it.
import type { Build, BuildPhase } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi } from "../aws/clients";
import { CodyError } from "../errors";


export function buildSucceeded(build: Build): boolean {
  return build.buildStatus === "SUCCEEDED";
}

/** The statuses a build never leaves. */
export const TERMINAL_BUILD_STATUSES: ReadonlySet<string> = new Set(["SUCCEEDED", "FAILED", "FAULT", "TIMED_OUT", "STOPPED"]);

/**
 * A build is over when CodeBuild says `buildComplete`, or when its status is terminal: some endpoints
 * (plain moto) never set `buildComplete`, and a follow that waited for it would never end.
 */
export function buildFinished(build: Pick<Build, "buildComplete" | "buildStatus">): boolean {
  return Boolean(build.buildComplete) || TERMINAL_BUILD_STATUSES.has(build.buildStatus ?? "");
}

/**
 * Each phase type once, the latest entry for it, in the order the types first appear. CodeBuild lists
 * each once; plain moto appends all of them again on every BatchGetBuilds.
 */
export function uniquePhases(build: Pick<Build, "phases">): BuildPhase[] {
  const byType = new Map<string, BuildPhase>();
  for (const phase of build.phases ?? []) byType.set(phase.phaseType ?? "UNKNOWN", phase);
  return [...byType.values()];
}

export async function getBuild(codebuild: CodeBuildApi, buildId: string): Promise<Build> {
  const out = await codebuild.batchGetBuilds({ ids: [buildId] });
  const build = out.builds?.find((b) => b.id === buildId || b.arn === buildId) ?? out.builds?.[0];
  if (!build) {
    throw new CodyError(`build ${buildId} not found${buildId.includes(":") ? "" : " (a build id looks like project:uuid)"}.`, {
      hint: "Check the id (`cody status` shows the latest build), and that --region/--profile point where the build ran.",
    });
  }
  return build;
}

/** Wall time from start to end (or to `now` while running), in ms; not a sum of phases. */
export function buildDurationMs(build: Build, now: number = Date.now()): number | undefined {
  if (!build.startTime) return undefined;
  const end = build.endTime?.getTime() ?? now;
  return Math.max(0, end - build.startTime.getTime());
}

/** Phases that run in the build container and so write log lines. */
export const CONTAINER_PHASES = new Set(["DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS"]);
