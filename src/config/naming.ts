// Names (docs/architecture.md#names): project, full project and stack names, the env, and the region and
// profile AWS calls use. The env sits in the same position in the project and stack names (cody put
// it in different places).
import { basename } from "node:path";
import type { AwsOptions } from "../aws/clients";
import { configError } from "../errors";
import { checkRegion } from "../aws/regions";
import { shown } from "../util/shown";

// Region rules live with the AWS edge (aws/regions.ts); re-exported for the callers that know them here.
export { checkRegion, closestRegion, REGION_NAME, regionProblem } from "../aws/regions";

/** CodeBuild's project name rule. */
export const PROJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,254}$/;
/** CloudFormation's stack name rule. */
export const STACK_NAME = /^[a-zA-Z][-a-zA-Z0-9]*$/;
export const STACK_NAME_MAX = 128;

/** A folder name made into a valid project name: `_`, `.` and spaces become `-`, other characters go. */
export function sanitizeProjectName(folder: string): string {
  return folder
    .replace(/[_.\s]+/g, "-")
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


/** Letters, digits and -: what `value` becomes when made safe for resource names. */
function dashed(value: string): string {
  return value.replace(/[^A-Za-z0-9-]+/g, "-").replace(/-{2,}/g, "-").replace(/^-+|-+$/g, "");
}

/** `--type` names a folder under .cody/ and becomes part of resource names. */
export function checkType(type: string): void {
  if (/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(type)) return;
  const suggestion = type.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^[-_]+|[-_]+$/g, "");
  throw configError({
    field: "--type",
    message: `"${shown(type)}" is not a valid type: a type is a folder name under .cody/ and becomes part of resource names, so it uses letters, digits, - and _ (no / or dots).`,
    fix: suggestion ? `Use --type ${suggestion} (the folder .cody/${suggestion}/).` : "Use letters, digits, - and _, e.g. --type unit.",
  });
}

export function resolveNames(input: NamingInput): Names {
  const projectName = input.projectName ?? inferProjectName(input.cwd);
  const source = input.projectName !== undefined ? "the project name argument" : `the folder name "${basename(input.cwd)}"`;
  if (!PROJECT_NAME.test(projectName)) {
    const suggestion = sanitizeProjectName(projectName).slice(0, 255);
    const why =
      projectName.length > 255
        ? `is ${projectName.length} characters; CodeBuild allows 2-255`
        : "is not a valid CodeBuild project name: 2-255 characters, letters, digits, - and _, starting with a letter or digit";
    throw configError({
      field: "project name",
      message: `"${shown(projectName)}" (from ${source}) ${why}.`,
      fix:
        projectName.length > 255
          ? "Pass a shorter name: at most 255 characters, and at most 123 for the stack name (which adds -cody) to stay within CloudFormation's 128."
          : input.projectName === undefined
            ? `Pass a project name as the first argument, e.g. cody deploy ${PROJECT_NAME.test(suggestion) ? suggestion : "my-project"}, or rename the folder.`
            : PROJECT_NAME.test(suggestion) && suggestion !== projectName
              ? `Pass "${suggestion}" instead.`
              : "Pass a name of letters, digits, - and _, e.g. my-project.",
    });
  }
  if (input.type !== undefined) checkType(input.type);
  if (input.extra !== undefined && input.extra !== "" && !/^[A-Za-z0-9-]+$/.test(input.extra)) {
    throw configError({
      field: "CODY_EXTRA",
      message: `"${shown(input.extra)}" is not a valid CODY_EXTRA: it becomes part of the project and stack names, so it uses letters, digits and -.`,
      fix: `Set CODY_EXTRA=${dashed(input.extra) || "extra"}.`,
    });
  }
  const parts = [projectName, input.type, input.appendEnv ? input.env : undefined, input.extra || undefined];
  const fullProjectName = parts.filter((p): p is string => Boolean(p)).join("-");
  if (fullProjectName.length > 255) {
    throw configError({
      field: "project name",
      message: `the full project name "${shown(fullProjectName)}" (project, type, env and CODY_EXTRA) is ${fullProjectName.length} characters; CodeBuild allows 255.`,
      fix: "Use a shorter project name, type or CODY_EXTRA.",
    });
  }
  const stackName =
    input.stackName ??
    (input.suffix === false || input.suffix === "" ? fullProjectName : `${fullProjectName}-${input.suffix}`).replace(/_/g, "-");
  checkStackName(stackName, input.stackName !== undefined ? "--stack-name" : "stack name");
  return { projectName, fullProjectName, stackName };
}

export function checkStackName(stackName: string, field = "stack name"): void {
  const derived = field !== "--stack-name";
  if (stackName.length > STACK_NAME_MAX) {
    throw configError({
      field,
      message: `the stack name "${shown(stackName)}"${derived ? " (full project name plus suffix)" : ""} is ${stackName.length} characters; CloudFormation allows at most ${STACK_NAME_MAX}.`,
      fix: derived
        ? `Pass a shorter one with --stack-name, or use a shorter project name (the suffix can go with stackNaming: { suffix: false } in settings).`
        : `Pass a name of at most ${STACK_NAME_MAX} characters with --stack-name.`,
    });
  }
  if (!STACK_NAME.test(stackName)) {
    const suggestion = dashed(stackName).replace(/^[^a-zA-Z]+/, "") || "my-stack";
    throw configError({
      field,
      message: `"${shown(stackName)}" is not a valid CloudFormation stack name: letters, digits and -, starting with a letter.`,
      fix: `Pass a valid name with --stack-name, e.g. --stack-name ${suggestion}.`,
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
    const field = input.flag ? "--env" : input.codyEnv ? "CODY_ENV" : "settings envs";
    const suggestion = dashed(env) || "production";
    throw configError({
      field,
      message: `"${shown(env)}" is not a valid env name: it names a variables file and can become part of resource names, so it uses letters, digits and -.`,
      fix: field === "CODY_ENV" ? `Set CODY_ENV=${suggestion}.` : field === "--env" ? `Pass --env ${suggestion}.` : `Rename the env to "${suggestion}".`,
    });
  }
  return env;
}

/**
 * Where a command's AWS calls go, the same rule for every command: --region/--profile, else what
 * settings bind to the env, else AWS_REGION or AWS_DEFAULT_REGION (the SDK reads only the first; the
 * aws CLI reads both). What stays unset is left to the SDK's own chain (AWS_PROFILE, the profile's region).
 */
export function resolveAws(
  flags: AwsOptions,
  bound: AwsOptions = {},
  environment: Record<string, string | undefined> = process.env,
): AwsOptions {
  const region = flags.region ?? bound.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  // Checked here, before any client exists: a mistyped region otherwise fails as a DNS error or an
  // emulator's HTML error page, far from the flag that caused it.
  if (region) {
    const field =
      flags.region !== undefined ? "--region" : bound.region !== undefined ? "settings region" : environment.AWS_REGION !== undefined ? "AWS_REGION" : "AWS_DEFAULT_REGION";
    checkRegion(region, field);
  }
  const profile = flags.profile ?? bound.profile;
  return { ...(region ? { region } : {}), ...(profile ? { profile } : {}) };
}
