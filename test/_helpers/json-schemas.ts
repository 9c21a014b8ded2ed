// The `--json` documents of every command, as zod schemas: docs/json.md in code. `.strict()` makes a
// key that is not written down here fail the schema test, so the vocabulary cannot drift unnoticed.
import { z } from "zod";

const isoTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
const nullableTime = isoTime.nullable();
/** `project:uuid`, as CodeBuild names builds. */
const buildId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*:[0-9a-f-]+$/);
const region = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/);
const logs = z.object({ group: z.string(), stream: z.string() }).strict();

const resourceChange = z
  .object({
    action: z.string(),
    logicalId: z.string(),
    resourceType: z.string(),
    replacement: z.string().nullable(),
    properties: z.array(z.object({ name: z.string(), requiresRecreation: z.string().nullable() }).strict()),
  })
  .strict();

export const deploySchema = z
  .object({
    command: z.literal("deploy"),
    type: z.enum(["deployed", "no-changes", "started", "created"]),
    stackName: z.string(),
    region,
    status: z.string().nullable(),
    changes: z.array(resourceChange),
    outputs: z.record(z.string(), z.string()),
    elapsedMs: z.number().nullable(),
    /** Warnings about the build role (docs/dsl.md). */
    warnings: z.array(z.string()),
    /** Set when --no-execute left the change set for review. */
    changeSetName: z.string().nullable(),
  })
  .strict();

/** A changed property: its path with the deployed and the new value. */
const valueChange = z.object({ path: z.string(), old: z.unknown(), new: z.unknown() }).strict();
/** A row of the IAM security-changes table (src/review/iam-changes.ts). */
const iamChange = z.object({ change: z.enum(["+", "-"]), logicalId: z.string(), kind: z.string() }).passthrough();

export const diffSchema = z
  .object({
    command: z.literal("diff"),
    type: z.enum(["changes", "no-changes"]),
    stackName: z.string(),
    region,
    isNew: z.boolean(),
    recreate: z.string().nullable(),
    changes: z.array(resourceChange.extend({ values: z.array(valueChange) }).strict()),
    iam: z.array(iamChange),
    broadening: z.boolean(),
    missingReferences: z.array(z.object({ kind: z.string(), name: z.string() }).passthrough()),
  })
  .strict();

const deleteBase = { command: z.literal("delete"), stackName: z.string(), region, elapsedMs: z.number().nullable() };
export const deleteSchema = z.union([
  z.object({ ...deleteBase, type: z.enum(["deleted", "started", "missing", "cancelled"]), leftBehind: z.array(z.string()) }).strict(),
  z
    .object({
      ...deleteBase,
      type: z.literal("noop"),
      exists: z.boolean(),
      status: z.string(),
      resources: z.array(z.object({ logicalId: z.string(), type: z.string(), physicalId: z.string().nullable() }).strict()),
      leftBehind: z.array(z.string()),
    })
    .strict(),
]);

const principal = z.object({ kind: z.string(), callerArn: z.string(), arn: z.string(), account: z.string(), partition: z.string() }).strict();
const engine = z.enum(["simulator", "local", "none"]);
/** The stack set a preflight covered (--stack-set, or settings' stackSet). */
const checkedStackSet = z
  .object({ name: z.string(), permissionModel: z.enum(["SELF_MANAGED", "SERVICE_MANAGED"]), administrationRoleArn: z.string().optional(), executionRoleName: z.string().optional() })
  .strict();
const preflightBase = {
  command: z.literal("preflight"),
  region,
  commands: z.array(z.string()),
  serviceRoleArn: z.string().optional(),
  stackSet: checkedStackSet.optional(),
};
/** Which engine answered, and why the simulator did not when the local one did (docs/preflight.md). */
const engineFields = { engine, simulatorUnavailable: z.string().optional() };
export const preflightSchema = z.union([
  z.object({ ...preflightBase, type: z.literal("ok"), ...engineFields, principal, checked: z.number(), warnings: z.array(z.string()), notes: z.array(z.string()) }).strict(),
  z
    .object({
      ...preflightBase,
      type: z.literal("denied"),
      ...engineFields,
      principal,
      checked: z.number(),
      denied: z.array(z.object({ action: z.string(), resource: z.string() }).passthrough()),
      statements: z.array(z.object({ Effect: z.string() }).passthrough()),
      warnings: z.array(z.string()),
      notes: z.array(z.string()),
    })
    .strict(),
  z.object({ ...preflightBase, type: z.literal("could-not-run"), reason: z.string(), principal: principal.optional() }).strict(),
]);

const failedPhase = z
  .object({ phase: z.string(), status: z.string(), statusCode: z.string().optional(), message: z.string().optional(), hint: z.string().optional() })
  .strict();

export const startSchema = z
  .object({
    command: z.literal("start"),
    type: z.enum(["started", "succeeded", "failed"]),
    project: z.string(),
    buildId,
    buildNumber: z.number().nullable(),
    status: z.string(),
    complete: z.boolean(),
    succeeded: z.boolean(),
    waited: z.boolean(),
    sourceVersion: z.string().nullable(),
    resolvedSourceVersion: z.string().nullable(),
    environmentOverrides: z.array(z.object({ name: z.string(), type: z.string() }).strict()),
    consoleUrl: z.string().url(),
    logs: logs.nullable(),
    startTime: nullableTime,
    endTime: nullableTime,
    durationSeconds: z.number().nullable(),
    failedPhases: z.array(failedPhase),
  })
  .strict();

export const statusSchema = z.union([
  z
    .object({
      command: z.literal("status"),
      type: z.literal("build"),
      project: z.string(),
      buildId,
      buildNumber: z.number().nullable(),
      status: z.string(),
      currentPhase: z.string().nullable(),
      complete: z.boolean(),
      sourceVersion: z.string().nullable(),
      resolvedSourceVersion: z.string().nullable(),
      initiator: z.string().nullable(),
      startTime: nullableTime,
      endTime: nullableTime,
      durationSeconds: z.number().nullable(),
      phases: z.array(
        z
          .object({ name: z.string(), status: z.string().nullable(), durationSeconds: z.number().nullable(), startTime: nullableTime, endTime: nullableTime, message: z.string().nullable() })
          .strict(),
      ),
      logs: logs.nullable(),
      consoleUrl: z.string().url(),
    })
    .strict(),
  z.object({ command: z.literal("status"), type: z.literal("no-builds"), project: z.string(), buildId: z.null() }).strict(),
]);

export const stopSchema = z
  .object({
    command: z.literal("stop"),
    type: z.enum(["stopped", "finished", "no-builds", "cancelled", "noop"]),
    project: z.string(),
    buildId: buildId.nullable(),
    status: z.string().nullable(),
  })
  .strict();

export const badgeSchema = z
  .object({ command: z.literal("badge"), type: z.literal("badge"), project: z.string(), branch: z.string().nullable(), url: z.string().url(), markdown: z.string() })
  .strict();

export const logsSchema = z
  .object({
    command: z.literal("logs"),
    type: z.enum(["lines", "missing", "pending", "no-builds"]),
    project: z.string(),
    buildId: buildId.nullable(),
    status: z.string().nullable(),
    complete: z.boolean().nullable(),
    logs: logs.nullable(),
    since: nullableTime,
    filter: z.string().nullable(),
    lines: z.array(z.object({ timestamp: isoTime, message: z.string() }).strict()),
  })
  .strict();

/** `cody list --json` (= `--format json`): a data format, an array of rows, not a result document. */
export const listSchema = z.array(
  z
    .object({
      project: z.string(),
      status: z.string().nullable(),
      buildId: buildId.nullable(),
      startTime: nullableTime,
      endTime: nullableTime,
      durationSeconds: z.number().nullable(),
    })
    .strict(),
);

// ---------------------------------------------------------------- --stack-set (docs/json.md, "StackSets")

const stackSetInstance = z
  .object({
    account: z.string().regex(/^\d{12}$/),
    region,
    organizationalUnit: z.string().nullable(),
    status: z.string(),
    detailedStatus: z.string().nullable(),
    reason: z.string().nullable(),
    stackId: z.string().nullable(),
  })
  .strict();

const stackSetResult = z.object({ account: z.string(), region, status: z.string(), reason: z.string().nullable() }).strict();
const stackSetOperation = z
  .object({ operationId: z.string(), action: z.string(), status: z.enum(["SUCCEEDED", "FAILED", "STOPPED"]), reason: z.string().nullable(), results: z.array(stackSetResult) })
  .strict();

export const stackSetDeploySchema = z
  .object({
    command: z.literal("deploy"),
    type: z.enum(["created", "updated", "extended", "no-changes", "failed"]),
    stackSetName: z.string(),
    region,
    permissionModel: z.enum(["SELF_MANAGED", "SERVICE_MANAGED"]),
    operations: z.array(stackSetOperation),
    instances: z.array(stackSetInstance),
    elapsedMs: z.number(),
  })
  .strict();

export const stackSetStatusSchema = z
  .object({
    command: z.literal("status"),
    type: z.enum(["stack-set", "no-stack-set"]),
    stackSetName: z.string(),
    region,
    permissionModel: z.string().nullable(),
    status: z.string().nullable(),
    instances: z.array(stackSetInstance),
  })
  .strict();

export const stackSetDeleteSchema = z
  .object({
    command: z.literal("delete"),
    type: z.enum(["deleted", "missing", "cancelled"]),
    stackSetName: z.string(),
    region,
    instances: z.array(stackSetInstance),
    elapsedMs: z.number().nullable(),
  })
  .strict();

/**
 * `--all`, `--types`, `--regions` (or settings targets) on deploy, diff, delete and preflight: one row per
 * stack; `detail` is that stack's own document above (null when it printed none, e.g. bad input).
 */
export const fleetSchema = z
  .object({
    command: z.enum(["deploy", "diff", "delete", "preflight"]),
    type: z.literal("fleet"),
    exitCode: z.number(),
    results: z.array(
      z
        .object({
          stackName: z.string(),
          projectType: z.string().nullable(),
          region: region.nullable(),
          profile: z.string().nullable(),
          result: z.string(),
          exitCode: z.number(),
          changes: z.number().nullable(),
          elapsedMs: z.number().nullable(),
          error: z.string().nullable(),
          detail: z.union([deploySchema, diffSchema, deleteSchema, preflightSchema]).nullable(),
        })
        .strict(),
    ),
  })
  .strict();
