// What requirements are built from: a synthesized template's exact names and properties, or the
// patterns any cody project matches (genericScope). Pure.
import type { SynthResult } from "../synth/template";
import { ruleBus, scheduleName } from "../synth/schedule-resource";
import { isPlainObject, type PlainObject } from "../util/merge";
import type { EmittedResourceType } from "./handler-permissions";

/** What the requirement is built from: a template's exact names, or the patterns any cody project matches. */
export interface Scope {
  generic: boolean;
  stackName: string;
  stackArn: string;
  projectName: string;
  projectArn: string;
  /** CloudWatch Logs ARNs of the build log group (group and its streams). */
  buildLogs: string[];
  buildLogGroup: string;
  /** The template has an AWS::CodeBuild::Project. */
  hasProject: boolean;
  webhook: boolean;
  visibility: boolean;
  /** ARN patterns of the roles the stack creates (empty: none). */
  roles: string[];
  inlinePolicies: boolean;
  /** Managed policy ARNs attached to those roles; "any" when not known (generic). */
  managedPolicies: string[] | "any";
  /** Boundaries the template's roles name (a pattern when one cannot be resolved). */
  boundaries: string[];
  /** Every role the stack creates has a PermissionsBoundary. */
  allRolesBounded: boolean;
  /** Per emitted type, the properties its resources set (roles: all roles' keys together). */
  properties: Partial<Record<EmittedResourceType, PlainObject>>;
  passRoles: Array<{ service: PassService; resources: string[] }>;
  rule?: string;
  schedule?: string;
  /** ARNs of a log group the stack itself manages (AWS::Logs::LogGroup). */
  managedLogGroup?: string[];
  ssmParameters: string[];
  secrets: string[];
}

export type PassService = "codebuild" | "events" | "scheduler";

export const PASS_SERVICES: Record<PassService, { sid: string; principal: string; what: string }> = {
  codebuild: { sid: "PassRoleToCodeBuild", principal: "codebuild.amazonaws.com", what: "the CodeBuild project's service role to CodeBuild" },
  events: { sid: "PassRoleToEventBridge", principal: "events.amazonaws.com", what: "the schedule rule's role to EventBridge (its target starts builds)" },
  scheduler: { sid: "PassRoleToScheduler", principal: "scheduler.amazonaws.com", what: "the schedule's role to EventBridge Scheduler (its target starts builds)" },
};

export class Arns {
  constructor(
    readonly partition: string,
    readonly region: string,
    readonly account: string,
  ) {}

  regional(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.region}:${this.account}:${resource}`;
  }

  global(service: string, resource: string): string {
    return `arn:${this.partition}:${service}::${this.account}:${resource}`;
  }

  logGroup(name: string): string[] {
    // Log actions are authorized on the group ARN with and without the `:*` suffix, streams under it.
    const group = this.regional("logs", `log-group:${name}`);
    return [group, `${group}:*`];
  }

  /** Fills the pseudo-parameters of an `Fn::Sub` string (or a plain string); undefined when other variables remain. */
  resolve(value: unknown): string | undefined {
    const text = typeof value === "string" ? value : isPlainObject(value) && typeof value["Fn::Sub"] === "string" ? value["Fn::Sub"] : undefined;
    if (text === undefined) return undefined;
    const filled = text
      .replace(/\$\{AWS::Partition\}/g, this.partition)
      .replace(/\$\{AWS::Region\}/g, this.region)
      .replace(/\$\{AWS::AccountId\}/g, this.account)
      .replace(/\$\{AWS::URLSuffix\}/g, "amazonaws.com");
    return /\$\{/.test(filled) ? undefined : filled;
  }
}

/** CloudFormation names a generated role `<stack>-<logical id>-<random>`, shortening long stack names. */
const ROLE_NAME_MAX = 64;
const GENERATED_SUFFIX = 1 + 14; // `-` and the random part (13), with room to spare
const SHORT_PREFIX = 16;

function generatedRolePattern(stackName: string, logicalId: string): string {
  const fits = stackName.length + 1 + logicalId.length + GENERATED_SUFFIX <= ROLE_NAME_MAX;
  // When the whole name cannot fit, CloudFormation truncates the stack part: scope to a short prefix.
  return fits ? `${stackName}-*` : `${stackName.slice(0, SHORT_PREFIX)}*`;
}

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function props(resource: PlainObject | undefined): PlainObject {
  const p = resource?.Properties;
  return isPlainObject(p) ? p : {};
}

/** `{ "Fn::GetAtt": [id, "Arn"] }` or `"id.Arn"` → id. */
function getAttTarget(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const att = value["Fn::GetAtt"];
  if (Array.isArray(att) && typeof att[0] === "string") return att[0];
  if (typeof att === "string") return att.split(".")[0];
  return undefined;
}

function collectStrings(value: unknown, out: string[]): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, out));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => collectStrings(v, out));
  return out;
}

const DYNAMIC_REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):([^}]+)\}\}/g;

export function scopeFromTemplate(synth: SynthResult, arns: Arns): Scope {
  const resources = synth.template.Resources;
  const entries = Object.entries(resources);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
  const stackName = synth.stackName;

  const properties: Scope["properties"] = {};
  for (const [, resource] of entries) {
    const type = resource.Type as EmittedResourceType;
    properties[type] = { ...properties[type], ...props(resource) };
  }

  const [projectEntry] = ofType("AWS::CodeBuild::Project");
  const project = props(projectEntry?.[1]);
  const projectName = str(project.Name) ?? `${stackName}*`;
  const logsConfig = isPlainObject(project.LogsConfig) && isPlainObject(project.LogsConfig.CloudWatchLogs) ? project.LogsConfig.CloudWatchLogs : {};
  const buildLogGroup = str(logsConfig.GroupName) ?? `/aws/codebuild/${projectName}`;
  const triggers = isPlainObject(project.Triggers) ? project.Triggers : {};

  const roleArns = new Map<string, string>();
  const roles: string[] = [];
  let inlinePolicies = false;
  const managedPolicies: string[] = [];
  const boundaries: string[] = [];
  let allRolesBounded = true;
  for (const [logicalId, resource] of ofType("AWS::IAM::Role")) {
    const p = props(resource);
    const path = str(p.Path) ?? "/";
    const name = str(p.RoleName);
    const pattern = arns.global("iam", `role${path}${name ?? generatedRolePattern(stackName, logicalId)}`);
    roleArns.set(logicalId, pattern);
    if (!roles.includes(pattern)) roles.push(pattern);
    if (Array.isArray(p.Policies) && p.Policies.length > 0) inlinePolicies = true;
    for (const arn of Array.isArray(p.ManagedPolicyArns) ? p.ManagedPolicyArns : []) {
      const resolved = arns.resolve(arn) ?? arns.global("iam", "policy/*");
      if (!managedPolicies.includes(resolved)) managedPolicies.push(resolved);
    }
    if (p.PermissionsBoundary === undefined) allRolesBounded = false;
    else {
      const resolved = arns.resolve(p.PermissionsBoundary) ?? arns.global("iam", "policy/*");
      if (!boundaries.includes(resolved)) boundaries.push(resolved);
    }
  }

  /** The role a property passes: one of the stack's roles, or an existing role's ARN. */
  const passed = (value: unknown): string[] => {
    const target = getAttTarget(value);
    if (target && roleArns.has(target)) return [roleArns.get(target)!];
    const arn = arns.resolve(value);
    if (arn?.startsWith("arn:")) return [arn];
    if (arn) return [arns.global("iam", `role/${arn}`)];
    return [arns.global("iam", "role/*")];
  };
  const passRoles: Scope["passRoles"] = [];
  const addPass = (service: PassService, resources: string[]) => {
    const existing = passRoles.find((p) => p.service === service);
    if (existing) existing.resources.push(...resources.filter((r) => !existing.resources.includes(r)));
    else passRoles.push({ service, resources: [...resources] });
  };
  if (projectEntry) addPass("codebuild", passed(project.ServiceRole));

  let rule: string | undefined;
  const [ruleEntry] = ofType("AWS::Events::Rule");
  if (ruleEntry) {
    const p = props(ruleEntry[1]);
    const name = str(p.Name) ?? scheduleName(projectName);
    const bus = ruleBus(p.EventBusName);
    rule = arns.regional("events", `rule/${bus === undefined ? "*/" : bus ? `${bus}/` : ""}${name}`);
    for (const target of Array.isArray(p.Targets) ? p.Targets : []) {
      if (isPlainObject(target) && target.RoleArn !== undefined) addPass("events", passed(target.RoleArn));
    }
  }
  let schedule: string | undefined;
  const [scheduleEntry] = ofType("AWS::Scheduler::Schedule");
  if (scheduleEntry) {
    const p = props(scheduleEntry[1]);
    schedule = arns.regional("scheduler", `schedule/${str(p.GroupName) ?? "default"}/${str(p.Name) ?? scheduleName(projectName)}`);
    if (isPlainObject(p.Target) && p.Target.RoleArn !== undefined) addPass("scheduler", passed(p.Target.RoleArn));
  }
  const [logGroupEntry] = ofType("AWS::Logs::LogGroup");
  const managedLogGroup = logGroupEntry ? arns.logGroup(str(props(logGroupEntry[1]).LogGroupName) ?? buildLogGroup) : undefined;

  // Dynamic references are resolved by CloudFormation with the deploying credentials. (Environment
  // variables of type PARAMETER_STORE / SECRETS_MANAGER are not: CodeBuild's role reads them per build.)
  const ssmParameters: string[] = [];
  const secrets: string[] = [];
  for (const text of collectStrings(synth.template, [])) {
    for (const match of text.matchAll(DYNAMIC_REFERENCE)) {
      const [, kind, reference] = match;
      if (kind === "secretsmanager") {
        const id = reference.startsWith("arn:") ? reference.split(":").slice(0, 7).join(":") : arns.regional("secretsmanager", `secret:${reference.split(":")[0]}-??????`);
        if (!secrets.includes(id)) secrets.push(id);
      } else {
        // A name (`/team/token[:version]`) or, for a shared parameter, its ARN (which has colons of its own).
        const name = (reference.startsWith("arn:") ? reference.split(":").slice(0, 6).join(":") : reference.split(":")[0]).replace(/\$\{[^}]*\}/g, "*");
        const arn = name.startsWith("arn:") ? name : arns.regional("ssm", `parameter/${name.replace(/^\//, "")}`);
        if (!ssmParameters.includes(arn)) ssmParameters.push(arn);
      }
    }
  }

  return {
    generic: false,
    stackName,
    stackArn: arns.regional("cloudformation", `stack/${stackName}/*`),
    projectName,
    projectArn: arns.regional("codebuild", `project/${projectName}`),
    buildLogs: arns.logGroup(buildLogGroup),
    buildLogGroup,
    hasProject: Boolean(projectEntry),
    webhook: triggers.Webhook === true,
    visibility: project.Visibility !== undefined,
    roles,
    inlinePolicies,
    managedPolicies,
    boundaries,
    allRolesBounded,
    properties,
    passRoles,
    ...(rule ? { rule } : {}),
    ...(schedule ? { schedule } : {}),
    ...(managedLogGroup ? { managedLogGroup } : {}),
    ssmParameters,
    secrets,
  };
}

/**
 * Any cody project, by its conventions: stacks end in `-cody` (the default suffix), roles live under
 * the `/cody/` path, schedules are named `cody-<project>`. CodeBuild project names carry no cody
 * marker (they are the user's full project names), so projects are `project/*`.
 */
export function genericScope(arns: Arns): Scope {
  const roles = [arns.global("iam", "role/cody/*")];
  return {
    generic: true,
    stackName: "*-cody",
    stackArn: arns.regional("cloudformation", "stack/*-cody/*"),
    projectName: "*",
    projectArn: arns.regional("codebuild", "project/*"),
    buildLogs: arns.logGroup("/aws/codebuild/*"),
    buildLogGroup: "/aws/codebuild/*",
    hasProject: true,
    webhook: true,
    visibility: true,
    roles,
    inlinePolicies: true,
    managedPolicies: "any",
    boundaries: [],
    allRolesBounded: false,
    // Everything a cody template can contain, so every handler call any project makes is granted.
    properties: {
      "AWS::CodeBuild::Project": { Triggers: { Webhook: true }, Visibility: "PUBLIC_READ" },
      "AWS::IAM::Role": { Policies: [], ManagedPolicyArns: [], PermissionsBoundary: "" },
      "AWS::Events::Rule": {},
      "AWS::Scheduler::Schedule": {},
      "AWS::Logs::LogGroup": {},
    },
    passRoles: (["codebuild", "events", "scheduler"] as const).map((service) => ({ service, resources: roles })),
    rule: arns.regional("events", "rule/cody-*"),
    schedule: arns.regional("scheduler", "schedule/default/cody-*"),
    managedLogGroup: arns.logGroup("/aws/codebuild/*"),
    ssmParameters: [],
    secrets: [],
  };
}
