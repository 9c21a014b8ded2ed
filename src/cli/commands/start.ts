// `cody start`: start a build of the project and, by default, follow it to the end. Unlike cody, the
// source version is omitted unless asked for, `-e` values keep their `=`, the console link's region
// comes from the SDK's config, and a build that does not succeed exits 2, so CI can gate on it.
import type { Build } from "@aws-sdk/client-codebuild";
import { createLogs } from "../../aws/clients";
import { parseEnvOverrides, type EnvOverride } from "../../builds/env-overrides";
import { buildDurationMs, buildFinished, buildSucceeded, failedPhases, logsState, printSummary, type FailedPhase } from "../../builds/follow-build";
import { consoleUrl } from "../../builds/format";
import { openTarget } from "../../builds/target";
import { randomUUID } from "node:crypto";
import { mayHaveLanded } from "../../aws/errors";
import { parseDuration } from "../../deploy/wait";
import { CodyError, configError, Interrupted, isCodyError } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import { awsFlags, buildFailed, followFromCli, type BuildCommandDeps } from "../follow";
import { withInterrupt } from "../interrupt";
import type { ProjectOptions } from "../options";
import { warnedTarget } from "../command-target";
import { printResult } from "../print-result";

export interface StartOptions extends ProjectOptions {
  branch?: string;
  sourceVersion?: string;
  envVars?: string[];
  /** false with --no-wait. */
  wait?: boolean;
  json?: boolean;
  /** --timeout: longest follow (30m, 2h); the build goes on after it. */
  timeout?: string;
}

/** --branch and --source-version name the same thing; neither means the project's default. */
export function pickSourceVersion(options: Pick<StartOptions, "branch" | "sourceVersion">): string | undefined {
  for (const [flag, value] of [["--branch", options.branch], ["--source-version", options.sourceVersion]] as const) {
    if (value !== undefined && value.trim() === "") {
      throw configError({ field: flag, message: `${flag} is empty.`, fix: `Pass a branch, tag or commit (${flag} main), or leave ${flag} out to build the project's default.` });
    }
  }
  if (options.branch !== undefined && options.sourceVersion !== undefined && options.branch !== options.sourceVersion) {
    throw configError({
      field: "--branch/--source-version",
      message: `--branch ${options.branch} and --source-version ${options.sourceVersion} disagree: both set the build's source version.`,
      fix: "Pass only one of them.",
    });
  }
  return options.sourceVersion ?? options.branch;
}

/** `cody start --json`: the same keys whether or not it waited. */
export interface StartResult {
  command: "start";
  /** started: --no-wait; succeeded or failed: how the followed build ended. */
  type: "started" | "succeeded" | "failed";
  buildId: string;
  buildNumber: number | null;
  /** The CodeBuild project (docs/json.md: `project` in every command). */
  project: string;
  status: string;
  complete: boolean;
  succeeded: boolean;
  waited: boolean;
  sourceVersion: string | null;
  resolvedSourceVersion: string | null;
  /** Names and types only: values may be sensitive. */
  environmentOverrides: { name: string; type: string }[];
  consoleUrl: string;
  logs: { group: string; stream: string } | null;
  startTime: string | null;
  endTime: string | null;
  durationSeconds: number | null;
  failedPhases: FailedPhase[];
}

function printStart(reporter: Reporter, result: StartResult): void {
  const { command, type, ...payload } = result;
  printResult(reporter, command, type, payload);
}

function startResult(build: Build, extra: { projectName: string; waited: boolean; sourceVersion?: string; overrides: EnvOverride[]; url: string }): StartResult {
  const logs = logsState(build);
  const finished = buildFinished(build);
  const duration = finished ? buildDurationMs(build) : undefined;
  return {
    command: "start",
    type: !extra.waited ? "started" : buildSucceeded(build) ? "succeeded" : "failed",
    buildId: build.id ?? "",
    buildNumber: build.buildNumber ?? null,
    project: build.projectName ?? extra.projectName,
    status: build.buildStatus ?? "UNKNOWN",
    complete: finished,
    succeeded: buildSucceeded(build),
    waited: extra.waited,
    sourceVersion: extra.sourceVersion ?? null,
    resolvedSourceVersion: build.resolvedSourceVersion ?? null,
    environmentOverrides: extra.overrides.map((o) => ({ name: o.name, type: o.type })),
    consoleUrl: extra.url,
    logs: logs.kind === "cloudwatch" ? logs.location : null,
    startTime: build.startTime?.toISOString() ?? null,
    endTime: build.endTime?.toISOString() ?? null,
    durationSeconds: duration === undefined ? null : Math.round(duration / 1000),
    failedPhases: finished ? failedPhases(build) : [],
  };
}

/** StartBuild failed: when its answer may have been lost (not a refusal), a build may be running. */
function startUnknown(error: unknown, projectName: string, options: StartOptions): unknown {
  if (!mayHaveLanded(error)) return error;
  const note = `A build of ${projectName} may have started although its answer was lost: cody status${awsFlags(options)} shows the latest build.`;
  if (error instanceof Interrupted) return new Interrupted(`Interrupted while StartBuild was in flight. ${note}`);
  if (!isCodyError(error)) return error;
  return new CodyError(error.message, { exitCode: error.exitCode, hint: error.hint ? `${error.hint}\n        ${note}` : note, cause: error.cause ?? error });
}

export async function startCommand(projectArg: string | undefined, options: StartOptions, reporter: Reporter, deps: BuildCommandDeps = {}): Promise<void> {
  // Bad input fails before any AWS call.
  const sourceVersion = pickSourceVersion(options);
  const overrides = parseEnvOverrides(options.envVars);
  parseDuration(options.timeout);
  const c = colors(reporter);

  const resolved = await warnedTarget(projectArg, options, reporter, deps);
  const { aws, codebuild, projectName } = await openTarget(projectArg, options, { ...deps, command: "start", target: resolved });
  // Listening for Ctrl-C from before StartBuild, so one during the call cannot leave a build nobody was told about.
  await withInterrupt(async (signal) => {
    if (signal.aborted) throw new Interrupted("Interrupted before the build was started: nothing was started.");
    // One token for this start, the same on every SDK retry: a StartBuild whose answer was lost and
    // is sent again starts no second build (CodeBuild keeps a token for 5 minutes).
    const idempotencyToken = deps.token?.() ?? randomUUID();
    const started = await codebuild
      .startBuild({
        projectName,
        ...(sourceVersion !== undefined ? { sourceVersion } : {}),
        ...(overrides.length > 0 ? { environmentVariablesOverride: overrides } : {}),
        idempotencyToken,
      })
      .catch((error: unknown) => {
        throw startUnknown(error, projectName, options);
      });
    const build = started.build;
    if (!build?.id) throw new CodyError(`CodeBuild did not return a build for project ${projectName}.`, { hint: "Run `cody status` to see whether a build started." });
    const buildId = build.id;
    const url = consoleUrl(await codebuild.region(), projectName, buildId);
    const extra = { projectName, sourceVersion, overrides, url };

    if (options.wait === false) {
      if (options.json) {
        printStart(reporter, startResult(build, { ...extra, waited: false }));
      } else {
        // The id on stdout is for `id=$(cody start --no-wait)`; on a terminal the line below says it already.
        if (!reporter.outIsTTY) reporter.result(buildId);
        reporter.info(`Started build ${c.bold(buildId)}${sourceVersion ? ` of ${sourceVersion}` : ""}`);
      }
      reporter.info(`Console: ${url}`);
      reporter.info(`Follow it: cody logs --follow --build-id ${buildId}${awsFlags(options)}`);
      return;
    }

    reporter.info(`Started build ${c.bold(buildId)}${sourceVersion ? ` of ${sourceVersion}` : ""}`);
    reporter.info(`Console: ${url}`);
    const logs = await createLogs(aws);
    const result = await followFromCli({ codebuild, logs, buildId }, options, reporter, deps, signal, {
      // With --json, stdout carries the JSON only.
      printLine: options.json ? (text) => reporter.info(text) : (text) => reporter.result(text),
    });
    printSummary(result.build, reporter);
    if (options.json) printStart(reporter, startResult(result.build, { ...extra, waited: true }));
    if (!buildSucceeded(result.build)) throw buildFailed(result.build);
  }, deps.signal, reporter);
}
