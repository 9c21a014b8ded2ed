// zod schemas of the DSL files. They check shapes, types, enums and ranges; rules that span fields
// (source inference, NO_SOURCE needs an inline buildspec, ...) live in rules/. Messages are written
// for a user: what was expected, and a "did you mean" for near-misses.
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
import { didYouMean } from "../util/did-you-mean";

/** A strict object whose unknown-key error suggests the closest known key. */
function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const key = issue.keys[0] ?? "";
      return `unknown key "${key}".${didYouMean(key, known)} Known keys: ${known.join(", ")}.`;
    },
  });
}

/** One of a fixed list, with a suggestion for near-misses. */
function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, {
    error: (issue) => {
      const got = issue.input;
      if (typeof got !== "string") return `expected one of ${values.join(", ")}; got ${describe(got)}.`;
      return `"${got}" is not valid. Expected one of ${values.join(", ")}.${didYouMean(got, values)}`;
    },
  });
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

const str = z.string({ error: (i) => `expected a string; got ${describe(i.input)}.` });
const nonEmpty = str.min(1, { error: "must not be empty." });
const bool = z.boolean({ error: (i) => `expected true or false; got ${describe(i.input)}.` });
const stringList = z.array(nonEmpty, { error: (i) => `expected a list of strings; got ${describe(i.input)}.` });
const stringOrList = z.union([nonEmpty, stringList], {
  error: (i) => `expected a string or a list of strings; got ${describe(i.input)}.`,
});
const rawProperties = z.record(str, z.unknown(), {
  error: (i) => `expected an object of raw CloudFormation properties; got ${describe(i.input)}.`,
});
const minutes = (min: number, max: number) =>
  z
    .number({ error: (i) => `expected a whole number of minutes; got ${describe(i.input)}.` })
    .int({ error: "expected a whole number of minutes." })
    .min(min, { error: `must be between ${min} and ${max} minutes.` })
    .max(max, { error: `must be between ${min} and ${max} minutes.` });

export const secretRefSchema = strict({
  type: z.enum(["PARAMETER_STORE", "SECRETS_MANAGER"]),
  value: nonEmpty,
});

const envValue = z.union([str, z.number(), z.boolean(), secretRefSchema], {
  error: (i) =>
    `expected a string, number, boolean, ssm("/name") or secret("id"); got ${describe(i.input)}.`,
});
const envVars = z.record(
  str.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "environment variable names use letters, digits and _, and do not start with a digit." }),
  envValue,
  { error: (i) => `expected an object of NAME: value; got ${describe(i.input)}.` },
);

export const linuxEnvironmentSchema = strict({
  image: nonEmpty.optional(),
  computeType: oneOf(ComputeTypeValues).optional(),
  type: oneOf(EnvironmentTypeValues).optional(),
  privileged: bool.optional(),
  imagePullCredentialsType: oneOf(ImagePullCredentialsTypeValues).optional(),
  certificate: nonEmpty.optional(),
});

const webhookFilter = strict({
  type: oneOf(WebhookFilterTypeValues),
  pattern: nonEmpty,
  excludeMatchedPattern: bool.optional(),
});

export const triggersSchema = strict({
  webhook: bool.optional(),
  buildType: oneOf(WebhookBuildTypeValues).optional(),
  filterGroups: z
    .array(z.array(webhookFilter, { error: "each filter group is a list of { type, pattern } filters." }), {
      error: (i) => `expected a list of filter groups (a list of lists); got ${describe(i.input)}.`,
    })
    .optional(),
});

export const vpcConfigSchema = strict({
  vpcId: nonEmpty,
  subnets: stringList.min(1, { error: "at least one subnet is needed." }),
  securityGroupIds: stringList.min(1, { error: "at least one security group is needed." }),
});

const statementSchema = strict({
  sid: nonEmpty.optional(),
  effect: oneOf(["Allow", "Deny"]).optional(),
  action: stringOrList.optional(),
  notAction: stringOrList.optional(),
  resource: z.unknown().optional(),
  notResource: z.unknown().optional(),
  condition: z.record(str, z.record(str, z.unknown())).optional(),
});

export const roleSchema = strict({
  iamPolicy: z
    .array(
      z.union([nonEmpty, statementSchema], {
        error: (i) =>
          `expected a service shorthand like "s3", an action like "s3:GetObject", or a statement { action, resource }; got ${describe(i.input)}.`,
      }),
      { error: (i) => `expected a list of statements; got ${describe(i.input)}.` },
    )
    .optional(),
  replaceDefaults: bool.optional(),
  managedIamPolicy: stringList.optional(),
  permissionsBoundary: nonEmpty.optional(),
  properties: rawProperties.optional(),
});

export const scheduleSchema = strict({
  rate: nonEmpty.optional(),
  cron: nonEmpty.optional(),
  at: nonEmpty.optional(),
  description: str.max(512, { error: "must be at most 512 characters." }).optional(),
  enabled: bool.optional(),
  input: strict({ environmentVariables: envVars.optional(), sourceVersion: nonEmpty.optional() }).optional(),
  engine: oneOf(["rule", "scheduler"]).optional(),
  timezone: nonEmpty.optional(),
  properties: rawProperties.optional(),
});

const buildspecObject = z
  .record(str, z.unknown())
  .refine((b) => b.version !== undefined, { error: 'an inline buildspec needs `version: 0.2`.' });

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const projectSchema = strict({
  githubUrl: nonEmpty.optional(),
  gitProvider: oneOf(SourceTypeValues).optional(),
  gitBranch: nonEmpty.optional(),
  sourceVersion: nonEmpty.optional(),
  buildspec: z
    .union([nonEmpty, buildspecObject], {
      error: (i) => `expected a buildspec file path or an inline buildspec object; got ${describe(i.input)}.`,
    })
    .optional(),
  linuxImage: nonEmpty.optional(),
  linuxEnvironment: linuxEnvironmentSchema.optional(),
  computeType: oneOf(ComputeTypeValues).optional(),
  privileged: bool.optional(),
  environmentVariables: envVars.optional(),
  localCache: z
    .union([bool, z.array(oneOf(CacheModeValues))], {
      error: (i) => `expected true, false or a list of cache modes (${CacheModeValues.join(", ")}); got ${describe(i.input)}.`,
    })
    .optional(),
  triggers: triggersSchema.optional(),
  vpcConfig: vpcConfigSchema.optional(),
  timeoutInMinutes: minutes(5, 2160).optional(),
  queuedTimeoutInMinutes: minutes(5, 480).optional(),
  badge: bool.optional(),
  description: str.max(255, { error: "must be at most 255 characters (CodeBuild's limit)." }).optional(),
  tags: z.record(str, str, { error: (i) => `expected an object of string tags; got ${describe(i.input)}.` }).optional(),
  serviceRole: nonEmpty.optional(),
  logRetentionDays: z
    .number()
    .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
      error: (i) => `${describe(i.input)} is not a retention CloudWatch Logs accepts. Expected one of ${LOG_RETENTION_DAYS.join(", ")}.`,
    })
    .optional(),
  role: roleSchema.optional(),
  schedule: scheduleSchema.optional(),
  properties: rawProperties.optional(),
});

const envName = str.regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, {
  error: "env names use letters, digits and -, since they become part of resource names.",
});

export const settingsSchema = strict({
  stackNaming: strict({
    appendEnv: bool.optional(),
    suffix: z
      .union([z.literal(false), str.regex(/^[A-Za-z0-9-]*$/, { error: "the suffix may use letters, digits and -." })], {
        error: (i) => `expected a suffix string or false; got ${describe(i.input)}.`,
      })
      .optional(),
  }).optional(),
  envs: z.record(envName, strict({ awsProfile: nonEmpty.optional(), region: nonEmpty.optional() })).optional(),
});

export const variablesSchema = z.record(str, z.unknown(), {
  error: (i) => `a variables file must export an object; got ${describe(i.input)}.`,
});

export type ProjectInput = z.infer<typeof projectSchema>;
export type RoleInput = z.infer<typeof roleSchema>;
export type ScheduleInputConfig = z.infer<typeof scheduleSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
