// Options shared by the commands that work on a project, so every command spells them the same way.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Option, type Command } from "commander";
import { CODY_DIR, findProjectRoot } from "../config/project-root";
import type { TargetFlags } from "../config/target-flags";

/** The target flags as commander hands them over: the project name comes as the positional argument. */
export type ProjectOptions = Omit<TargetFlags, "projectName">;

export function withProjectOptions(cmd: Command): Command {
  return cmd
    .argument("[project]", "project name (default: the current folder's name)")
    .option("-t, --type <type>", "project type: reads .cody/<type>/ (several projects in one repository)")
    .addOption(new Option("--env <env>", "env: selects variables/<env>.ts (default: CODY_ENV, or development)"))
    .option("--stack-name <name>", "CloudFormation stack name (default: <full project name>-cody)");
}

export function withAwsOptions(cmd: Command): Command {
  return cmd
    .option("--profile <profile>", "AWS profile (default: AWS_PROFILE; a project's settings may bind one to the env)")
    .option("--region <region>", "AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's; a project's settings may bind one to the env)");
}

export interface FleetFlagOptions {
  all?: boolean;
  types?: string;
  regions?: string;
  concurrency?: string;
  failFast?: boolean;
}

/** Several stacks at once (docs/scale.md): src/cli/commands/fleet.ts. */
export function withFleetOptions(cmd: Command, what = "work on", options: { runs?: boolean } = {}): Command {
  cmd
    .option("--all", `${what} every project: .cody/project.ts and each .cody/<type>/`)
    .option("--types <list>", `${what} these types (comma separated)`)
    .option("--regions <list>", `${what} the stack in each of these regions (comma separated; default: settings' targets)`);
  // `cody policy` runs nothing: no pool to size or stop.
  if (options.runs === false) return cmd;
  return cmd
    .option("--concurrency <n>", "stacks at once, with --all, --types or --regions (default 4)")
    .option("--fail-fast", "start no more stacks after one fails (those running finish)");
}

/**
 * Whether the command goes to the fleet: a fleet flag, or settings that may list `targets` (a cheap look
 * at .cody/settings.ts; the fleet loads it properly and falls back to one stack when it lists none).
 */
export function wantsFleet(opts: FleetFlagOptions): boolean {
  if (opts.all || opts.types !== undefined || opts.regions !== undefined) return true;
  try {
    const root = findProjectRoot(process.cwd()).root;
    return root !== undefined && /\btargets\b/.test(readFileSync(join(root, CODY_DIR, "settings.ts"), "utf8"));
  } catch {
    // No settings file, or a CODY_ROOT the command itself reports on.
    return false;
  }
}
