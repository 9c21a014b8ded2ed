// `cody drift`: has the stack been changed outside CloudFormation? Exit 0 in sync, 4 drifted (so CI can
// tell drift from an error, which is 1). Needs only the stack's name, so a broken project still works.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createDrift } from "../../aws/clients";
import { checkStackName } from "../../config/naming";
import { CODY_DIR } from "../../config/project-root";
import { CodyError, ExitCode } from "../../errors";
import { colors, type Reporter } from "../../io/reporter";
import { abortableSleep } from "../../deploy/wait";
import { formatPair, formatValue } from "../../review/template-diff";
import type { ResourceDrift } from "../../deploy/drift";
import { commandTarget } from "../command-target";
import { withInterrupt } from "../interrupt";
import { printResult } from "../print-result";
import type { ProjectOptions } from "../options";

export interface DriftOptions extends ProjectOptions {
  json?: boolean;
}

export function formatDrift(resources: ResourceDrift[]): string[] {
  return resources.flatMap((r) => [
    `  ${r.status === "DELETED" ? "-" : "~"} ${r.logicalId.padEnd(16)} ${r.resourceType}  ${r.status}`,
    ...r.properties.map((p) => {
      if (p.difference === "ADD") return `      ${p.path}: added outside CloudFormation: ${formatValue(p.actual)}`;
      if (p.difference === "REMOVE") return `      ${p.path}: removed outside CloudFormation (template: ${formatValue(p.expected)})`;
      const [expected, actual] = formatPair(p.expected, p.actual);
      return `      ${p.path}: ${expected} (template) → ${actual} (actual)`;
    }),
  ]);
}

export async function driftCommand(projectName: string | undefined, options: DriftOptions, reporter: Reporter): Promise<void> {
  const c = colors(reporter);
  if (options.stackName) checkStackName(options.stackName, "--stack-name");
  const cwd = process.cwd();
  if (!options.stackName && !projectName && !existsSync(join(cwd, CODY_DIR))) {
    throw new CodyError("no .cody/ folder here, so cody cannot tell which stack to check.", {
      hint: "Run it in the project's repository, or name it: cody drift <project> or cody drift --stack-name <stack>.",
    });
  }
  const target = await commandTarget(projectName, options, { cwd });
  const stackName = target.names.stackName;
  const { aws } = target;
  const api = await createDrift(aws);
  const region = await api.region();
  const { detectDrift } = await import("../../deploy/drift");
  reporter.info(`Detecting drift of stack ${c.bold(stackName)} (${region})…`);
  const result = await withInterrupt((signal) => detectDrift({ api, stackName, sleep: abortableSleep(signal), signal }), undefined, reporter);
  if (result.reason) reporter.warn(`drift detection did not check everything: ${result.reason}`);
  if (options.json) {
    printResult(reporter, "drift", result.drifted ? "drifted" : "in-sync", {
      stackName,
      region,
      detectionStatus: result.detectionStatus,
      reason: result.reason ?? null,
      resources: result.resources,
    });
  } else if (!result.drifted) {
    reporter.success(`In sync: stack ${stackName} (${region}) matches its template.`);
  } else {
    reporter.info(`Drift in stack ${stackName} (${region}):`);
    for (const line of formatDrift(result.resources)) reporter.result(line);
  }
  if (result.drifted) {
    const n = result.resources.length;
    throw new CodyError(`${n} resource${n === 1 ? "" : "s"} of ${stackName} changed outside CloudFormation (drift).`, {
      exitCode: ExitCode.drifted,
      hint: "Change them back, or put the change in .cody/ and `cody deploy` (a deploy only sets what the template changes; it does not undo drift elsewhere).",
    });
  }
}
