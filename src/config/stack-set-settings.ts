// settings `stackSet`: where `cody deploy --stack-set` rolls the stack out with CloudFormation StackSets.
// Shapes and ranges here; each message names the field and carries a fix (validate.ts adds file and line).
// schema.ts is imported for encodeDetail only, called inside callbacks, and schema.ts reads stackSetSchema
// through z.lazy: the two modules import each other, so neither may use the other while loading.
import * as z from "zod";
import { closest } from "../util/did-you-mean";
import { encodeDetail } from "./schema-kit";
import { regionProblem } from "./naming";
import { DEFAULT_ADMINISTRATION_ROLE, DEFAULT_EXECUTION_ROLE, PERMISSION_MODELS } from "./stack-set-defaults";


const KEYS = [
  "regions",
  "accounts",
  "organizationalUnits",
  "permissionModel",
  "maxConcurrentPercentage",
  "failureTolerancePercentage",
  "administrationRoleArn",
  "executionRoleName",
] as const;

const ACCOUNT = /^\d{12}$/;
/** The pattern CreateStackInstances checks (API reference, DeploymentTargets.OrganizationalUnitIds). */
const OU = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

const detail = (message: string, fix: string) => encodeDetail({ message, fix });

function stringList(what: string, example: string, item: z.ZodType<string, string>) {
  return z
    .array(item, {
      error: (i) =>
        i.input === undefined
          ? detail(`is missing: expected a list of ${what}.`, `Add {key}: ${example}.`)
          : detail(`expected a list of ${what}.`, typeof i.input === "string" ? `Wrap it in a list: {key}: ["${i.input}"].` : `Write {key}: ${example}.`),
    })
    .min(1, { error: () => detail(`lists no ${what}.`, `Name at least one, e.g. {key}: ${example}, or remove {key}.`) })
    .refine((list) => new Set(list).size === list.length, {
      error: (i) => {
        const list = i.input as string[];
        const twice = list.find((v, n) => list.indexOf(v) !== n);
        return detail(`lists "${twice}" twice.`, "Keep one of each.");
      },
    });
}

const text = (what: string, example: string) =>
  z.string({ error: () => detail(`expected ${what}, as a string.`, `Write {key}: "${example}".`) });

const region = text("a region name", "us-east-1").refine((r) => regionProblem(r) === undefined, {
  error: (i) => {
    const problem = regionProblem(String(i.input));
    return detail(problem?.message ?? "is not an AWS region name.", problem?.meant ? `Did you mean "${problem.meant}"?` : 'Write a region name, e.g. "us-east-1".');
  },
});

const account = text("a 12-digit account id", "123456789012").regex(ACCOUNT, {
  error: (i) => detail(`"${String(i.input)}" is not an AWS account id: 12 digits.`, 'Write the account id as a quoted string of 12 digits, e.g. "123456789012".'),
});

const organizationalUnit = text("an organizational unit id", "ou-ab12-cd34ef56").regex(OU, {
  error: (i) =>
    detail(`"${String(i.input)}" is not an organizational unit id (ou-<root>-<ou>) or a root id (r-<id>).`, 'Copy the id from AWS Organizations, e.g. "ou-ab12-cd34ef56".'),
});

const percentage = (what: string) =>
  z
    .number({ error: (i) => detail(`expected a percentage (a number from 0 to 100); got ${typeof i.input === "string" ? `"${i.input}"` : String(i.input)}.`, `Write {key}: 25 (a number, without quotes) for ${what}.`) })
    .int({ error: () => detail("must be a whole number: StackSets takes whole percentages.", `Round it, e.g. {key}: 25, for ${what}.`) })
    .min(0, { error: () => detail("must be at least 0.", `Use a percentage from 0 to 100 for ${what}.`) })
    .max(100, { error: () => detail("must be at most 100.", `Use a percentage from 0 to 100 for ${what}.`) });

const permissionModel = z.enum(PERMISSION_MODELS, {
  error: (i) => {
    const got = typeof i.input === "string" ? i.input : String(i.input);
    const meant = closest(got.toUpperCase().replace(/[\s-]+/g, "_"), PERMISSION_MODELS);
    return detail(`"${got}" is not a permission model. Expected SELF_MANAGED or SERVICE_MANAGED.`, meant ? `Write {key}: "${meant}".` : 'Write {key}: "SELF_MANAGED" (your own roles) or "SERVICE_MANAGED" (AWS Organizations).');
  },
});

export const stackSetSchema = z
  .strictObject(
    {
      regions: stringList("regions", '["us-east-1", "eu-west-1"]', region),
      accounts: stringList("account ids", '["123456789012"]', account).optional(),
      organizationalUnits: stringList("organizational unit ids", '["ou-ab12-cd34ef56"]', organizationalUnit).optional(),
      permissionModel: permissionModel.optional(),
      maxConcurrentPercentage: percentage("how many targets deploy at once").optional(),
      failureTolerancePercentage: percentage("how many targets may fail before StackSets stops").optional(),
      administrationRoleArn: text("an IAM role ARN", `arn:aws:iam::123456789012:role/${DEFAULT_ADMINISTRATION_ROLE}`)
        .regex(ROLE_ARN, {
          error: (i) => detail(`"${String(i.input)}" is not an IAM role ARN.`, `Write {key}: "arn:aws:iam::123456789012:role/${DEFAULT_ADMINISTRATION_ROLE}", or remove it for AWS's default.`),
        })
        .optional(),
      executionRoleName: text("a role name", DEFAULT_EXECUTION_ROLE)
        .regex(ROLE_NAME, {
          error: (i) => detail(`"${String(i.input)}" is not an IAM role name (a name, not an ARN: letters, digits and + = , . @ _ -).`, `Write {key}: "${DEFAULT_EXECUTION_ROLE}", or remove it for AWS's default.`),
        })
        .optional(),
    },
    {
      error: (issue) => {
        if (issue.code === "unrecognized_keys") return encodeDetail({ message: "unknown key", known: KEYS });
        return detail("expected an object.", 'Write {key}: { regions: ["us-east-1", "eu-west-1"] }.');
      },
    },
  )
  .superRefine((s, ctx) => {
    const model = s.permissionModel ?? "SELF_MANAGED";
    const issue = (path: string, message: string, fix: string) => ctx.addIssue({ code: "custom", path: [path], input: undefined, message: detail(message, fix) });
    if (model === "SERVICE_MANAGED") {
      if (!s.organizationalUnits) issue("organizationalUnits", "is missing: a SERVICE_MANAGED stack set deploys to organizational units.", 'Add organizationalUnits: ["ou-ab12-cd34ef56"] (ids from AWS Organizations).');
      if (s.accounts) issue("accounts", "is not used with SERVICE_MANAGED: StackSets deploys to every account of the organizational units.", 'Remove accounts, or set permissionModel: "SELF_MANAGED" to name accounts.');
      if (s.administrationRoleArn) issue("administrationRoleArn", "is not used with SERVICE_MANAGED: AWS Organizations provides the roles.", "Remove administrationRoleArn.");
      if (s.executionRoleName) issue("executionRoleName", "is not used with SERVICE_MANAGED: AWS Organizations provides the roles.", "Remove executionRoleName.");
    } else if (s.organizationalUnits) {
      issue("organizationalUnits", "needs SERVICE_MANAGED: a SELF_MANAGED stack set deploys to accounts.", 'Set permissionModel: "SERVICE_MANAGED", or list accounts instead.');
    }
  });

export type StackSetSettings = z.infer<typeof stackSetSchema>;
