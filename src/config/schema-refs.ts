// Values that name things outside the project: Parameter Store and Secrets Manager references (and the
// environment variables that carry them), managed policy ARNs and permissions boundaries. Part of the
// DSL schemas (schema.ts); each check says what AWS would reject, before anything reaches it.
import * as z from "zod";
import { encodeDetail, expected, lazy, nonEmpty, str, strict } from "./schema-kit";

const PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]+$/;
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]+$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

/**
 * Why a parameter name or secret reference cannot be used, or undefined. The role's grant is built from
 * the name, so an empty name or a wildcard would grant every parameter or secret (or none).
 */
export function secretRefProblem(ref: { type: string; value: string }): { message: string; fix: string } | undefined {
  const call = ref.type === "PARAMETER_STORE" ? "ssm" : "secret";
  const example = ref.type === "PARAMETER_STORE" ? 'ssm("/app/api-key")' : 'secret("prod/db:password")';
  if (ref.value.trim() === "") {
    return { message: `${call}(${JSON.stringify(ref.value)}) names nothing: CodeBuild could not fetch it, and the role's grant would name no ${call === "ssm" ? "parameter" : "secret"}.`, fix: `Write the name, e.g. ${example}.` };
  }
  if (/[*?]/.test(ref.value)) {
    return { message: `${call}(${JSON.stringify(ref.value)}) has a wildcard: CodeBuild fetches one value by its exact name, and the role would be granted every match.`, fix: `Name one ${call === "ssm" ? "parameter" : "secret"} exactly, e.g. ${example}.` };
  }
  if (ref.type === "PARAMETER_STORE") {
    if (PARAMETER_NAME.test(ref.value) || PARAMETER_ARN.test(ref.value)) return undefined;
    return { message: `"${ref.value}" is not a parameter name: letters, digits and _ . - /.`, fix: `Write the parameter's name, e.g. ${example}, or its full ARN.` };
  }
  // secret-id[:json-key[:version-stage[:version-id]]], the id a name or a full ARN.
  const parts = ref.value.split(":");
  const id = ref.value.startsWith("arn:") ? parts.slice(0, 7).join(":") : parts[0]!;
  if (ref.value.startsWith("arn:") ? SECRET_ARN.test(id) : SECRET_NAME.test(id)) return undefined;
  return {
    message: ref.value.startsWith("arn:") ? `"${id}" is not a secret ARN (arn:aws:secretsmanager:region:account:secret:name).` : `"${id}" is not a secret name: letters, digits and / _ + = . @ -.`,
    fix: `Write the secret's name or full ARN, optionally with :json-key, e.g. ${example}.`,
  };
}

export const secretRefSchema = lazy(() =>
  strict({
    type: z.enum(["PARAMETER_STORE", "SECRETS_MANAGER"]),
    value: str,
  }).superRefine((ref, ctx) => {
    const problem = secretRefProblem(ref);
    if (problem) ctx.addIssue({ code: "custom", message: encodeDetail(problem), input: ref });
  }),
);

const envValue = lazy(() =>
  z.union([str, z.number(), z.boolean(), secretRefSchema], {
    error: expected('a string, number, boolean, ssm("/name") or secret("id")', (v) =>
      Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")
        ? `Join the values into one string, e.g. {key}: "${v.join(",")}", and split it in the build.`
        : 'Write {key}: "text", or use ssm("/name") / secret("id") for values CodeBuild should fetch.',
    ),
  }),
);
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
export const envVars = lazy(() =>
  z.record(
    str.regex(ENV_VAR_NAME, {
      error: (i) =>
        encodeDetail({
          message: `"${String(i.input)}" is not a valid environment variable name: letters, digits and _, not starting with a digit.`,
          fix: `Rename it, e.g. ${String(i.input).replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1").toUpperCase()}.`,
        }),
    }),
    envValue,
    { error: expected("an object of NAME: value", () => 'Write {key}: { NAME: "value", ... }.') },
  ),
);

const PSEUDO = String.raw`\$\{AWS::(?:Partition|AccountId)\}`;
const POLICY_PATH_NAME = String.raw`(?:[\w+=,.@-]+/)*[\w+=,.@-]+`;
/** A managed policy ARN; `${AWS::Partition}` and `${AWS::AccountId}` make it follow the stack's account. */
export const POLICY_ARN = new RegExp(String.raw`^arn:(?:aws(?:-[a-z]+)*|\$\{AWS::Partition\}):iam::(?:\d{12}|aws|\$\{AWS::AccountId\}):policy/${POLICY_PATH_NAME}$`);
export const POLICY_NAME = new RegExp(`^${POLICY_PATH_NAME}$`);
export const HAS_PSEUDO = new RegExp(PSEUDO);

/** What is wrong with a managed policy ARN (what IAM and CloudFormation would reject), or undefined. */
export function policyArnProblem(value: string): string | undefined {
  if (POLICY_ARN.test(value)) return undefined;
  const parts = value.split(":");
  if (parts.length < 6) return "it has fewer than the six parts of an ARN (arn:aws:iam::account:policy/name)";
  if (parts[2] !== "iam") return `it is an ARN of ${parts[2] ? `the ${parts[2]} service` : "no service"}, not of an IAM policy`;
  if (parts[3] !== "") return "IAM ARNs have no region: the fourth part must be empty (arn:aws:iam::account:...)";
  if (!/^(\d{12}|aws|\$\{AWS::AccountId\})$/.test(parts[4]!)) return `"${parts[4]}" is not an account: 12 digits, "aws" for AWS managed policies, or \${AWS::AccountId}`;
  if (!parts.slice(5).join(":").startsWith("policy/")) return "an IAM policy ARN ends in policy/<name> (this one names no policy)";
  return "the policy name may use only letters, digits and + = , . @ _ - (and / for a path)";
}

export const managedPolicy = lazy(() =>
  nonEmpty.superRefine((value, ctx) => {
    if (value.startsWith("arn:")) {
      const problem = policyArnProblem(value);
      if (problem) {
        ctx.addIssue({
          code: "custom",
          input: value,
          message: encodeDetail({ message: `"${value}" is not a managed policy ARN: ${problem}.`, fix: 'Write the full ARN, e.g. "arn:aws:iam::123456789012:policy/ci-extra", or an AWS managed policy name such as "AmazonS3ReadOnlyAccess".' }),
        });
      }
    } else if (!POLICY_NAME.test(value)) {
      ctx.addIssue({
        code: "custom",
        input: value,
        message: encodeDetail({ message: `"${value}" is neither an AWS managed policy name nor a policy ARN.`, fix: 'Use an AWS managed policy name such as "AmazonS3ReadOnlyAccess", or a full policy ARN.' }),
      });
    }
  }),
);

/** A permissions boundary: the ARN of a managed policy (IAM takes nothing else). */
export const boundaryArn = lazy(() =>
  nonEmpty.superRefine((value, ctx) => {
    if (value.startsWith("arn:") ? policyArnProblem(value) === undefined : false) return;
    const name = !value.startsWith("arn:") && POLICY_NAME.test(value) ? value : "ci-boundary";
    ctx.addIssue({
      code: "custom",
      input: value,
      message: encodeDetail({
        message: value.startsWith("arn:")
          ? `"${value}" is not an IAM policy ARN: ${policyArnProblem(value)}.`
          : `"${value}" is not an ARN: a permissions boundary is a managed policy, named by its full ARN.`,
        fix: `Write {key}: "arn:aws:iam::123456789012:policy/${name}", or "arn:\${AWS::Partition}:iam::\${AWS::AccountId}:policy/${name}" for the policy of that name in the account cody deploys to.`,
      }),
    });
  }),
);

