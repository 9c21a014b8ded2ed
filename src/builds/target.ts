// The AWS side of a build command: clients in the right region (--region, else the region settings
// bind to the env, else the SDK's own chain), and the project found by name or through its stack.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createCloudFormation, createCodeBuild, type AwsOptions, type CfnApi, type CodeBuildApi } from "../aws/clients";
import { CODY_DIR } from "../config/project-naming";
import { findProject, projectNaming, type FoundProject } from "./find-project";

export interface TargetOptions {
  type?: string;
  env?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

export interface BuildTarget extends FoundProject {
  codebuild: CodeBuildApi;
}

/**
 * Where to call AWS: --region/--profile, else what settings bind to the env (read only inside a
 * project, so a name or a build id works anywhere), else the SDK's own chain.
 */
export async function targetAws(projectName: string | undefined, options: TargetOptions, cwd = process.cwd()): Promise<AwsOptions> {
  let region = options.region;
  let profile = options.profile;
  if ((!region || !profile) && existsSync(join(cwd, CODY_DIR))) {
    const naming = await projectNaming({ projectName, type: options.type, env: options.env, stackName: options.stackName, cwd });
    region ??= naming.region;
    profile ??= naming.profile;
  }
  return { ...(region ? { region } : {}), ...(profile ? { profile } : {}) };
}

/** Just the CodeBuild client, for a command given a full build id (which names its project). */
export async function codebuildFor(projectName: string | undefined, options: TargetOptions, cwd = process.cwd()): Promise<CodeBuildApi> {
  return createCodeBuild(await targetAws(projectName, options, cwd));
}

export async function openTarget(projectName: string | undefined, options: TargetOptions, cwd = process.cwd()): Promise<BuildTarget> {
  const aws = await targetAws(projectName, options, cwd);
  const codebuild = await createCodeBuild(aws);
  let cfn: Promise<CfnApi> | undefined;
  const found = await findProject(
    { projectName, type: options.type, env: options.env, stackName: options.stackName, cwd },
    { codebuild, cfn: () => (cfn ??= createCloudFormation(aws)) },
  );
  return { ...found, codebuild };
}

/**
 * The build a command works on: a full `--build-id` (or build ARN) needs no project lookup, since the id
 * names its project; a bare uuid or no id needs the project (and no id means its latest build).
 */
export async function resolveBuild(
  projectName: string | undefined,
  options: TargetOptions & { buildId?: string },
  latest: (codebuild: CodeBuildApi, projectName: string) => Promise<string | undefined>,
  cwd = process.cwd(),
): Promise<{ codebuild: CodeBuildApi; projectName: string; buildId: string | undefined }> {
  const explicit = options.buildId === undefined ? undefined : normalizeBuildId(options.buildId);
  if (explicit?.includes(":")) {
    return { codebuild: await codebuildFor(projectName, options, cwd), projectName: explicit.slice(0, explicit.indexOf(":")), buildId: explicit };
  }
  const target = await openTarget(projectName, options, cwd);
  const buildId = explicit ? normalizeBuildId(explicit, target.projectName) : await latest(target.codebuild, target.projectName);
  return { codebuild: target.codebuild, projectName: target.projectName, buildId };
}

/** `--build-id` as CodeBuild wants it: a full id (`project:uuid`) from an id, a bare uuid or a build ARN. */
export function normalizeBuildId(buildId: string, projectName?: string): string {
  const fromArn = /^arn:[^:]+:codebuild:[^:]*:[^:]*:build\/(.+)$/.exec(buildId)?.[1];
  const id = fromArn ?? buildId;
  if (id.includes(":") || !projectName) return id;
  return `${projectName}:${id}`;
}
