// Names, from product.md §2: project, full project and stack names, and the env. The env sits in
// the same position in the project and stack names (cody put it in different places).
import { basename } from "node:path";
import { configError } from "../errors";

/** CodeBuild's project name rule. */
export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;
/** CloudFormation's stack name rule. */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
export const STACK_NAME_MAX = 128;

/** A folder name made into a valid project name: `_` and `.` become `-`, other characters go. */
export function sanitizeProjectName(folder: string): string {
  return folder
    .replace(/[_.]+/g, "-")
    .replace(/[^A-Za-z0-9-]/g, "")
    .replace(/-{2,}/g, "-")
    .replace(/^[-]+|[-]+$/g, "");
}

export function inferProjectName(cwd: string): string {
  return sanitizeProjectName(basename(cwd));
}

export interface NamingInput {
  /** The positional argument, if given. */
  projectName?: string;
  cwd: string;
  type?: string;
  env: string;
  appendEnv: boolean;
  /** `CODY_EXTRA`. */
  extra?: string;
  /** Stack name suffix; false for none. */
  suffix: string | false;
  /** `--stack-name`. */
  stackName?: string;
}

export interface Names {
  projectName: string;
  fullProjectName: string;
  stackName: string;
}

export function resolveNames(input: NamingInput): Names {
  const projectName = input.projectName ?? inferProjectName(input.cwd);
  const source = input.projectName ? "the project name argument" : `the folder name "${basename(input.cwd)}"`;
  if (!PROJECT_NAME.test(projectName)) {
    const suggestion = sanitizeProjectName(projectName);
    throw configError({
      field: "project name",
      message: `"${projectName}" (from ${source}) is not a valid CodeBuild project name: 2-255 characters, letters, digits, - and _, starting with a letter or digit.`,
      fix: PROJECT_NAME.test(suggestion)
        ? `Use "${suggestion}": cody deploy ${suggestion}`
        : "Pass a valid name as the first argument, e.g. cody deploy my-project.",
    });
  }
  if (input.type !== undefined && !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(input.type)) {
    throw configError({
      field: "--type",
      message: `"${input.type}" is not a valid type: it names a folder under .cody/ and becomes part of resource names.`,
      fix: "Use letters, digits, - and _, e.g. --type unit.",
    });
  }
  if (input.extra !== undefined && input.extra !== "" && !/^[A-Za-z0-9-]+$/.test(input.extra)) {
    throw configError({
      field: "CODY_EXTRA",
      message: `"${input.extra}" is not a valid CODY_EXTRA: it becomes part of the project and stack names.`,
      fix: "Use letters, digits and -.",
    });
  }
  const parts = [projectName, input.type, input.appendEnv ? input.env : undefined, input.extra || undefined];
  const fullProjectName = parts.filter((p): p is string => Boolean(p)).join("-");
  if (fullProjectName.length > 255) {
    throw configError({
      field: "project name",
      message: `the full project name "${fullProjectName.slice(0, 60)}…" is ${fullProjectName.length} characters; CodeBuild allows 255.`,
      fix: "Use a shorter project name, type or CODY_EXTRA.",
    });
  }
  const stackName =
    input.stackName ??
    (input.suffix === false || input.suffix === "" ? fullProjectName : `${fullProjectName}-${input.suffix}`).replace(/_/g, "-");
  checkStackName(stackName, input.stackName ? "--stack-name" : "stack name");
  return { projectName, fullProjectName, stackName };
}

export function checkStackName(stackName: string, field = "stack name"): void {
  if (!STACK_NAME.test(stackName) || stackName.length > STACK_NAME_MAX) {
    throw configError({
      field,
      message: `"${stackName}" is not a valid CloudFormation stack name: up to ${STACK_NAME_MAX} characters, letters, digits and -, starting with a letter.`,
      fix:
        stackName.length > STACK_NAME_MAX
          ? "Use a shorter name with --stack-name."
          : `Pass a valid name with --stack-name, e.g. --stack-name ${stackName.replace(/[^-a-zA-Z0-9]/g, "-").replace(/^[^a-zA-Z]+/, "") || "my-stack"}.`,
    });
  }
}

/** `--env`, else `CODY_ENV`, else the settings env bound to `AWS_PROFILE`, else `development`. */
export function resolveEnv(input: {
  flag?: string;
  codyEnv?: string;
  awsProfile?: string;
  envs?: Record<string, { awsProfile?: string }>;
}): string {
  const env =
    input.flag ||
    input.codyEnv ||
    (input.awsProfile
      ? Object.entries(input.envs ?? {}).find(([, s]) => s.awsProfile === input.awsProfile)?.[0]
      : undefined) ||
    "development";
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(env)) {
    throw configError({
      field: input.flag ? "--env" : "CODY_ENV",
      message: `"${env}" is not a valid env name: it names a variables file and can become part of resource names.`,
      fix: "Use letters, digits and -, e.g. production.",
    });
  }
  return env;
}
