// `cody status`: one build's status, phases, times and source. The project is found by name or
// through its stack (cody only tried the name), and a missing project exits 1 (cody exited 0).
import type { Build } from "@aws-sdk/client-codebuild";
import { buildFinished, getBuild, uniquePhases } from "../../builds/follow-build";
import { consoleUrl, formatDuration, formatTime, paintStatus, secondsBetween } from "../../builds/format";
import { resolveBuild, type TargetContext } from "../../builds/target";
import { colors, type Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";
import { warnedTarget } from "../command-target";
import { printResult } from "../print-result";

export interface StatusOptions extends ProjectOptions {
  buildId?: string;
  json?: boolean;
}

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

/** What tests replace: the folder to look for `.cody/` in, and the clock for running builds. */
export interface CommandDeps extends TargetContext {
  now?: () => Date;
}

export async function statusCommand(projectName: string | undefined, options: StatusOptions, reporter: Reporter, deps: CommandDeps = {}): Promise<void> {
  const resolved = await warnedTarget(projectName, options, reporter, deps);
  const target = await resolveBuild(projectName, options, { ...deps, command: "status", target: resolved });
  if (!target.buildId) {
    if (options.json) printResult(reporter, "status", "no-builds", { project: target.projectName, buildId: null });
    reporter.info(`No builds found for project ${target.projectName}: start one with \`cody start${projectName ? ` ${projectName}` : ""}\`.`);
    return;
  }
  const build = await getBuild(target.codebuild, target.buildId);
  const report = buildReport(build, await target.codebuild.region(), deps.now?.() ?? new Date());
  if (options.json) printResult(reporter, "status", "build", report);
  // The lines go to stdout: colour follows stdout (a terminal), not stderr.
  else for (const line of formatReport(report, { color: reporter.outColor })) reporter.result(line);
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

export function formatReport(report: BuildReport, reporter: Pick<Reporter, "color">): string[] {
  const c = colors(reporter);
  const source = [report.sourceVersion, report.resolvedSourceVersion && report.resolvedSourceVersion !== report.sourceVersion ? `(${report.resolvedSourceVersion})` : null]
    .filter(Boolean)
    .join(" ");
  const duration = report.durationSeconds === null ? "" : `${formatDuration(report.durationSeconds)}${report.complete ? "" : " so far"}`;
  const rows: [string, string][] = [
    ["Project", report.project],
    ["Build", report.buildId],
    ["Status", paintStatus(reporter, report.status) + (!report.complete && report.currentPhase ? c.dim(` (${report.currentPhase})`) : "")],
    ["Source", source || "(project default)"],
    ["Initiator", report.initiator ?? ""],
    ["Started", formatTime(report.startTime ? new Date(report.startTime) : undefined)],
    ["Ended", report.endTime ? formatTime(new Date(report.endTime)) : report.complete ? "" : "(running)"],
    ["Duration", duration],
  ];
  const lines = rows.filter(([, v]) => v !== "").map(([k, v]) => `${c.bold(k.padEnd(10))}${v}`);
  // COMPLETED only marks the end, which Status and Ended already say; SUBMITTED and QUEUED stay, as in CodeBuild's console.
  const phases = report.phases.filter((p) => p.name !== "COMPLETED");
  if (phases.length) {
    lines.push(c.bold("Phases"));
    const width = Math.max(...phases.map((p) => p.name.length));
    for (const p of phases) {
      const status = p.status ?? "IN_PROGRESS";
      const time = p.durationSeconds === null ? "" : `  ${formatDuration(p.durationSeconds)}`;
      lines.push(`  ${p.name.padEnd(width)}  ${paintStatus(reporter, status, status.padEnd(11))}${time}`.trimEnd());
      if (p.message && status !== "SUCCEEDED") lines.push(`    ${c.dim(p.message)}`);
    }
  }
  lines.push(`${c.bold("Console".padEnd(10))}${report.consoleUrl}`);
  return lines;
}
