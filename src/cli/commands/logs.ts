// `cody logs`: print a build's CloudWatch log (the latest build unless --build-id), from the head or
// from --since, and with --follow keep going until the build completes. A build id works anywhere;
// the project is looked up only to find its latest build.
import { createLogs, type LogsApi } from "../../aws/clients";
import {
  StreamCursor,
  buildFinished,
  buildSucceeded,
  filterPages,
  getBuild,
  logText,
  logsState,
  printSummary,
  type LogLocation,
  type LogPage,
} from "../../builds/follow-build";
import { parseSince } from "../../builds/since";
import { parseDuration } from "../../deploy/wait";
import { resolveBuild } from "../../builds/target";
import { CodyError } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import { buildFailed, followFromCli, type BuildCommandDeps } from "../follow";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { warnUnknownEnv } from "./env-check";

export interface LogsOptions extends ProjectOptions {
  buildId?: string;
  since?: string;
  follow?: boolean;
  /** --timeout with --follow: longest follow (30m, 2h). */
  timeout?: string;
}

async function* streamPages(logs: LogsApi, location: LogLocation): AsyncGenerator<LogPage> {
  const cursor = new StreamCursor(logs, location);
  for (;;) {
    const page = await cursor.page();
    yield page;
    if (page.end) return;
  }
}

export async function logsCommand(projectArg: string | undefined, options: LogsOptions, reporter: Reporter, deps: BuildCommandDeps = {}): Promise<void> {
  const c = colors(reporter);
  const since = options.since !== undefined ? parseSince(options.since, deps.now?.() ?? new Date()) : undefined;
  parseDuration(options.timeout);
  await warnUnknownEnv(projectArg, options, reporter, deps);
  const target = await resolveBuild(projectArg, options, { ...deps, command: "logs" });
  const { codebuild, buildId } = target;
  if (!buildId) {
    // Nothing to print is not a failure, as in `cody status` and `cody stop`.
    reporter.info(`No builds found for project ${target.projectName}: start one with \`cody start${projectArg ? ` ${projectArg}` : ""}\`.`);
    return;
  }
  const logs = await createLogs(target.aws);

  if (options.follow) {
    reporter.info(`Following build ${c.bold(buildId)}${since ? ` from ${since.toISOString()}` : ""}`);
    const result = await withInterrupt((signal) => followFromCli({ codebuild, logs, buildId }, options, reporter, deps, signal, { since }), deps.signal, reporter);
    if (result.lines === 0 && result.logs.kind === "cloudwatch") reporter.info(`No log lines${since ? ` since ${since.toISOString()}` : ""} for build ${buildId}.`);
    printSummary(result.build, reporter);
    if (!buildSucceeded(result.build)) throw buildFailed(result.build);
    return;
  }

  const build = await getBuild(codebuild, buildId);
  const state = logsState(build);
  const where = `${build.buildStatus ?? "UNKNOWN"}${buildFinished(build) ? "" : `, ${build.currentPhase ?? "?"}`}`;
  if (state.kind === "disabled") {
    throw new CodyError(`build ${buildId} has no CloudWatch log: CloudWatch logging is disabled for project ${build.projectName ?? "?"}.`, {
      hint: state.s3
        ? `Its log is in S3: ${state.s3}`
        : "Enable CloudWatch logs (properties.LogsConfig in .cody/project.ts) and run cody deploy; `cody status` shows this build's phases.",
    });
  }
  if (state.kind === "pending") {
    reporter.info(`Build ${buildId} has no log yet (${where}). Follow it: cody logs --follow --build-id ${buildId}`);
    return;
  }

  reporter.info(`Log of build ${c.bold(buildId)} (${where})${since ? ` since ${since.toISOString()}` : ""}`);
  const pages = since ? filterPages(logs, state.location, since.getTime()) : streamPages(logs, state.location);
  let count = 0;
  let missing = false;
  for await (const page of pages) {
    missing ||= page.missing;
    for (const line of page.lines) reporter.result(logText(line));
    count += page.lines.length;
  }
  if (missing) {
    reporter.info(
      buildFinished(build)
        ? `No log for build ${buildId}: ${state.location.group} has no stream ${state.location.stream} (the build wrote none, or the group's retention removed it).`
        : `No log for build ${buildId} yet: CodeBuild has not created ${state.location.group} / ${state.location.stream}. Follow it: cody logs --follow --build-id ${buildId}`,
    );
  } else if (count === 0) {
    reporter.info(since ? `No log lines since ${since.toISOString()}.` : `Build ${buildId} has no log lines yet.`);
  }
  if (!buildFinished(build) && !missing) reporter.info(`Build ${buildId} is still running; cody logs --follow --build-id ${buildId} follows it.`);
}
