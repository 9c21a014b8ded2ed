// A build as `status` reports it (text and --json): stable keys, times as ISO strings, durations in
// seconds counted up to now for what is still running.
import type { Build } from "@aws-sdk/client-codebuild";
import { buildFinished, uniquePhases } from "./follow-build";
import { consoleUrl, secondsBetween } from "./format";

export interface PhaseReport {
  name: string;
  status: string | null;
  durationSeconds: number | null;
  startTime: string | null;
  endTime: string | null;
  message: string | null;
}

/** The build as `--json` shows it (after `command` and `type`); keys are stable. */
export interface BuildReport {
  project: string;
  buildId: string;
  buildNumber: number | null;
  status: string;
  currentPhase: string | null;
  complete: boolean;
  sourceVersion: string | null;
  resolvedSourceVersion: string | null;
  initiator: string | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
  phases: PhaseReport[];
  /** Where the log is, as in `start --json` (docs/json.md); null until CodeBuild says. */
  logs: { group: string; stream: string } | null;
  consoleUrl: string;
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

export function buildReport(build: Build, region: string, now: Date): BuildReport {
  const id = build.id ?? "";
  const project = build.projectName ?? id.split(":")[0] ?? "";
  // The same rule as start and logs --follow, so status text, --json and a follow agree.
  const complete = buildFinished(build) || Boolean(build.endTime);
  return {
    project,
    buildId: id,
    buildNumber: build.buildNumber ?? null,
    status: build.buildStatus ?? "UNKNOWN",
    currentPhase: build.currentPhase ?? null,
    complete,
    sourceVersion: build.sourceVersion ?? null,
    resolvedSourceVersion: build.resolvedSourceVersion ?? null,
    initiator: build.initiator ?? null,
    startTime: iso(build.startTime),
    endTime: iso(build.endTime),
    durationSeconds: secondsBetween(build.startTime, build.endTime, now) ?? null,
    phases: uniquePhases(build).map((p) => ({
      name: p.phaseType ?? "UNKNOWN",
      status: p.phaseStatus ?? null,
      // A running phase has no duration yet: count it up to now, like the build's.
      durationSeconds: p.durationInSeconds ?? (p.phaseStatus || p.phaseType === "COMPLETED" ? null : secondsBetween(p.startTime, p.endTime, now) ?? null),
      startTime: iso(p.startTime),
      endTime: iso(p.endTime),
      message: p.contexts?.map((c) => c.message).filter(Boolean).join("; ") || null,
    })),
    logs: build.logs?.groupName && build.logs.streamName ? { group: build.logs.groupName, stream: build.logs.streamName } : null,
    consoleUrl: consoleUrl(region, project, id),
  };
}
