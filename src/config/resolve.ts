// resolveProject(): a validated project → every value the template needs, settled once with its
// default (source, build environment, buildspec, schedule, names, tags, webhook, timeouts, variables).
// Synthesis reads these and derives nothing; the rules, which run before, check what this settles.
import type { SourceType } from "../generated/codebuild-enums";
import type { PlainObject } from "../util/merge";
import {
  buildComputeType,
  buildEnvironmentType,
  buildImage,
  DEFAULT_TIMEOUT_MINUTES,
  imagePullCredentials,
  isLambdaCompute,
} from "./build-environment";
import { referencedSecrets, toEnvironmentVariables, type CfnEnvironmentVariable } from "./environment-variables";
import type { LoadedProject } from "./load-project";
import { defaultBuildspecPath } from "./rules/project-rules";
import { scheduleName } from "./schedule";

export type { RoleStatement } from "./rules/statements";
import type { ProjectInput, ScheduleInputConfig } from "./schema";
import { BADGE_SOURCES, GIT_SOURCES, WEBHOOK_SOURCES } from "./source";

/** The buildspec CodeBuild reads: written inline (an object, or YAML text), or a path in the source. */
export type ResolvedBuildspec = { kind: "inline"; spec: PlainObject } | { kind: "text"; text: string } | { kind: "default"; path: string };

export interface ResolvedSource {
  type: SourceType;
  location?: string;
  /** Absent for NO_SOURCE and CODEPIPELINE projects that set none. */
  buildspec?: ResolvedBuildspec;
  fetchSubmodules: boolean;
  /** The webhook reports build status back to the git host. */
  reportBuildStatus: boolean;
  /** gitBranch, else sourceVersion. */
  version?: string;
}

export interface ResolvedEnvironment {
  type: string;
  image: string;
  computeType: string;
  /** `BUILD_LAMBDA_*` compute: no timeouts, local cache or badge. */
  lambda: boolean;
  imagePullCredentials: string;
  privileged: boolean;
  certificate?: string;
  variables: CfnEnvironmentVariable[];
}

export interface ResolvedSchedule {
  config: ScheduleInputConfig;
  engine: "rule" | "scheduler";
  name: string;
  description: string;
  /** The rate, cron or at expression as parsed at load; absent for an event pattern. */
  expression?: string;
  timezone: string;
  enabled: boolean;
  variables: CfnEnvironmentVariable[];
}

export interface Resolved {
  source: ResolvedSource;
  environment: ResolvedEnvironment;
  webhook: boolean;
  badge: boolean;
  /** Absent on Lambda compute unless the project sets one (CodeBuild rejects it there). */
  timeoutInMinutes?: number;
  /** The build role cody generates; false when the project brings its own serviceRole. */
  generatedRole: boolean;
  logGroup: { name: string; retentionDays?: number; retain: boolean };
  schedule?: ResolvedSchedule;
  /** The parameters and secrets the project's and the schedule's variables reference. */
  references: { parameters: string[]; secrets: string[] };
  /** Tags deploy puts on the stack: the settings' first, then cody's. */
  stackTags: Record<string, string>;
}

export interface ResolvedProject extends LoadedProject {
  resolved: Resolved;
}

/** Filter groups imply a webhook unless it is switched off explicitly. */
export function webhookEnabled(t: ProjectInput["triggers"]): boolean {
  return t ? (t.webhook ?? Boolean(t.filterGroups?.length)) : false;
}

export function resolveProject(p: LoadedProject): ResolvedProject {
  const project = p.project;
  if (!p.source.ok) throw new Error(`unreachable: unresolved source (${p.source.problem})`);
  const { type, location } = p.source;
  const webhook = webhookEnabled(project.triggers);

  const image = buildImage(project);
  const computeType = buildComputeType(project);
  const lambda = isLambdaCompute(computeType);
  const environment: ResolvedEnvironment = {
    type: buildEnvironmentType(project),
    image,
    computeType,
    lambda,
    imagePullCredentials: imagePullCredentials(image, project.linuxEnvironment?.imagePullCredentialsType),
    privileged: Boolean(project.privileged || project.linuxEnvironment?.privileged),
    ...(project.linuxEnvironment?.certificate ? { certificate: project.linuxEnvironment.certificate } : {}),
    variables: toEnvironmentVariables(project.environmentVariables),
  };

  const version = project.gitBranch ?? project.sourceVersion;
  const buildspec = resolveBuildspec(project.buildspec, type, p.type);
  const source: ResolvedSource = {
    type,
    ...(location ? { location } : {}),
    ...(buildspec ? { buildspec } : {}),
    fetchSubmodules: GIT_SOURCES.includes(type),
    reportBuildStatus: webhook && WEBHOOK_SOURCES.includes(type),
    ...(version ? { version } : {}),
  };

  const schedule = resolveSchedule(p);
  const resolved: Resolved = {
    source,
    environment,
    webhook,
    // On by default wherever CodeBuild offers badges: a badge source, and not on Lambda compute.
    badge: project.badge ?? (BADGE_SOURCES.includes(type) && !lambda),
    // Lambda compute takes no build timeout (CodeBuild rejects one), so cody's default is left out there.
    ...(project.timeoutInMinutes !== undefined || !lambda ? { timeoutInMinutes: project.timeoutInMinutes ?? DEFAULT_TIMEOUT_MINUTES } : {}),
    generatedRole: !project.serviceRole,
    logGroup: {
      name: `/aws/codebuild/${p.names.fullProjectName}`,
      ...(project.logRetentionDays ? { retentionDays: project.logRetentionDays } : {}),
      retain: project.retainLogGroup !== false,
    },
    ...(schedule ? { schedule } : {}),
    references: referencedSecrets([...environment.variables, ...(schedule?.variables ?? [])]),
    stackTags: stackTags(p),
  };
  return { ...p, resolved };
}

function resolveBuildspec(spec: ProjectInput["buildspec"], source: SourceType, type: string | undefined): ResolvedBuildspec | undefined {
  if (typeof spec === "object") return { kind: "inline", spec };
  if (typeof spec === "string") return { kind: "text", text: spec };
  if (source === "NO_SOURCE" || source === "CODEPIPELINE") return undefined;
  return { kind: "default", path: defaultBuildspecPath(type) };
}

function resolveSchedule(p: LoadedProject): ResolvedSchedule | undefined {
  const s = p.schedule;
  if (!s) return undefined;
  const parsed = p.scheduleExpression;
  if (parsed && !parsed.ok) throw new Error(`unreachable: invalid schedule (${parsed.problem})`);
  return {
    config: s,
    engine: s.engine === "scheduler" ? "scheduler" : "rule",
    name: scheduleName(p.names.fullProjectName),
    description: s.description ?? `Starts builds of the ${p.names.fullProjectName} CodeBuild project (cody)`,
    ...(parsed ? { expression: parsed.expression } : {}),
    timezone: s.timezone ?? "UTC",
    enabled: s.enabled !== false,
    variables: toEnvironmentVariables(s.input?.environmentVariables),
  };
}

/** The settings' tags first, then cody's (the cody: prefix is reserved there, so they never collide). */
function stackTags(p: LoadedProject): Record<string, string> {
  const tags: Record<string, string> = { ...p.settings.stackTags, "cody:tool": "codybuild", "cody:project": p.names.projectName };
  if (p.type) tags["cody:type"] = p.type;
  tags["cody:env"] = p.env;
  return tags;
}
