// Finds the CodeBuild project a build command works on: by the conventional full name first, then
// through a CloudFormation stack (cody's `cody start demo-cody`). Unlike cody, every build command
// gets the stack fallback, and a project name is enough outside a `.cody/` folder.
import type { CfnApi, CodeBuildApi } from "../aws/clients";
import { isMissingStackError } from "../aws/stack-errors";
import { STACK_NAME } from "../config/naming";
import { projectNaming, type NamingTarget, type ProjectNaming } from "../config/project-naming";
import { CodyError } from "../errors";

export interface FoundProject {
  projectName: string;
  via: "name" | "stack";
}

export async function findProject(
  target: NamingTarget,
  apis: { codebuild: CodeBuildApi; cfn: () => Promise<CfnApi> },
  /** The command being run, so the hint's example is one to type. */
  command = "status",
  /** The names, when the command's target already settled them. */
  resolved?: Pick<ProjectNaming, "names" | "hasCodyDir">,
): Promise<FoundProject> {
  const { names, hasCodyDir } = resolved ?? (await projectNaming(target));
  const byName = await apis.codebuild.batchGetProjects({ names: [names.fullProjectName] });
  if (byName.projects?.some((p) => p.name === names.fullProjectName)) {
    return { projectName: names.fullProjectName, via: "name" };
  }

  // --stack-name is what the user means; otherwise the conventional stack, then the argument as a stack.
  const stacks = target.stackName ? [target.stackName] : [names.stackName];
  if (!target.stackName && target.projectName && target.projectName !== names.stackName && STACK_NAME.test(target.projectName)) {
    stacks.push(target.projectName);
  }
  const cfn = await apis.cfn();
  const found: string[] = [];
  for (const stackName of stacks) {
    const physicalId = await codeBuildResource(cfn, stackName);
    if (physicalId) return { projectName: physicalId, via: "stack" };
    if (physicalId === null) found.push(stackName);
  }

  const region = await apis.codebuild.region().catch(() => undefined);
  const tried = [
    `project "${names.fullProjectName}"`,
    ...stacks.map((s) => `stack "${s}"${found.includes(s) ? " (exists, but has no CodeBuild resource)" : ""}`),
  ];
  const fixes = [
    hasCodyDir || target.projectName ? "Deploy it with `cody deploy`" : `Run cody in the project's repository or pass the project name (e.g. \`cody ${command} my-project\`)`,
    "check --type, --env and CODY_EXTRA match the deploy",
    "or pass --stack-name",
  ];
  if (region) fixes.push(`make sure the region is right (--region; now ${region})`);
  throw new CodyError(`CodeBuild project not found${region ? ` in ${region}` : ""}: tried ${tried.join(", ")}.`, {
    hint: `${fixes.join("; ")}.${hasCodyDir || target.projectName ? "" : " There is no .cody/ folder here, so the name came from the folder name."}`,
  });
}

/** The physical id of the stack's `CodeBuild` resource; undefined when the stack is missing, null when it has none. */
async function codeBuildResource(cfn: CfnApi, stackName: string): Promise<string | undefined | null> {
  try {
    const out = await cfn.describeStackResources({ StackName: stackName, LogicalResourceId: "CodeBuild" });
    const resource = out.StackResources?.find((r) => r.LogicalResourceId === "CodeBuild" && r.PhysicalResourceId);
    return resource?.PhysicalResourceId ?? null;
  } catch (error) {
    if (isMissingStackError(error)) return undefined;
    throw error;
  }
}

/** The newest build of a project, or undefined when it has none. */
export async function latestBuildId(codebuild: CodeBuildApi, projectName: string): Promise<string | undefined> {
  const out = await codebuild.listBuildsForProject({ projectName, sortOrder: "DESCENDING" });
  return out.ids?.[0];
}
