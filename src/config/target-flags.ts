// The one shape of "which project, where": the flags every project command takes (`cody <command>
// [project] -t -e --stack-name --region --profile`). The option types of the commands, the loader and
// the naming are views of it (Omit/Pick), so a new target flag is added once, here.

/** What a command's flags say about its target. */
export interface TargetFlags {
  /** The positional argument: the project's name (default: the project folder's name). */
  projectName?: string;
  /** `--type`: reads `.cody/<type>/`. */
  type?: string;
  /** `--env`: selects `variables/<env>.ts` (default: CODY_ENV, or development). */
  env?: string;
  stackName?: string;
  region?: string;
  profile?: string;
}

/** Where the target is looked for: the part tests replace. */
export interface TargetPlace {
  /** The folder `.cody/` is found from (CODY_ROOT, then upwards; see project-root.ts). */
  cwd: string;
  /** Environment variables to read (`CODY_ENV`, `CODY_EXTRA`, `AWS_PROFILE`, `AWS_REGION`, `AWS_ACCOUNT_ID`); default process.env. */
  environment?: Record<string, string | undefined>;
}
