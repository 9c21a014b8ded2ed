// `cody stop`: stops a running build (the latest by default). It asks first on a terminal and refuses
// without one unless --yes; --noop stops nothing (cody ignored --noop and really stopped the build).
import { buildFinished, getBuild } from "../../builds/follow-build";
import { paintStatus } from "../../builds/format";
import { resolveBuild, type TargetContext } from "../../builds/target";
import { CodyError } from "../../errors";
import { terminalPrompt, type Prompt, type Reporter } from "../../io/reporter";
import type { ProjectOptions } from "../options";
import { warnedTarget } from "../command-target";
import { printResult } from "../print-result";

export interface StopOptions extends ProjectOptions {
  buildId?: string;
  yes?: boolean;
  noop?: boolean;
  json?: boolean;
}

/** The confirmation; tests answer it. */
export type StopIo = Prompt;

type StopResult = "stopped" | "finished" | "no-builds" | "cancelled" | "noop";

export async function stopCommand(
  projectName: string | undefined,
  options: StopOptions,
  reporter: Reporter,
  deps: TargetContext & { io?: StopIo } = {},
): Promise<void> {
  const io = deps.io ?? terminalPrompt();
  const resolved = await warnedTarget(projectName, options, reporter, deps);
  const target = await resolveBuild(projectName, options, { ...deps, command: "stop", target: resolved });
  // The same keys for every outcome; status is the build's status (null when there is no build).
  const json = (type: StopResult, status: string | null = null) => {
    if (options.json) printResult(reporter, "stop", type, { project: target.projectName, buildId: target.buildId ?? null, status });
  };
  if (!target.buildId) {
    reporter.info(`No builds found for project ${target.projectName}: nothing to stop.`);
    return json("no-builds");
  }
  const buildId = target.buildId;
  const build = await getBuild(target.codebuild, buildId);
  const status = build.buildStatus ?? "UNKNOWN";
  if (buildFinished(build) || status !== "IN_PROGRESS") {
    reporter.info(`Build ${buildId} already finished (${paintStatus(reporter, status)}): nothing to stop.`);
    return json("finished", status);
  }
  if (options.noop) {
    reporter.info(`Would stop build ${buildId} (${status}); --noop: nothing was stopped.`);
    return json("noop", status);
  }
  if (!options.yes) {
    if (!io.interactive) {
      throw new CodyError(`not stopping build ${buildId}: there is no terminal to confirm it.`, {
        hint: "Pass --yes to stop it without a prompt (as in CI).",
      });
    }
    if (!(await io.ask(`Stop build ${buildId}?`))) {
      reporter.info("Not stopped.");
      return json("cancelled", status);
    }
  }
  const stopped = await target.codebuild.stopBuild({ id: buildId });
  const after = stopped.build?.buildStatus ?? "UNKNOWN";
  if (after === "IN_PROGRESS") {
    // CodeBuild stops builds asynchronously; the response can still say IN_PROGRESS.
    reporter.success(`Stop requested for build ${buildId}; status: ${after} (${stopped.build?.currentPhase ?? "stopping"}).`);
    reporter.info(`\`cody status --build-id ${buildId}\` shows when it has stopped.`);
  } else {
    reporter.success(`Stopped build ${buildId}; status: ${after}.`);
  }
  json("stopped", after);
}
