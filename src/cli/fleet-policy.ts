// `cody policy --all` / `--types` / `--regions`: one policy covering every stack of the fleet, the union
// of each stack's requirement in each target region (so its names and ARNs cover every target). Local
// like `cody policy`: no AWS call, no SDK.
import { loadProject } from "../config/load-project";
import { serviceRoleArn } from "../config/role-arn";
import { configError } from "../errors";
import { mergeRequirements } from "../fleet/merge-requirements";
import type { FleetTarget } from "../fleet/types";
import { BROAD_WARNING, broadPolicy, callerRequirements, MANAGED_POLICY_MAX, policyDocument, policySize, setupNames, setupScript } from "../iam/policy";
import { requirementsFor } from "../iam/requirements";
import type { Reporter } from "../io/reporter";
import { toCloudFormationYaml } from "../synth/serialize";
import { synthesize } from "../synth/template";
import { parseBoundaryArn, parseCommands, partitionOf } from "./commands/policy";
import type { FleetOptions } from "./commands/fleet";

export async function fleetPolicy(projectName: string | undefined, targets: readonly FleetTarget[], options: FleetOptions, reporter: Reporter): Promise<void> {
  for (const flag of ["check", "boundary"] as const) {
    if (options[flag] !== undefined && options[flag] !== false) {
      throw configError({
        field: `--${flag}`,
        message: `--${flag} works on one project; with several it is not supported yet.`,
        fix: `Run cody policy --${flag}${flag === "check" ? " FILE" : ""} --type <type> for each project, or drop --${flag}.`,
      });
    }
  }
  const commands = parseCommands(options.commands);
  const permissionsBoundary = parseBoundaryArn(options.permissionsBoundary);
  serviceRoleArn(options.roleArn, undefined);
  const cwd = process.cwd();
  const lists = [];
  for (const target of targets) {
    const project = await loadProject({ cwd, projectName, type: target.type, env: options.env, stackName: options.stackName, region: target.region ?? options.region });
    const region = project.region;
    lists.push(
      callerRequirements(
        requirementsFor({
          synth: synthesize(project),
          commands,
          region,
          account: project.account,
          partition: partitionOf(region),
          permissionsBoundary,
          serviceRoleArn: serviceRoleArn(options.roleArn, project.settings.roleArn),
        }),
      ),
    );
  }
  const requirements = mergeRequirements(lists);
  const policy = options.broad ? broadPolicy(requirements) : policyDocument(requirements);
  if (options.broad) reporter.warn(BROAD_WARNING);
  const stacks = [...new Set(targets.map((t) => t.stackName))];
  const regions = [...new Set(targets.map((t) => t.region ?? "the default region"))];
  reporter.info(`One policy for ${stacks.length} stack${stacks.length === 1 ? "" : "s"} (${stacks.join(", ")}) in ${regions.join(", ")}.`);
  const format = options.format ?? "json";
  const subject = `stacks ${stacks.join(", ")}`;
  if (format === "cli") reporter.result(setupScript(policy, setupNames("cody-fleet"), subject));
  else if (format === "yaml") reporter.result(toCloudFormationYaml(policy));
  else reporter.result(JSON.stringify(policy, null, 2));
  const size = policySize(policy);
  if (size > MANAGED_POLICY_MAX) {
    reporter.warn(
      `the policy is ${size} characters; a managed policy holds at most ${MANAGED_POLICY_MAX}. ` +
        "Split it with --commands, or by --types (one policy for some projects, one for the rest).",
    );
  }
}
