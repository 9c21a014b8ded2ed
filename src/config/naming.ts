// Names, from product.md §2: project, full project and stack names, the env, and the region and
// profile AWS calls use. The env sits in the same position in the project and stack names (cody put
// it in different places).
import { basename } from "node:path";
import type { AwsOptions } from "../aws/clients";
import { configError } from "../errors";
import { closest } from "../util/did-you-mean";

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

/** A name for a message: long ones are cut, so the message stays readable. */
function shown(name: string): string {
  return name.length > 60 ? `${name.slice(0, 60)}…` : name;
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

/** AWS region names in every partition (aws, China, GovCloud, ISO, EUSC); new regions follow it too. */
export const REGION_NAME = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[a-z]?|eu-isoe|eusc-de)-[a-z]+-\d+$/;

/** The public regions, only for "did you mean": REGION_NAME decides what is valid. */
const KNOWN_REGIONS = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
  "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
  "us-west-2", "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
];

/** A public region close to `region` when it is not one itself: `eu-wst-1` → `eu-west-1`. */
export function closestRegion(region: string): string | undefined {
  return KNOWN_REGIONS.includes(region) ? undefined : closest(region.trim(), KNOWN_REGIONS);
}

/** Why `region` is not a region name, and the region it most likely meant; undefined when it is valid. */
export function regionProblem(region: string): { message: string; meant?: string } | undefined {
  if (REGION_NAME.test(region)) return undefined;
  const meant = closestRegion(region) ?? (REGION_NAME.test(region.trim().toLowerCase()) ? region.trim().toLowerCase() : undefined);
  return {
    message: `"${shown(region)}" is not an AWS region name: region names look like us-east-1 or eu-west-2.`,
    ...(meant ? { meant } : {}),
  };
}

/** Rejects a region that is not a region name before any AWS call, saying where it came from. */
export function checkRegion(region: string, field: "--region" | "AWS_REGION" | "AWS_DEFAULT_REGION" | "settings region"): void {
  const problem = regionProblem(region);
  if (!problem) return;
  const example = problem.meant ?? "us-east-1";
  const fix =
    field === "--region" ? `Pass --region ${example}.` : field === "settings region" ? `Set region: "${example}" in .cody/settings.ts.` : `Set ${field}=${example}.`;
  throw configError({
    field,
    message: `${problem.message}${problem.meant ? ` Did you mean ${problem.meant}?` : ""}`,
    fix: problem.meant ? fix : `${fix.replace(/\.$/, "")} (\`aws account list-regions\` lists the regions your account can use).`,
  });
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
