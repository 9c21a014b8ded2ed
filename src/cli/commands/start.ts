// `cody start`: start a build of the project and, by default, follow it to the end. Unlike cody, the
// source version is omitted unless asked for, `-e` values keep their `=`, the console link's region
// comes from the SDK's config, and a build that does not succeed exits 2, so CI can gate on it.
import type { Build } from "@aws-sdk/client-codebuild";
import { createCloudFormation, createCodeBuild, createLogs, type AwsOptions, type CodeBuildApi } from "../../aws/clients";
import { parseEnvOverrides, type EnvOverride } from "../../builds/env-overrides";
import { findProject, type ProjectTarget } from "../../builds/find-project";
import { targetAws } from "../../builds/target";
import { buildDurationMs, buildSucceeded, failedPhases, followBuild, logsState, printSummary, type FailedPhase } from "../../builds/follow-build";
import { Interrupted, type Sleep } from "../../deploy/wait";
import { CodyError, ExitCode, configError, isCodyError } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";

export interface StartOptions extends ProjectOptions {
  branch?: string;
  sourceVersion?: string;
  envVars?: string[];
  /** false with --no-wait. */
  wait?: boolean;
  json?: boolean;
}

/** Seams for tests; the CLI passes none. */
export interface BuildCommandDeps {
  cwd?: string;
  environment?: Record<string, string | undefined>;
  sleep?: Sleep;
  /** When given, Ctrl-C handling is the caller's. */
  signal?: AbortSignal;
  drainMs?: number;
  now?: () => Date;
}

// ---------------------------------------------------------------- shared with `cody logs`

/** Ctrl-C aborts the wait (once); a second Ctrl-C exits at once. */
export function interruptSignal(deps: BuildCommandDeps): { signal: AbortSignal; dispose(): void } {
  if (deps.signal) return { signal: deps.signal, dispose: () => {} };
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(ExitCode.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  return { signal: controller.signal, dispose: () => process.off("SIGINT", onSigint) };
}

/** A sleep that ends early on abort, so an interrupted follow does not keep the process alive. */
export function abortableSleep(signal: AbortSignal): Sleep {
  return (ms) =>
    new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
}

export interface Connection {
  aws: AwsOptions;
  codebuild: CodeBuildApi;
  target: ProjectTarget;
}

/** The CodeBuild client in the right region: --region, else the region settings bind to the env. */
export async function connect(projectArg: string | undefined, options: ProjectOptions, deps: BuildCommandDeps): Promise<Connection> {
  const cwd = deps.cwd ?? process.cwd();
  const target: ProjectTarget = {
    cwd,
    ...(projectArg ? { projectName: projectArg } : {}),
    ...(options.type ? { type: options.type } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.stackName ? { stackName: options.stackName } : {}),
    ...(deps.environment ? { environment: deps.environment } : {}),
  };
  const aws: AwsOptions = await targetAws(projectArg, options, cwd);
  return { aws, codebuild: await createCodeBuild(aws), target };
}

export async function findProjectName(connection: Connection): Promise<string> {
  const found = await findProject(connection.target, { codebuild: connection.codebuild, cfn: () => createCloudFormation(connection.aws) });
  return found.projectName;
}

/** The flags a follow-up command needs to reach the same account and region. */
function awsFlags(options: ProjectOptions): string {
  return `${options.profile ? ` --profile ${options.profile}` : ""}${options.region ? ` --region ${options.region}` : ""}`;
}

/** Ctrl-C while following: the build keeps running; say how to pick it up again or stop it. */
export function stoppedFollowing(buildId: string, options: ProjectOptions): Interrupted {
  const flags = awsFlags(options);
  return new Interrupted(
    `Stopped following build ${buildId}; the build itself is still running.`,
    `Follow it again: cody logs --follow --build-id ${buildId}${flags}\n  Stop it:         cody stop --build-id ${buildId}${flags}`,
  );
}

export function isInterrupted(error: unknown): boolean {
  return isCodyError(error) && error.exitCode === ExitCode.interrupted;
}

/** The build failed: exit 2 after the summary has said why. */
export function buildFailed(build: Build): CodyError {
  const id = build.id ?? "";
  return new CodyError(`build ${id} did not succeed (${build.buildStatus ?? "UNKNOWN"}).`, {
    exitCode: ExitCode.failed,
    hint: `The failed phases are listed above; \`cody logs --build-id ${id}\` prints the whole log.`,
  });
}

// ---------------------------------------------------------------- start

/** Console page of a build, in the partition's console domain. */
export function consoleUrl(region: string, projectName: string, buildId: string): string {
  const host = region.startsWith("cn-")
    ? `${region}.console.amazonaws.cn`
    : region.startsWith("us-gov-")
      ? `${region}.console.amazonaws-us-gov.com`
      : `${region}.console.aws.amazon.com`;
  return `https://${host}/codesuite/codebuild/projects/${encodeURIComponent(projectName)}/build/${encodeURIComponent(buildId)}/log?region=${region}`;
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
  buildId: string;
  buildNumber: number | null;
  projectName: string;
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

function startResult(build: Build, extra: { projectName: string; waited: boolean; sourceVersion?: string; overrides: EnvOverride[]; url: string }): StartResult {
  const logs = logsState(build);
  const duration = build.buildComplete ? buildDurationMs(build) : undefined;
  return {
    command: "start",
    buildId: build.id ?? "",
    buildNumber: build.buildNumber ?? null,
    projectName: build.projectName ?? extra.projectName,
    status: build.buildStatus ?? "UNKNOWN",
    complete: Boolean(build.buildComplete),
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
    failedPhases: build.buildComplete ? failedPhases(build) : [],
  };
}

export async function startCommand(projectArg: string | undefined, options: StartOptions, reporter: Reporter, deps: BuildCommandDeps = {}): Promise<void> {
  // Bad input fails before any AWS call.
  const sourceVersion = pickSourceVersion(options);
  const overrides = parseEnvOverrides(options.envVars);
  const wait = options.wait !== false;
  const c = colors(reporter);

  const connection = await connect(projectArg, options, deps);
  const projectName = await findProjectName(connection);
  const { codebuild } = connection;
  // Installed before StartBuild, so a Ctrl-C during the call cannot leave a build nobody was told about.
  const interrupt = interruptSignal(deps);
  try {
    const started = await codebuild.startBuild({
      projectName,
      ...(sourceVersion !== undefined ? { sourceVersion } : {}),
      ...(overrides.length > 0 ? { environmentVariablesOverride: overrides } : {}),
    });
    const build = started.build;
    if (!build?.id) throw new CodyError(`CodeBuild did not return a build for project ${projectName}.`, { hint: "Run `cody status` to see whether a build started." });
    const buildId = build.id;
    const url = consoleUrl(await codebuild.region(), projectName, buildId);
    const extra = { projectName, sourceVersion, overrides, url };

    if (!wait) {
      if (options.json) {
        reporter.result(JSON.stringify(startResult(build, { ...extra, waited: false }), null, 2));
      } else {
        reporter.result(buildId);
        reporter.info(`Started build ${c.bold(buildId)}${sourceVersion ? ` of ${sourceVersion}` : ""}`);
      }
      reporter.info(`Console: ${url}`);
      reporter.info(`Follow it: cody logs --follow --build-id ${buildId}${awsFlags(options)}`);
      return;
    }

    reporter.info(`Started build ${c.bold(buildId)}${sourceVersion ? ` of ${sourceVersion}` : ""}`);
    reporter.info(`Console: ${url}`);
    const logs = await createLogs(connection.aws);
    let result;
    try {
      result = await followBuild({
        codebuild,
        logs,
        buildId,
        reporter,
        sleep: deps.sleep ?? abortableSleep(interrupt.signal),
        signal: interrupt.signal,
        // With --json, stdout carries the JSON only.
        printLine: options.json ? (text) => reporter.info(text) : (text) => reporter.result(text),
        ...(deps.drainMs !== undefined ? { drainMs: deps.drainMs } : {}),
      });
    } catch (error) {
      if (isInterrupted(error)) throw stoppedFollowing(buildId, options);
      throw error;
    }
    printSummary(result.build, reporter);
    if (options.json) reporter.result(JSON.stringify(startResult(result.build, { ...extra, waited: true }), null, 2));
    if (!buildSucceeded(result.build)) throw buildFailed(result.build);
  } finally {
    interrupt.dispose();
  }
}
