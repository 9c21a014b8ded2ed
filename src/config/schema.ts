// zod schemas of the DSL files. They check shapes, types, enums and ranges; rules that span fields
// (source inference, NO_SOURCE needs an inline buildspec, ...) live in rules/. Messages are written
// for a user: what was wrong, what was expected, and a fix (with a "did you mean" for near-misses).
import { z } from "zod";
import {
  CacheModeValues,
  ComputeTypeValues,
  EnvironmentTypeValues,
  ImagePullCredentialsTypeValues,
  SourceTypeValues,
  WebhookBuildTypeValues,
  WebhookFilterTypeValues,
} from "../generated/codebuild-enums";
import { closest } from "../util/did-you-mean";
import { regionProblem } from "./naming";
import { readIamPolicy } from "./rules/statements";
import { ROLE_ARN_EXAMPLE, roleArnProblem } from "./role-arn";
import { targetsSchema } from "./targets-settings";

/**
 * What an error callback hands to validate.ts. zod carries only a message string, so the fix (and,
 * for unknown keys, the known keys) travel JSON-encoded behind a marker; validate.ts decodes them.
 * `{key}` in a fix stands for the field's own name, which only validate.ts knows.
 */
export interface IssueDetail {
  message: string;
  fix?: string;
  /** For unknown keys: the keys the object accepts (validate.ts makes one issue per unknown key). */
  known?: readonly string[];
}
const DETAIL_MARK = "\u0000cody:";

export function encodeDetail(detail: IssueDetail): string {
  return `${DETAIL_MARK}${JSON.stringify(detail)}`;
}

export function decodeDetail(message: string): IssueDetail | undefined {
  if (!message.startsWith(DETAIL_MARK)) return undefined;
  return JSON.parse(message.slice(DETAIL_MARK.length)) as IssueDetail;
}

/**
 * Names people bring from CloudFormation, the CDK or Ruby cody that spelling distance cannot
 * connect to ours (lower-cased). Used only when the target is a key of the object at hand.
 */
export const KEY_ALIASES: Readonly<Record<string, string>> = {
  managedpolicies: "managedIamPolicy",
  managedpolicyarns: "managedIamPolicy",
  policies: "iamPolicy",
  policystatements: "iamPolicy",
  statements: "iamPolicy",
  image: "linuxImage",
  environment: "linuxEnvironment",
  env: "environmentVariables",
  envvars: "environmentVariables",
  environmentvars: "environmentVariables",
  timeout: "timeoutInMinutes",
  queuedtimeout: "queuedTimeoutInMinutes",
  branch: "gitBranch",
  repo: "githubUrl",
  repository: "githubUrl",
  repositoryurl: "githubUrl",
  sourceurl: "githubUrl",
  url: "githubUrl",
  vpc: "vpcConfig",
  webhook: "triggers",
  badgeenabled: "badge",
  cache: "localCache",
  servicerolearn: "serviceRole",
  rolearn: "serviceRole",
  retentionindays: "logRetentionDays",
  subnetids: "subnets",
  securitygroups: "securityGroupIds",
};

/** A strict object whose unknown-key error suggests the closest known key. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return encodeDetail({ message: "unknown key", known });
    },
  });
}

/** One of a fixed list, with a suggestion for near-misses. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T, what = "value", hint = "") {
  return z.enum(values, {
    error: (issue) => {
      const got = issue.input;
      const list = values.join(", ");
      if (got === undefined) return encodeDetail({ message: `is missing: expected one of ${list}.`, fix: `Add {key} with one of the values listed.` });
      const match = typeof got === "string" ? closest(got, values) : undefined;
      return encodeDetail({
        message: `${typeof got === "string" ? `"${got}"` : describe(got)} is not a valid ${what}.${match ? ` Did you mean "${match}"?` : ""} Expected one of ${list}.`,
        fix: match ? `Write {key}: "${match}".` : `Set {key} to one of the values listed (quoted, exactly as written)${hint}.`,
      });
    },
  });
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * The error callback of a type check: "expected X; got Y" (or "is missing" when the key is
 * missing), with a fix that, where it can, rewrites the user's value into the expected type.
 */
function expected(what: string, fix: (input: unknown) => string = () => `Set {key} to ${what}.`) {
  return (issue: { code?: string; input?: unknown }) => {
    // A record's bad key carries the key schema's own message; validate.ts reads it from there.
    if (issue.code === "invalid_key") return undefined;
    return encodeDetail(
      issue.input === undefined
        ? { message: `is missing: expected ${what}.`, fix: `Add {key} (${what}).` }
        : { message: `expected ${what}; got ${describe(issue.input)}.`, fix: fix(issue.input) },
    );
  };
}

const numericString = (v: unknown): v is string => typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));

const str = z.string({
  error: expected("a string", (v) =>
    typeof v === "number" || typeof v === "boolean" ? `Quote it: {key}: "${String(v)}".` : "Set {key} to a string.",
  ),
});
const nonEmpty = str.min(1, { error: encodeDetail({ message: "must not be empty.", fix: "Set {key} to a value, or remove it." }) });
const TRUTHY = ["yes", "true", "on", "1", "y"];
const FALSY = ["no", "false", "off", "0", "n"];
const bool = z.boolean({
  error: expected("true or false", (v) => {
    const word = String(v).trim().toLowerCase();
    const meant = TRUTHY.includes(word) ? "true" : FALSY.includes(word) ? "false" : undefined;
    return meant ? `Write {key}: ${meant} (a boolean, without quotes).` : "Write {key}: true or {key}: false (without quotes).";
  }),
});
const stringList = z.array(nonEmpty, {
  error: expected("a list of strings", (v) => (typeof v === "string" ? `Wrap it in a list: {key}: ["${v}"].` : 'Write {key}: ["..."].')),
});
const rawProperties = z.record(str, z.unknown(), {
  error: expected("an object of raw CloudFormation properties", () => "Write {key}: { PropertyName: value } (PascalCase, as in the CloudFormation reference)."),
});
const minutes = (min: number, max: number) => {
  const range = (issue: { input?: unknown }) =>
    encodeDetail({
      message: `must be between ${min} and ${max} minutes; got ${String(issue.input)}.`,
      fix: `Use a whole number of minutes from ${min} to ${max}, e.g. {key}: ${Math.min(Math.max(Number(issue.input) || min, min), max)}.`,
    });
  return z
    .number({
      error: expected("a whole number of minutes", (v) =>
        numericString(v) ? `Write {key}: ${Number(v)} (a number, without quotes).` : `Write {key}: ${min === 5 && max === 2160 ? 60 : min} (a number of minutes).`,
      ),
    })
    .int({ error: (i) => encodeDetail({ message: `expected a whole number of minutes; got ${String(i.input)}.`, fix: `Round it: {key}: ${Math.round(Number(i.input))}.` }) })
    .min(min, { error: range })
    .max(max, { error: range });
};

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

export const secretRefSchema = strict({
  type: z.enum(["PARAMETER_STORE", "SECRETS_MANAGER"]),
  value: str,
}).superRefine((ref, ctx) => {
  const problem = secretRefProblem(ref);
  if (problem) ctx.addIssue({ code: "custom", message: encodeDetail(problem), input: ref });
});

const envValue = z.union([str, z.number(), z.boolean(), secretRefSchema], {
  error: expected('a string, number, boolean, ssm("/name") or secret("id")', (v) =>
    Array.isArray(v) && v.every((x) => typeof x === "string" || typeof x === "number")
      ? `Join the values into one string, e.g. {key}: "${v.join(",")}", and split it in the build.`
      : 'Write {key}: "text", or use ssm("/name") / secret("id") for values CodeBuild should fetch.',
  ),
});
const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const envVars = z.record(
  str.regex(ENV_VAR_NAME, {
    error: (i) =>
      encodeDetail({
        message: `"${String(i.input)}" is not a valid environment variable name: letters, digits and _, not starting with a digit.`,
        fix: `Rename it, e.g. ${String(i.input).replace(/[^A-Za-z0-9_]/g, "_").replace(/^(\d)/, "_$1").toUpperCase()}.`,
      }),
  }),
  envValue,
  { error: expected("an object of NAME: value", () => 'Write {key}: { NAME: "value", ... }.') },
);

export const linuxEnvironmentSchema = strict({
  image: nonEmpty.optional(),
  computeType: oneOf(ComputeTypeValues, "compute type").optional(),
  type: oneOf(EnvironmentTypeValues, "environment type").optional(),
  privileged: bool.optional(),
  imagePullCredentialsType: oneOf(ImagePullCredentialsTypeValues, "image pull credentials type").optional(),
  certificate: nonEmpty.optional(),
});

const webhookFilter = strict({
  type: oneOf(WebhookFilterTypeValues, "webhook filter type", '; a branch filter is { type: "HEAD_REF", pattern: "^refs/heads/main$" }'),
  pattern: nonEmpty,
  excludeMatchedPattern: bool.optional(),
});

export const triggersSchema = strict({
  webhook: bool.optional(),
  buildType: oneOf(WebhookBuildTypeValues, "webhook build type").optional(),
  filterGroups: z
    .array(
      z.array(webhookFilter, {
        error: expected("a filter group: a list of { type, pattern } filters", () => 'Wrap the filters in a list: [{ type: "EVENT", pattern: "PUSH" }, ...].'),
      }),
      {
        error: expected("a list of filter groups (a list of lists)", () =>
          'Write filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]]: each inner list is one group.',
        ),
      },
    )
    .optional(),
});

export const vpcConfigSchema = strict({
  vpcId: nonEmpty,
  subnets: stringList.min(1, { error: encodeDetail({ message: "at least one subnet is needed.", fix: 'List the subnet ids: subnets: ["subnet-..."].' }) }),
  securityGroupIds: stringList.min(1, {
    error: encodeDetail({ message: "at least one security group is needed.", fix: 'List the security group ids: securityGroupIds: ["sg-..."].' }),
  }),
});

/**
 * The role's statements: shorthands, statements in either spelling and whole policy documents, read by
 * rules/statements.ts into IAM's form. Each problem is reported at its own key (a union would report
 * only "expected one of ..." and lose what was actually wrong).
 */
const iamPolicy = z
  .array(z.unknown(), {
    error: expected("a list of statements", (v) =>
      typeof v === "string"
        ? `Wrap it in a list: {key}: ["${v}"].`
        : isObjectLike(v)
          ? "Wrap it in a list: {key}: [ ... ] (a statement or a whole policy document goes inside the list)."
          : 'Write {key}: ["s3:GetObject", { Effect: "Allow", Action: [...], Resource: "..." }].',
    ),
  })
  .transform((entries, ctx) => {
    const { statements, problems } = readIamPolicy(entries);
    // Paths below the list itself: the first segment is "iamPolicy".
    for (const p of problems) ctx.addIssue({ code: "custom", path: p.path.slice(1), message: encodeDetail({ message: p.message, fix: p.fix }), input: undefined });
    return statements;
  });

const isObjectLike = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

const PSEUDO = String.raw`\$\{AWS::(?:Partition|AccountId)\}`;
const POLICY_PATH_NAME = String.raw`(?:[\w+=,.@-]+/)*[\w+=,.@-]+`;
/** A managed policy ARN; `${AWS::Partition}` and `${AWS::AccountId}` make it follow the stack's account. */
export const POLICY_ARN = new RegExp(String.raw`^arn:(?:aws(?:-[a-z]+)*|\$\{AWS::Partition\}):iam::(?:\d{12}|aws|\$\{AWS::AccountId\}):policy/${POLICY_PATH_NAME}$`);
const POLICY_NAME = new RegExp(`^${POLICY_PATH_NAME}$`);
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

const managedPolicy = nonEmpty.superRefine((value, ctx) => {
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
});

/** A permissions boundary: the ARN of a managed policy (IAM takes nothing else). */
export const boundaryArn = nonEmpty.superRefine((value, ctx) => {
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
});

export const roleSchema = strict({
  iamPolicy: iamPolicy.optional(),
  replaceDefaults: bool.optional(),
  managedIamPolicy: z
    .array(managedPolicy, { error: expected("a list of policy names or ARNs", (v) => (typeof v === "string" ? `Wrap it in a list: {key}: ["${v}"].` : 'Write {key}: ["AmazonS3ReadOnlyAccess"].')) })
    .optional(),
  permissionsBoundary: boundaryArn.optional(),
  properties: rawProperties.optional(),
});

export const scheduleSchema = strict({
  rate: nonEmpty.optional(),
  cron: nonEmpty.optional(),
  at: nonEmpty.optional(),
  eventPattern: z
    .record(str, z.unknown(), {
      error: expected("an event pattern object", () => 'Write {key}: { source: ["aws.ecr"], "detail-type": ["ECR Image Action"] }.'),
    })
    .optional(),
  description: str.max(512, { error: encodeDetail({ message: "must be at most 512 characters.", fix: "Shorten {key}." }) }).optional(),
  enabled: bool.optional(),
  input: strict({ environmentVariables: envVars.optional(), sourceVersion: nonEmpty.optional() }).optional(),
  engine: oneOf(["rule", "scheduler"], "schedule engine").optional(),
  timezone: nonEmpty.optional(),
  properties: rawProperties.optional(),
});

const buildspecObject = z.record(str, z.unknown()).refine((b) => b.version !== undefined, {
  error: encodeDetail({ message: "an inline buildspec needs a version.", fix: "Add version: 0.2 to the buildspec object." }),
});

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The accepted retention closest to `days` (ties go to the longer one: keeping logs is the safer mistake). */
function nearestRetention(days: number): number {
  let best: number = LOG_RETENTION_DAYS[0];
  for (const d of LOG_RETENTION_DAYS) if (Math.abs(d - days) <= Math.abs(best - days)) best = d;
  return best;
}

export const projectSchema = strict({
  githubUrl: nonEmpty.optional(),
  gitProvider: oneOf(SourceTypeValues, "source type").optional(),
  gitBranch: nonEmpty.optional(),
  sourceVersion: nonEmpty.optional(),
  buildspec: z
    .union([nonEmpty, buildspecObject], {
      error: expected("a buildspec file path or an inline buildspec object", () =>
        'Write buildspec: ".cody/buildspec.yml" or buildspec: { version: 0.2, phases: { build: { commands: [...] } } }.',
      ),
    })
    .optional(),
  linuxImage: nonEmpty.optional(),
  linuxEnvironment: linuxEnvironmentSchema.optional(),
  computeType: oneOf(ComputeTypeValues, "compute type").optional(),
  privileged: bool.optional(),
  environmentVariables: envVars.optional(),
  localCache: z
    .union([bool, z.array(oneOf(CacheModeValues, "cache mode"))], {
      error: expected(`true, false or a list of cache modes (${CacheModeValues.join(", ")})`, () => "Write {key}: true for all local cache modes."),
    })
    .optional(),
  triggers: triggersSchema.optional(),
  vpcConfig: vpcConfigSchema.optional(),
  timeoutInMinutes: minutes(5, 2160).optional(),
  queuedTimeoutInMinutes: minutes(5, 480).optional(),
  badge: bool.optional(),
  description: str
    .max(255, { error: (i) => encodeDetail({ message: `must be at most 255 characters (CodeBuild's limit); it has ${String(i.input).length}.`, fix: "Shorten {key}." }) })
    .optional(),
  tags: z
    .record(str, str, { error: expected("an object of string tags", () => 'Write {key}: { team: "platform" }.') })
    .optional(),
  serviceRole: nonEmpty.optional(),
  logRetentionDays: z
    .number({
      error: expected("a number of days", (v) => (numericString(v) ? `Write {key}: ${nearestRetention(Number(v))} (a number, without quotes).` : "Write {key}: 30.")),
    })
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      error: (i) =>
        encodeDetail({
          message: `${String(i.input)} days is not a retention CloudWatch Logs accepts. Expected one of ${LOG_RETENTION_DAYS.join(", ")}.`,
          fix: `Use the nearest accepted value: {key}: ${nearestRetention(Number(i.input))}.`,
        }),
    })
    .optional(),
  retainLogGroup: bool.optional(),
  role: roleSchema.optional(),
  schedule: scheduleSchema.optional(),
  properties: rawProperties.optional(),
});

/** A settings env's region: checked like --region, so a typo is reported at its line. */
const regionName = nonEmpty.refine((r) => regionProblem(r) === undefined, {
  error: (i) => {
    const problem = regionProblem(String(i.input));
    return encodeDetail({
      message: problem?.message ?? "is not an AWS region name.",
      fix: problem?.meant ? `Did you mean {key}: "${problem.meant}"?` : 'Write {key}: "us-east-1" (a region name).',
    });
  },
});

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const envName = str.regex(ENV_NAME, {
  error: (i) =>
    encodeDetail({
      message: `"${String(i.input)}" is not a valid env name: letters, digits and -, since it names a variables file and becomes part of resource names.`,
      fix: `Rename it, e.g. "${String(i.input).replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "production"}".`,
    }),
});

/** settings `roleArn`: the CloudFormation service role (src/config/role-arn.ts). */
const roleArn = nonEmpty.superRefine((value, ctx) => {
  const problem = roleArnProblem(value);
  if (!problem) return;
  ctx.addIssue({
    code: "custom",
    input: value,
    message: encodeDetail({ message: `"${value}" is not an IAM role ARN: ${problem}.`, fix: `Write {key}: "${ROLE_ARN_EXAMPLE}".` }),
  });
});

export const settingsSchema = strict({
  /** `cody deploy --require-approval`'s default for this project (src/review/approval.ts). */
  requireApproval: oneOf(["never", "any-change", "broadening"] as const, "approval level").optional(),
  stackNaming: strict({
    appendEnv: bool.optional(),
    suffix: z
      .union(
        [
          z.literal(false),
          str.regex(/^[A-Za-z0-9-]*$/, {
            error: (i) =>
              encodeDetail({
                message: `"${String(i.input)}" is not a valid suffix: the stack name may only use letters, digits and -.`,
                fix: `Write {key}: "${String(i.input).replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "cody"}", or {key}: false for no suffix.`,
              }),
          }),
        ],
        { error: expected("a suffix string or false", () => 'Write {key}: "cody", or {key}: false for no suffix.') },
      )
      .optional(),
  }).optional(),
  envs: z
    .record(envName, strict({ awsProfile: nonEmpty.optional(), region: regionName.optional() }), {
      error: expected("an object of env settings", () => 'Write {key}: { production: { awsProfile: "prod", region: "us-east-1" } }.'),
    })
    .optional(),
  permissionsBoundary: boundaryArn.optional(),
  roleArn: roleArn.optional(),
  /** Set on the stack after each successful deploy (src/deploy/deploy-stack.ts); absent leaves it as it is. */
  terminationProtection: bool.optional(),
  /** Tags on the stack beside cody's own; checked like project tags in src/config/rules/input-rules.ts. */
  stackTags: z.record(str, str, { error: expected("an object of tag names to string values", () => 'Write {key}: { team: "platform" }.') }).optional(),
  targets: targetsSchema.optional(),
});

export const variablesSchema = z.record(str, z.unknown(), {
  error: expected("an object of variables", () => "Write export default { name: value, ... }."),
});

export type ProjectInput = z.infer<typeof projectSchema>;
export type RoleInput = z.infer<typeof roleSchema>;
export type ScheduleInputConfig = z.infer<typeof scheduleSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
