// Why a build failed, said usefully: each phase that did not succeed with its last message and a hint
// of what to do, the phase lines, and the closing summary.
import type { Build, BuildPhase } from "@aws-sdk/client-codebuild";
import { colors, type Reporter } from "../io/reporter";
import { buildDurationMs, buildFinished, buildSucceeded, uniquePhases } from "./build";
import { formatDuration } from "./format";

export function formatPhase(phase: BuildPhase, reporter: Pick<Reporter, "color">): string {
  const c = colors(reporter);
  const status = phase.phaseStatus ?? "";
  const paint = status === "SUCCEEDED" ? c.green : status === "IN_PROGRESS" ? c.yellow : c.red;
  const seconds = phase.durationInSeconds ?? (phase.startTime && phase.endTime ? Math.round((phase.endTime.getTime() - phase.startTime.getTime()) / 1000) : undefined);
  return `${(phase.phaseType ?? "").padEnd(16)}  ${paint(status.padEnd(9))}  ${formatDuration(seconds)}`.trimEnd();
}

export interface FailedPhase {
  phase: string;
  status: string;
  statusCode?: string;
  message?: string;
  hint?: string;
}

const ECR_DOC = "https://docs.aws.amazon.com/codebuild/latest/userguide/sample-ecr.html";

/** What to do about a failed phase, from its status code and message; undefined when nothing useful. */
export function failureHint(failed: Omit<FailedPhase, "hint">, build: Pick<Build, "timeoutInMinutes" | "queuedTimeoutInMinutes" | "id">): string | undefined {
  const text = `${failed.statusCode ?? ""} ${failed.message ?? ""}`;
  if (/CannotPullContainerError/i.test(text) && /access ?denied|not authorized|403/i.test(text)) {
    return `CodeBuild may not pull the build image: for a private ECR image the repository policy must allow codebuild.amazonaws.com (or the role ecr:BatchGetImage, ecr:GetDownloadUrlForLayer, ecr:GetAuthorizationToken) and the project must use SERVICE_ROLE pull credentials. See ${ECR_DOC}`;
  }
  if (/CannotPullContainerError/i.test(text)) {
    return "CodeBuild could not pull the build image: check linuxImage in .cody/project.ts (name, tag, region).";
  }
  if (failed.status === "TIMED_OUT" || /BUILD_TIMED_OUT|timed out/i.test(text)) {
    if (failed.phase === "QUEUED") {
      return `The build waited in the queue longer than queuedTimeoutInMinutes${build.queuedTimeoutInMinutes ? ` (${build.queuedTimeoutInMinutes} min)` : ""}: raise it in .cody/project.ts or lower concurrent builds, then cody deploy.`;
    }
    return `The build ran longer than timeoutInMinutes${build.timeoutInMinutes ? ` (${build.timeoutInMinutes} min)` : ""}: raise timeoutInMinutes in .cody/project.ts and run cody deploy, or make the build faster.`;
  }
  if (/YAML_FILE_ERROR/i.test(text)) {
    return "CodeBuild could not read the buildspec: check the buildspec path or YAML in .cody/ (cody synth shows what the project uses).";
  }
  if (/ParameterNotFound|parameter does not exist|Invalid parameters?:/i.test(text)) {
    return "A Parameter Store parameter the build reads does not exist in this region: create it, or fix the name in ssm(...) / -e NAME=ssm:/path.";
  }
  if (/ResourceNotFoundException.*secret|Secrets Manager can't find/i.test(text)) {
    return "A secret the build reads does not exist in this region: create it, or fix the id in secret(...) / -e NAME=secret:id.";
  }
  if (/AccessDenied|not authorized/i.test(text) && /ssm|parameter|secretsmanager|secret/i.test(text)) {
    return "The build's role may not read a parameter or secret. The role cody generates may read those named with ssm()/secret() in .cody/project.ts; a reference only given with -e is not in its policy: add it to the project and cody deploy.";
  }
  if (failed.phase === "DOWNLOAD_SOURCE") {
    return "CodeBuild could not fetch the source: check the repository URL and branch, and that CodeBuild is connected to the provider (aws codebuild import-source-credentials).";
  }
  if (failed.status === "STOPPED") return "The build was stopped (cody stop, the console or the API).";
  if (/COMMAND_EXECUTION_ERROR/i.test(text)) {
    return `A buildspec command exited non-zero; the log shows which one${build.id ? ` (cody logs --build-id ${build.id})` : ""}.`;
  }
  return undefined;
}

/** The phases that did not succeed, each with its last context message and a hint. */
export function failedPhases(build: Build): FailedPhase[] {
  const out: FailedPhase[] = [];
  for (const phase of uniquePhases(build)) {
    const status = phase.phaseStatus;
    if (!status || status === "SUCCEEDED" || status === "IN_PROGRESS") continue;
    const context = [...(phase.contexts ?? [])].reverse().find((c) => c.message || c.statusCode);
    const failed: Omit<FailedPhase, "hint"> = {
      phase: phase.phaseType ?? "UNKNOWN",
      status,
      ...(context?.statusCode ? { statusCode: context.statusCode } : {}),
      ...(context?.message ? { message: context.message } : {}),
    };
    const hint = failureHint(failed, build);
    out.push({ ...failed, ...(hint ? { hint } : {}) });
  }
  // A timed-out or stopped build whose phases say nothing still deserves a reason.
  if (out.length === 0 && buildFinished(build) && !buildSucceeded(build)) {
    const failed = { phase: build.currentPhase ?? "BUILD", status: build.buildStatus ?? "FAILED" };
    const hint = failureHint(failed, build);
    out.push({ ...failed, ...(hint ? { hint } : {}) });
  }
  return out;
}

/** The closing lines: final status, wall time, and for a failure each failed phase with its hint. */
export function printSummary(build: Build, reporter: Reporter): void {
  const c = colors(reporter);
  const duration = buildDurationMs(build);
  const took = duration === undefined ? "" : ` in ${formatDuration(duration / 1000)}`;
  const status = build.buildStatus ?? "UNKNOWN";
  if (!buildFinished(build)) {
    reporter.info(`Build ${build.id ?? ""} is ${status} (${build.currentPhase ?? "?"}) after ${formatDuration((duration ?? 0) / 1000)}.`);
    return;
  }
  if (buildSucceeded(build)) {
    reporter.success(`Build ${build.id ?? ""} SUCCEEDED${took}.`);
    return;
  }
  reporter.error(`Build ${build.id ?? ""} ${c.red(status)}${took}.`);
  for (const f of failedPhases(build)) {
    reporter.error(`  ${c.bold(f.phase)} ${c.red(f.status)}${f.statusCode ? ` (${f.statusCode})` : ""}${f.message ? `: ${f.message}` : ""}`);
    if (f.hint) reporter.error(`    ${c.yellow("hint:")} ${f.hint}`);
  }
}
