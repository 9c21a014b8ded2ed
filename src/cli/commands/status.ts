// `cody status`: one build's status, phases, times and source. The project is found by name or
// through its stack (cody only tried the name), and a missing project exits 1 (cody exited 0).
import { buildReport, type BuildReport } from "../../builds/build-report";
import { getBuild } from "../../builds/follow-build";
import { formatDuration, formatTime, paintStatus } from "../../builds/format";
import { resolveBuild, type TargetContext } from "../../builds/target";
import { colors, type Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";
import { warnedTarget } from "../command-target";
import { printResult } from "../print-result";

export { buildReport, type BuildReport, type PhaseReport } from "../../builds/build-report";

export interface StatusOptions extends ProjectOptions {
  buildId?: string;
  json?: boolean;
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
