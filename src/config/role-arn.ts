// The CloudFormation service role (`--role-arn`, settings `roleArn`): an IAM role ARN handed to
// CreateChangeSet and DeleteStack as RoleARN. Checked here, before any AWS call, because AWS would
// only reject it after the preflight and with a less precise message.
import { configError } from "../errors";

// IAM role ARN: partition, a 12-digit account (no region), an optional path, a name of IAM's characters.
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

/** Why `value` is not a usable role ARN, or undefined when it is one. */
export function roleArnProblem(value: string): string | undefined {
  if (ROLE_ARN.test(value)) return undefined;
  if (!value.startsWith("arn:")) return "it is not an ARN (a service role is named by its full ARN)";
  if (/\$\{/.test(value)) return "CloudFormation does not resolve ${...} in a service role ARN: it is passed to the API as written";
  if (/[*?]/.test(value)) return "a service role ARN cannot hold wildcards";
  if (!/^arn:aws(-[a-z]+)*:iam::/.test(value)) return "it is not an IAM ARN (arn:aws:iam::<account>:role/<name>)";
  if (!/^arn:aws(-[a-z]+)*:iam::\d{12}:/.test(value)) return "the account must be 12 digits";
  return "it does not name a role (…:role/<name>)";
}

const EXAMPLE = "arn:aws:iam::123456789012:role/cody-cloudformation";

/**
 * The service role to use: the flag's, else the settings'. The flag is checked here; the setting was
 * checked with the settings file (src/config/schema.ts), so its error points at its line.
 */
export function serviceRoleArn(flag: string | undefined, setting: string | undefined): string | undefined {
  if (flag === undefined) return setting;
  const arn = flag.trim();
  const problem = roleArnProblem(arn);
  if (problem) {
    throw configError({
      field: "--role-arn",
      message: `"${flag}" is not an IAM role ARN: ${problem}.`,
      fix: `Pass the CloudFormation service role's ARN, e.g. --role-arn ${EXAMPLE}.`,
    });
  }
  return arn;
}

export const ROLE_ARN_EXAMPLE = EXAMPLE;
