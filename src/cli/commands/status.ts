// `cody status`: one build's status, phases, times and source. The project is found by name or
// through its stack (cody only tried the name), and a missing project exits 1 (cody exited 0).
import type { Build } from "@aws-sdk/client-codebuild";
import type { CodeBuildApi } from "../../aws/clients";
import { latestBuildId } from "../../builds/find-project";
import { formatDuration, formatTime, paintStatus, secondsBetween } from "../../builds/format";
import { resolveBuild } from "../../builds/target";
import { CodyError } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";

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

/** The `--json` shape; keys are stable. */
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
  logs: { groupName: string | null; streamName: string | null };
  consoleUrl: string;
}

/** What tests replace: the folder to look for `.cody/` in, and the clock for running builds. */
export interface CommandDeps {
  cwd?: string;
  now?: () => Date;
}

export async function statusCommand(projectName: string | undefined, options: StatusOptions, reporter: Reporter, deps: CommandDeps = {}): Promise<void> {
  const target = await resolveBuild(projectName, options, latestBuildId, deps.cwd);
  if (!target.buildId) {
    if (options.json) reporter.result(JSON.stringify({ project: target.projectName, build: null }, null, 2));
    reporter.info(`No builds found for project ${target.projectName}: start one with \`cody start${projectName ? ` ${projectName}` : ""}\`.`);
    return;
  }
  const build = await getBuild(target.codebuild, target.buildId, target.projectName);
  const report = buildReport(build, await target.codebuild.region(), deps.now?.() ?? new Date());
  if (options.json) reporter.result(JSON.stringify(report, null, 2));
  else for (const line of formatReport(report, reporter)) reporter.result(line);
}

/** One build, or a CodyError (exit 1) naming the id when CodeBuild does not know it. */
export async function getBuild(codebuild: CodeBuildApi, buildId: string, projectName: string): Promise<Build> {
  const out = await codebuild.batchGetBuilds({ ids: [buildId] });
  const build = out.builds?.find((b) => b.id === buildId) ?? out.builds?.[0];
  if (!build?.id) {
    throw new CodyError(`build ${buildId} not found.`, {
      hint: `Build ids look like ${projectName}:<uuid>; \`cody status ${projectName}\` shows the latest one.`,
    });
  }
  return build;
}

export function consoleUrl(region: string, projectName: string, buildId: string): string {
  return `https://${region}.console.aws.amazon.com/codesuite/codebuild/projects/${encodeURIComponent(projectName)}/build/${encodeURIComponent(buildId)}/log?region=${region}`;
}

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

export function buildReport(build: Build, region: string, now: Date): BuildReport {
  const id = build.id ?? "";
  const project = build.projectName ?? id.split(":")[0] ?? "";
  const complete = Boolean(build.buildComplete) || Boolean(build.endTime);
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
    phases: (build.phases ?? []).map((p) => ({
      name: p.phaseType ?? "UNKNOWN",
      status: p.phaseStatus ?? null,
      // A running phase has no duration yet: count it up to now, like the build's.
      durationSeconds: p.durationInSeconds ?? (p.phaseStatus || p.phaseType === "COMPLETED" ? null : secondsBetween(p.startTime, p.endTime, now) ?? null),
      startTime: iso(p.startTime),
      endTime: iso(p.endTime),
      message: p.contexts?.map((c) => c.message).filter(Boolean).join("; ") || null,
    })),
    logs: { groupName: build.logs?.groupName ?? null, streamName: build.logs?.streamName ?? null },
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
  // CodeBuild's bookkeeping phases (SUBMITTED, QUEUED, COMPLETED) carry little; still shown, as CodeBuild does.
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
