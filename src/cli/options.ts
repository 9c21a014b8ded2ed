// Options shared by the commands that work on a project, so every command spells them the same way.
import { Option, type Command } from "commander";

export interface ProjectOptions {
  type?: string;
  env?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

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
