// `cody policy --all` / `--types` / `--regions`: one policy covering every stack of the fleet, the union
// of each stack's requirement in each target region (so its names and ARNs cover every target). Local
// like `cody policy`: no AWS call, no SDK.
import { loadProject } from "../config/load-project";
import { serviceRoleArn } from "../config/role-arn";
import { configError } from "../errors";
import { mergeRequirements } from "../fleet/merge-requirements";
import type { FleetTarget } from "../fleet/types";
import { boundaryNote, escalationMessage, findEscalation, type Escalation } from "../iam/escalation";
import { BROAD_WARNING, broadPolicy, callerRequirements, policyDocument } from "../iam/policy";
import { requirementsFor, type Requirement } from "../iam/requirements";
import type { Reporter } from "../io/reporter";
import type { PolicyDocument } from "../policy/evaluate";
import { synthesize } from "../synth/template";
import { parseBoundaryArn, parseCommands, partitionOf, printPolicy, templateBoundaries } from "./commands/policy";
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
  const lists: Requirement[][] = [];
  const unbounded: string[] = [];
  for (const target of targets) {
    const project = await loadProject({ cwd, projectName, type: target.type, env: options.env, stackName: options.stackName, region: target.region ?? options.region });
    const region = project.region;
    const synth = synthesize(project);
    const carried = templateBoundaries(synth);
    if (permissionsBoundary && !(carried?.length === 1 && carried[0] === permissionsBoundary)) unbounded.push(target.stackName);
    lists.push(
      callerRequirements(
        requirementsFor({
          synth,
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
  const subject = `stacks ${stacks.join(", ")}`;
  printPolicy(policy, { format: options.format, setupName: "cody-fleet", subject, split: "--commands, or by --types (one policy for some projects, one for the rest)" }, reporter);
  if (!options.broad) reportFleetDelegation(policy, lists, [...new Set(unbounded)], permissionsBoundary, reporter);
}

/**
 * What `cody policy` says of one stack's policy, said once for the merged one: a --permissions-boundary
 * some stacks' roles do not carry, and privilege escalation, probed against each stack's own roles.
 */
function reportFleetDelegation(policy: PolicyDocument, lists: readonly Requirement[][], unbounded: string[], flag: string | undefined, reporter: Reporter): void {
  if (flag && unbounded.length > 0) {
    reporter.warn(
      `--permissions-boundary ${flag} is not the boundary every role carries in ${unbounded.join(", ")}: ` +
        "CloudFormation could not create or update those roles with this policy. Set permissionsBoundary to the same ARN in .cody/settings.ts.",
    );
  }
  const found = lists.map((list) => findEscalation([policy], list)).filter((e): e is Escalation => e !== undefined);
  if (found.length > 0) {
    const union = (pick: (e: Escalation) => string[]) => [...new Set(found.flatMap(pick))];
    reporter.warn(escalationMessage({ roles: union((e) => [e.roles]).join(", "), write: union((e) => e.write), use: union((e) => e.use) }, true));
    return;
  }
  const bounded = lists.flatMap((list) => {
    const value = list.find((r) => r.sid === "IamRolesWithinBoundary")?.condition?.StringEquals?.["iam:PermissionsBoundary"];
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  });
  if (bounded.length > 0) reporter.info(boundaryNote([...new Set(bounded)]));
}
