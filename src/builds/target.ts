// The AWS side of a build command: clients in the right region (resolveAws: --region, else the
// region settings bind to the env, else the environment and the SDK's own chain), and the project
// found by name or through its stack.
import { createCloudFormation, createCodeBuild, type AwsOptions, type CfnApi, type CodeBuildApi } from "../aws/clients";
import { resolveAws } from "../config/naming";
import { projectNaming } from "../config/project-naming";
import { findProjectRoot } from "../config/project-root";
import type { CommandTarget } from "../config/target";
import type { TargetFlags } from "../config/target-flags";
import { CodyError } from "../errors";
import { findProject, latestBuildId, type FoundProject } from "./find-project";

/** The target flags without the project name, which build commands take apart (it may be a build id's). */
export type TargetOptions = Omit<TargetFlags, "projectName">;

/** Where the command runs; tests replace them, the CLI passes none. */
export interface TargetContext {
  /** The folder to look for `.cody/` in (default: the current folder). */
  cwd?: string;
  /** Environment variables to read (default: process.env). */
  environment?: Record<string, string | undefined>;
  /** The command's name, for the examples in its hints (default: status). */
  command?: string;
  /** The command's target, resolved once (config/target.ts): its settings are not read again. */
  target?: CommandTarget;
}

export interface BuildTarget extends FoundProject {
  aws: AwsOptions;
  codebuild: CodeBuildApi;
}

/**
 * Where to call AWS. Settings are read only inside a project (and only when a flag leaves something
 * open), so a project name or a build id works anywhere.
 */
export async function targetAws(projectName: string | undefined, options: TargetOptions, context: TargetContext = {}): Promise<AwsOptions> {
  if (context.target) return context.target.aws;
  const cwd = context.cwd ?? process.cwd();
  const environment = context.environment ?? process.env;
  const bound =
    (!options.region || !options.profile) && findProjectRoot(cwd, { environment }).root
      ? await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd, environment })
      : {};
  return resolveAws(options, bound, environment);
}

/** The project a build command works on, found by name or through its stack, with its clients. */
export async function openTarget(projectName: string | undefined, options: TargetOptions, context: TargetContext = {}): Promise<BuildTarget> {
  const cwd = context.cwd ?? process.cwd();
  const aws = await targetAws(projectName, options, context);
  const codebuild = await createCodeBuild(aws);
  let cfn: Promise<CfnApi> | undefined;
  const found = await findProject(
    { projectName, type: options.type, env: options.env, stackName: options.stackName, cwd, ...(context.environment ? { environment: context.environment } : {}) },
    { codebuild, cfn: () => (cfn ??= createCloudFormation(aws)) },
    context.command,
    context.target,
  );
  return { ...found, aws, codebuild };
}

export interface TargetBuild {
  aws: AwsOptions;
  codebuild: CodeBuildApi;
  projectName: string;
  /** undefined when no --build-id was given and the project has no builds. */
  buildId: string | undefined;
}

/**
 * The build a command works on: a full `--build-id` (or build ARN) needs no project lookup, since the id
 * names its project; a bare uuid or no id needs the project (and no id means its latest build).
 */
export async function resolveBuild(projectName: string | undefined, options: TargetOptions & { buildId?: string }, context: TargetContext = {}): Promise<TargetBuild> {
  const given = options.buildId?.trim();
  if (given === "") {
    throw new CodyError("--build-id is empty.", { hint: "Pass a build id (project:uuid), or leave --build-id out for the latest build." });
  }
  const explicit = given === undefined ? undefined : normalizeBuildId(given);
  if (explicit?.includes(":")) {
    const aws = await targetAws(projectName, options, context);
    return { aws, codebuild: await createCodeBuild(aws), projectName: explicit.slice(0, explicit.indexOf(":")), buildId: explicit };
  }
  const target = await openTarget(projectName, options, context);
  const buildId = explicit ? normalizeBuildId(explicit, target.projectName) : await latestBuildId(target.codebuild, target.projectName);
  return { aws: target.aws, codebuild: target.codebuild, projectName: target.projectName, buildId };
}

/** `--build-id` as CodeBuild wants it: a full id (`project:uuid`) from an id, a bare uuid or a build ARN. */
export function normalizeBuildId(buildId: string, projectName?: string): string {
  const fromArn = /^arn:[^:]+:codebuild:[^:]*:[^:]*:build\/(.+)$/.exec(buildId)?.[1];
  const id = fromArn ?? buildId;
  if (id.includes(":") || !projectName) return id;
  return `${projectName}:${id}`;
}
