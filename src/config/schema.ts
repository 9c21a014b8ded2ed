// zod schemas of the DSL files. They check shapes, types, enums and ranges; rules that span fields
// (source inference, NO_SOURCE needs an inline buildspec, ...) live in rules/. Messages are written
// for a user: what was wrong, what was expected, and a fix (with a "did you mean" for near-misses).
// Every schema is built on first use (lazy(), schema-kit.ts): building them all costs start-up time
// that a command which validates nothing, or a project without settings.ts, should not pay.
import * as z from "zod";
import {
  CacheModeValues,
  ComputeTypeValues,
  EnvironmentTypeValues,
  ImagePullCredentialsTypeValues,
  SourceTypeValues,
  WebhookBuildTypeValues,
  WebhookFilterTypeValues,
} from "../generated/codebuild-enums";
import { regionProblem } from "./naming";
import { readIamPolicy } from "./rules/statements";
import { ROLE_ARN_EXAMPLE, roleArnProblem } from "./role-arn";
import { bool, deferred, encodeDetail, expected, lazy, minutes, nonEmpty, numericString, oneOf, rawProperties, str, stringList, strict } from "./schema-kit";
import { boundaryArn, envVars, managedPolicy } from "./schema-refs";
import { stackSetSchema } from "./stack-set-settings";
import { targetsSchema } from "./targets-settings";

export { decodeDetail, describe, encodeDetail, type IssueDetail } from "./schema-kit";
export { boundaryArn, HAS_PSEUDO, POLICY_ARN, policyArnProblem, secretRefProblem, secretRefSchema } from "./schema-refs";

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

export const linuxEnvironmentSchema = lazy(() =>
  strict({
    image: nonEmpty.optional(),
    computeType: oneOf(ComputeTypeValues, "compute type").optional(),
    type: oneOf(EnvironmentTypeValues, "environment type").optional(),
    privileged: bool.optional(),
    imagePullCredentialsType: oneOf(ImagePullCredentialsTypeValues, "image pull credentials type").optional(),
    certificate: nonEmpty.optional(),
  }),
);

const webhookFilter = lazy(() =>
  strict({
    type: oneOf(WebhookFilterTypeValues, "webhook filter type", '; a branch filter is { type: "HEAD_REF", pattern: "^refs/heads/main$" }'),
    pattern: nonEmpty,
    excludeMatchedPattern: bool.optional(),
  }),
);

export const triggersSchema = lazy(() =>
  strict({
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
  }),
);

export const vpcConfigSchema = lazy(() =>
  strict({
    vpcId: nonEmpty,
    subnets: stringList.min(1, { error: encodeDetail({ message: "at least one subnet is needed.", fix: 'List the subnet ids: subnets: ["subnet-..."].' }) }),
    securityGroupIds: stringList.min(1, {
      error: encodeDetail({ message: "at least one security group is needed.", fix: 'List the security group ids: securityGroupIds: ["sg-..."].' }),
    }),
  }),
);

/**
 * The role's statements: shorthands, statements in either spelling and whole policy documents, read by
 * rules/statements.ts into IAM's form. Each problem is reported at its own key (a union would report
 * only "expected one of ..." and lose what was actually wrong).
 */
const iamPolicy = lazy(() =>
  z
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
    }),
);

const isObjectLike = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);

export const roleSchema = lazy(() =>
  strict({
    iamPolicy: iamPolicy.optional(),
    replaceDefaults: bool.optional(),
    managedIamPolicy: z
      .array(managedPolicy, { error: expected("a list of policy names or ARNs", (v) => (typeof v === "string" ? `Wrap it in a list: {key}: ["${v}"].` : 'Write {key}: ["AmazonS3ReadOnlyAccess"].')) })
      .optional(),
    permissionsBoundary: boundaryArn.optional(),
    properties: rawProperties.optional(),
  }),
);

export const scheduleSchema = lazy(() =>
  strict({
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
  }),
);

const buildspecObject = lazy(() =>
  z.record(str, z.unknown()).refine((b) => b.version !== undefined, {
    error: encodeDetail({ message: "an inline buildspec needs a version.", fix: "Add version: 0.2 to the buildspec object." }),
  }),
);

export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The accepted retention closest to `days` (ties go to the longer one: keeping logs is the safer mistake). */
function nearestRetention(days: number): number {
  let best: number = LOG_RETENTION_DAYS[0];
  for (const d of LOG_RETENTION_DAYS) if (Math.abs(d - days) <= Math.abs(best - days)) best = d;
  return best;
}

export const projectSchema = lazy(() =>
  strict({
    githubUrl: nonEmpty.optional(),
    gitProvider: oneOf(SourceTypeValues, "source type").optional(),
    gitBranch: nonEmpty.optional(),
    sourceVersion: nonEmpty.optional(),
    buildspec: deferred(() =>
      z.union([nonEmpty, buildspecObject], {
        error: expected("a buildspec file path or an inline buildspec object", () =>
          'Write buildspec: ".cody/buildspec.yml" or buildspec: { version: 0.2, phases: { build: { commands: [...] } } }.',
        ),
      }),
    ).optional(),
    linuxImage: nonEmpty.optional(),
    linuxEnvironment: deferred(() => linuxEnvironmentSchema).optional(),
    computeType: oneOf(ComputeTypeValues, "compute type").optional(),
    privileged: bool.optional(),
    environmentVariables: envVars.optional(),
    localCache: deferred(() =>
      z.union([bool, z.array(oneOf(CacheModeValues, "cache mode"))], {
        error: expected(`true, false or a list of cache modes (${CacheModeValues.join(", ")})`, () => "Write {key}: true for all local cache modes."),
      }),
    ).optional(),
    triggers: deferred(() => triggersSchema).optional(),
    vpcConfig: deferred(() => vpcConfigSchema).optional(),
    timeoutInMinutes: deferred(() => minutes(5, 2160)).optional(),
    queuedTimeoutInMinutes: deferred(() => minutes(5, 480)).optional(),
    badge: bool.optional(),
    description: str
      .max(255, { error: (i) => encodeDetail({ message: `must be at most 255 characters (CodeBuild's limit); it has ${String(i.input).length}.`, fix: "Shorten {key}." }) })
      .optional(),
    tags: z
      .record(str, str, { error: expected("an object of string tags", () => 'Write {key}: { team: "platform" }.') })
      .optional(),
    serviceRole: nonEmpty.optional(),
    logRetentionDays: deferred(() =>
      z
        .number({
          error: expected("a number of days", (v) => (numericString(v) ? `Write {key}: ${nearestRetention(Number(v))} (a number, without quotes).` : "Write {key}: 30.")),
        })
        .refine((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), {
          error: (i) =>
            encodeDetail({
              message: `${String(i.input)} days is not a retention CloudWatch Logs accepts. Expected one of ${LOG_RETENTION_DAYS.join(", ")}.`,
              fix: `Use the nearest accepted value: {key}: ${nearestRetention(Number(i.input))}.`,
            }),
        }),
    ).optional(),
    retainLogGroup: bool.optional(),
    role: deferred(() => roleSchema).optional(),
    schedule: deferred(() => scheduleSchema).optional(),
    properties: rawProperties.optional(),
  }),
);

/** A settings env's region: checked like --region, so a typo is reported at its line. */
const regionName = lazy(() =>
  nonEmpty.refine((r) => regionProblem(r) === undefined, {
    error: (i) => {
      const problem = regionProblem(String(i.input));
      return encodeDetail({
        message: problem?.message ?? "is not an AWS region name.",
        fix: problem?.meant ? `Did you mean {key}: "${problem.meant}"?` : 'Write {key}: "us-east-1" (a region name).',
      });
    },
  }),
);

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const envName = lazy(() =>
  str.regex(ENV_NAME, {
    error: (i) =>
      encodeDetail({
        message: `"${String(i.input)}" is not a valid env name: letters, digits and -, since it names a variables file and becomes part of resource names.`,
        fix: `Rename it, e.g. "${String(i.input).replace(/[^A-Za-z0-9-]+/g, "-").replace(/^-+|-+$/g, "") || "production"}".`,
      }),
  }),
);

/** settings `roleArn`: the CloudFormation service role (src/config/role-arn.ts). */
const roleArn = lazy(() =>
  nonEmpty.superRefine((value, ctx) => {
    const problem = roleArnProblem(value);
    if (!problem) return;
    ctx.addIssue({
      code: "custom",
      input: value,
      message: encodeDetail({ message: `"${value}" is not an IAM role ARN: ${problem}.`, fix: `Write {key}: "${ROLE_ARN_EXAMPLE}".` }),
    });
  }),
);

export const settingsSchema = lazy(() =>
  strict({
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
    stackSet: z.lazy(() => stackSetSchema).optional(),
    targets: z.lazy(() => targetsSchema).optional(),
  }),
);

export const variablesSchema = lazy(() =>
  z.record(str, z.unknown(), {
    error: expected("an object of variables", () => "Write export default { name: value, ... }."),
  }),
);

export type ProjectInput = z.infer<typeof projectSchema>;
export type RoleInput = z.infer<typeof roleSchema>;
export type ScheduleInputConfig = z.infer<typeof scheduleSchema>;
export type SettingsInput = z.infer<typeof settingsSchema>;
