// Rules that span fields or files, checked after the schemas: each returns Issues naming the file
// and field, with a fix. Nothing here calls AWS.
import { existsSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { isMap, isScalar, stringify, type Document, type LineCounter } from "yaml";
import { TEMPLATE_BODY_LIMIT } from "../../aws/limits";
import type { Issue } from "../../errors";
import { closest } from "../../util/did-you-mean";
import { buildComputeType, buildEnvironmentType, isLambdaCompute } from "../build-environment";
import type { LoadedProject } from "../load-project";
import { BADGE_SOURCES, WEBHOOK_SOURCES } from "../source";
import { parseYamlFile } from "./buildspec-yaml";
import { checkRole } from "./role-rules";
import { checkDynamicReferences } from "./dynamic-references";
import { checkEventPattern } from "./event-pattern";

const PROJECT_KEYS = [
  "Artifacts", "AutoRetryLimit", "BadgeEnabled", "BuildBatchConfig", "Cache", "ConcurrentBuildLimit", "Description",
  "EncryptionKey", "Environment", "FileSystemLocations", "LogsConfig", "Name", "QueuedTimeoutInMinutes",
  "ResourceAccessRole", "SecondaryArtifacts", "SecondarySources", "SecondarySourceVersions", "ServiceRole", "Source",
  "SourceVersion", "Tags", "TimeoutInMinutes", "Triggers", "Visibility", "VpcConfig",
];
const ROLE_KEYS = [
  "AssumeRolePolicyDocument", "Description", "ManagedPolicyArns", "MaxSessionDuration", "Path", "PermissionsBoundary",
  "Policies", "RoleName", "Tags",
];
const RULE_KEYS = ["Description", "EventBusName", "EventPattern", "Name", "RoleArn", "ScheduleExpression", "State", "Targets"];
const SCHEDULER_KEYS = [
  "Description", "EndDate", "FlexibleTimeWindow", "GroupName", "KmsKeyArn", "Name", "ScheduleExpression",
  "ScheduleExpressionTimezone", "StartDate", "State", "Target",
];

/** The default buildspec path, relative to the repository root. */
export function defaultBuildspecPath(type?: string): string {
  return type ? `.cody/${type}/buildspec.yml` : ".cody/buildspec.yml";
}

export function checkProject(p: LoadedProject): Issue[] {
  const issues: Issue[] = [];
  const file = p.files.project;
  const project = p.project;
  const add = (issue: Omit<Issue, "file"> & { file?: string }) => issues.push({ file, ...issue });

  // Source
  const source = p.source;
  if (!source.ok) {
    // gitProvider only when it is set and asks for the githubUrl that is missing; otherwise githubUrl is at fault.
    add({ field: project.gitProvider && !project.githubUrl ? "gitProvider" : "githubUrl", message: source.problem, fix: source.fix });
  }
  const sourceType = source.ok ? source.type : undefined;
  if (project.gitBranch && project.sourceVersion && project.gitBranch !== project.sourceVersion) {
    add({ field: "gitBranch", message: "gitBranch and sourceVersion are the same setting and disagree.", fix: "Keep one of them." });
  }
  if (project.gitBranch || project.sourceVersion) {
    if (sourceType === "NO_SOURCE" || sourceType === "CODEPIPELINE") {
      add({ field: project.gitBranch ? "gitBranch" : "sourceVersion", message: `a source version means nothing without a source (${sourceType}).`, fix: "Remove it, or set githubUrl." });
    }
  }

  // Buildspec
  if (typeof project.buildspec === "string") {
    const spec = project.buildspec;
    if (sourceType === "NO_SOURCE") {
      add({ field: "buildspec", message: "a project without a source (NO_SOURCE) cannot read a buildspec file from the repository.", fix: "Write the buildspec inline: buildspec: { version: 0.2, phases: { build: { commands: [...] } } }." });
    } else if (!/^arn:aws[a-z-]*:s3:::/.test(spec)) {
      checkBuildspecFile(p, spec, "buildspec", issues);
    }
  } else if (project.buildspec === undefined) {
    if (sourceType === "NO_SOURCE") {
      add({ field: "buildspec", message: "a project without a source (NO_SOURCE) needs an inline buildspec.", fix: "Add buildspec: { version: 0.2, phases: { build: { commands: [...] } } }." });
    } else if (sourceType !== "CODEPIPELINE") {
      const path = defaultBuildspecPath(p.type);
      if (existsSync(join(p.root, path))) checkBuildspecFile(p, path, "buildspec", issues);
      else {
        add({
          field: "buildspec",
          message: `no buildspec: ${path} does not exist and project.ts sets no buildspec.`,
          fix: `Create ${path}, set buildspec: "path/in/repo.yml", or write it inline with buildspec: { version: 0.2, phases: { ... } }.`,
        });
      }
    }
  } else {
    checkBuildspecObject(project.buildspec, file, issues);
    checkInlineBuildspecSize(project.buildspec, file, issues);
  }

  // Environment
  const env = project.linuxEnvironment ?? {};
  if (project.linuxImage && env.image && project.linuxImage !== env.image) {
    add({ field: "linuxImage", message: "linuxImage and linuxEnvironment.image disagree.", fix: "Set the image in one place." });
  }
  if (project.computeType && env.computeType && project.computeType !== env.computeType) {
    add({ field: "computeType", message: "computeType and linuxEnvironment.computeType disagree.", fix: "Set the compute type in one place." });
  }
  const computeType = buildComputeType(project);
  const envType = buildEnvironmentType(project);
  const lambdaCompute = isLambdaCompute(computeType);
  const lambdaEnv = envType.endsWith("_LAMBDA_CONTAINER");
  if (lambdaCompute !== lambdaEnv) {
    add({
      field: lambdaCompute ? "computeType" : "linuxEnvironment.type",
      message: `${computeType} and ${envType} do not go together: Lambda compute needs a *_LAMBDA_CONTAINER environment type, and the reverse.`,
      fix: lambdaCompute ? 'Set linuxEnvironment.type: "LINUX_LAMBDA_CONTAINER" (or "ARM_LAMBDA_CONTAINER").' : 'Use a BUILD_LAMBDA_* compute type, or a container type such as "LINUX_CONTAINER".',
    });
  }
  if (lambdaCompute) {
    // CodeBuild rejects these for Lambda compute (see its "Limitations of AWS Lambda compute").
    const unsupported = [
      project.timeoutInMinutes !== undefined && "timeoutInMinutes",
      project.queuedTimeoutInMinutes !== undefined && "queuedTimeoutInMinutes",
      project.localCache !== undefined && project.localCache !== false && "localCache",
      project.badge === true && "badge",
    ].filter((k): k is string => Boolean(k));
    for (const key of unsupported) {
      add({ field: key, message: `Lambda compute (${computeType}) does not support ${key}.`, fix: `Remove ${key}, or use a BUILD_GENERAL1_* compute type with a container environment.` });
    }
  }
  if ((project.privileged || env.privileged) && (envType.startsWith("WINDOWS") || lambdaEnv)) {
    add({ field: "privileged", message: `privileged mode is not available for ${envType}.`, fix: "Remove privileged, or use a Linux container environment." });
  }
  for (const [name, value] of Object.entries(project.environmentVariables ?? {})) {
    if (typeof value === "string" && value.startsWith("ssm:") && !/^ssm:\/?[A-Za-z0-9_./-]+$/.test(value)) {
      add({ field: `environmentVariables.${name}`, message: `"${value}" is not a valid parameter reference.`, fix: 'Write "ssm:/path/to/parameter", or use ssm("/path/to/parameter").' });
    }
  }

  // Badge and triggers
  if (project.badge && sourceType && !BADGE_SOURCES.includes(sourceType)) {
    add({ field: "badge", message: `${sourceType} sources do not support build badges.`, fix: `Remove badge: true (badges work for ${BADGE_SOURCES.join(", ")}).` });
  }
  if (project.triggers && sourceType && !WEBHOOK_SOURCES.includes(sourceType)) {
    add({ field: "triggers", message: `${sourceType} sources do not support webhook triggers.`, fix: "Remove triggers, or use a schedule to start builds." });
  }
  (project.triggers?.filterGroups ?? []).forEach((group, i) => {
    const events = group.filter((f) => f.type === "EVENT").length;
    if (events !== 1) {
      add({
        field: `triggers.filterGroups[${i}]`,
        message: `each filter group needs exactly one EVENT filter; this one has ${events}.`,
        fix: 'Add { type: "EVENT", pattern: "PUSH" } (or PULL_REQUEST_CREATED, ...) to the group.',
      });
    }
  });
  if (project.triggers?.filterGroups?.length && project.triggers.webhook === false) {
    add({ field: "triggers.webhook", message: "filter groups need the webhook, but webhook is false.", fix: "Set webhook: true or remove filterGroups." });
  }

  // Role
  if (project.serviceRole) {
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(project.serviceRole)) {
      add({ field: "serviceRole", message: `"${project.serviceRole}" is not an IAM role ARN.`, fix: 'Use the full ARN: "arn:aws:iam::123456789012:role/path/name".' });
    }
    if (p.role) {
      add({ file: p.files.role ?? file, field: "role", message: "serviceRole uses an existing role, so the generated role's settings would be ignored.", fix: "Remove serviceRole to use the generated role, or remove the role settings." });
    }
  }
  const roleFile = p.files.role ?? file;
  const rolePrefix = p.files.role ? "" : "role.";
  issues.push(...checkRole(p, roleFile, rolePrefix));

  // Schedule
  if (p.schedule) checkSchedule(p, issues);

  // Raw properties: PascalCase, known to CloudFormation.
  checkProperties(project.properties, PROJECT_KEYS, "AWS::CodeBuild::Project", file, "properties", issues);
  if (project.properties?.Name !== undefined) {
    // The role's log scope, the log group and the scheduler target all derive from the name.
    add({
      field: "properties.Name",
      message: "the project name comes from cody's naming conventions and cannot be overridden in properties.",
      fix: "Pass the name as the first argument (cody deploy my-name), or use --type, settings.stackNaming or CODY_EXTRA.",
    });
  }
  checkProperties(p.role?.properties, ROLE_KEYS, "AWS::IAM::Role", roleFile, `${rolePrefix}properties`, issues);
  if (p.schedule?.properties) {
    const keys = p.schedule.engine === "scheduler" ? SCHEDULER_KEYS : RULE_KEYS;
    const type = p.schedule.engine === "scheduler" ? "AWS::Scheduler::Schedule" : "AWS::Events::Rule";
    checkProperties(p.schedule.properties, keys, type, p.files.schedule ?? file, `${p.files.schedule ? "" : "schedule."}properties`, issues);
  }
  // Parameters and secrets named outside environmentVariables: dynamic references only, well formed.
  issues.push(...checkDynamicReferences(p));
  return issues;
}

function checkSchedule(p: LoadedProject, issues: Issue[]): void {
  const s = p.schedule!;
  const file = p.files.schedule ?? p.files.project;
  const prefix = p.files.schedule ? "" : "schedule.";
  const add = (field: string, message: string, fix: string) => issues.push({ file, field: `${prefix}${field}`, message, fix });
  const engine = s.engine ?? "rule";
  // What starts a build: a time (rate, cron, at) or events (eventPattern), in cody's keys or raw properties.
  const triggers = [
    ...(["rate", "cron", "at", "eventPattern"] as const).filter((k) => s[k] !== undefined),
    ...(["ScheduleExpression", "EventPattern"] as const).filter((k) => s.properties?.[k] !== undefined).map((k) => `properties.${k}`),
  ];
  if (triggers.length === 0) {
    add("rate", "a schedule needs rate, cron or eventPattern.", 'Add rate: "1 day", cron: "0 10 * * ? *", or eventPattern: { source: ["aws.ecr"], ... } to start builds on events.');
    return;
  }
  if (triggers.length > 1) {
    add(triggers[1]!, `a schedule takes one of rate, cron, at or eventPattern; this one has ${triggers.join(" and ")}.`, `Keep only ${triggers[0]} (one rule or schedule per project; add another project --type for a second trigger).`);
    return;
  }
  const eventDriven = triggers[0] === "eventPattern" || triggers[0] === "properties.EventPattern";
  if (eventDriven && engine === "scheduler") {
    add(
      "engine",
      "EventBridge Scheduler runs on time only; an event pattern needs an EventBridge rule.",
      'Remove engine: "scheduler" (the default engine "rule" takes eventPattern), or use rate, cron or at instead of the pattern.',
    );
    return;
  }
  if (s.at !== undefined && engine !== "scheduler") add("at", "one-time schedules (at) need EventBridge Scheduler.", 'Add engine: "scheduler".');
  if (s.timezone !== undefined && eventDriven) add("timezone", "an event-triggered rule has no time, so a time zone means nothing.", "Remove timezone.");
  else if (s.timezone !== undefined && engine !== "scheduler") add("timezone", "time zones need EventBridge Scheduler; rules run in UTC.", 'Add engine: "scheduler", or remove timezone and write the cron in UTC.');
  if (s.timezone !== undefined && !isTimeZone(s.timezone)) add("timezone", `"${s.timezone}" is not an IANA time zone.`, 'Use a name like "Europe/Paris" or "America/New_York".');
  const key = triggers[0];
  if (key === "eventPattern" || key === "properties.EventPattern") {
    const pattern = key === "eventPattern" ? s.eventPattern : s.properties?.EventPattern;
    for (const problem of checkEventPattern(pattern)) add(problem.path ? `${key}.${problem.path}` : key, problem.message, problem.fix);
    return;
  }
  if (key !== "rate" && key !== "cron" && key !== "at") return;
  // Parsed once at load (rate, cron or at: the only one set, as checked above).
  const check = p.scheduleExpression;
  if (check && !check.ok) add(key, check.problem, check.fix);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function checkBuildspecFile(p: LoadedProject, spec: string, field: string, issues: Issue[]): void {
  const path = isAbsolute(spec) ? spec : join(p.root, spec);
  if (isAbsolute(spec)) {
    issues.push({ file: p.files.project, field, message: `"${spec}" is an absolute path; CodeBuild reads the buildspec from the repository.`, fix: `Use a path relative to the repository root, e.g. "${relative(p.root, spec)}".` });
    return;
  }
  if (!existsSync(path)) {
    issues.push({ file: p.files.project, field, message: `the buildspec file ${spec} does not exist; buildspec paths are relative to the repository root (${p.root}).`, fix: `Create ${spec}, fix the path, or write the buildspec inline: buildspec: { version: 0.2, phases: { ... } }.` });
    return;
  }
  const { doc, lineCounter } = parseYamlFile(path);
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const message = err.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
    const column = err.linePos?.[0]?.col;
    issues.push({ file: path, line: err.linePos?.[0]?.line, message: `invalid YAML${column ? ` (column ${column})` : ""}: ${message}.`, fix: "Fix the YAML at that line: list items (-) and keys of one level must line up, and values with : or # need quotes." });
    return;
  }
  const value: unknown = doc.toJS();
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    issues.push({ file: path, field: "buildspec", message: "a buildspec must be a YAML mapping with version and phases.", fix: "Start it with `version: 0.2` and a `phases:` section." });
    return;
  }
  checkBuildspecObject(value as Record<string, unknown>, path, issues, "", (keys) => yamlKeyLine(doc, lineCounter, keys));
}

/** Line of the key at `keys` in a YAML document (1-based), for issues about a buildspec file. */
function yamlKeyLine(doc: Document, lines: LineCounter, keys: readonly string[]): number | undefined {
  const parent = keys.length > 1 ? doc.getIn(keys.slice(0, -1), true) : doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === keys[keys.length - 1]);
  const offset = isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

/**
 * An inline buildspec becomes one string property of the template; past CloudFormation's inline
 * template limit the deploy cannot succeed, so say so here, where the file and line are known.
 */
function checkInlineBuildspecSize(spec: Record<string, unknown>, file: string, issues: Issue[]): void {
  const bytes = Buffer.byteLength(stringify(spec, { lineWidth: 0, version: "1.1" }), "utf8");
  if (bytes <= TEMPLATE_BODY_LIMIT) return;
  issues.push({
    file,
    field: "buildspec",
    message: `the inline buildspec is ${bytes.toLocaleString("en-US")} bytes, so the template would exceed the ${TEMPLATE_BODY_LIMIT.toLocaleString("en-US")} bytes CloudFormation accepts.`,
    fix: `Move the buildspec to .cody/buildspec.yml (read by CodeBuild from the repository) and set buildspec: ".cody/buildspec.yml", or move long command lists into a script.`,
  });
}

function checkBuildspecObject(
  spec: Record<string, unknown>,
  file: string,
  issues: Issue[],
  prefix = "buildspec.",
  lineOf: (keys: readonly string[]) => number | undefined = () => undefined,
): void {
  const push = (keys: string[], message: string, fix: string) =>
    issues.push({ file, line: lineOf(keys), field: `${prefix}${keys.join(".")}`, message, fix });
  const version = String(spec.version);
  if (version !== "0.2" && version !== "0.1") {
    push(["version"], `buildspec version ${JSON.stringify(spec.version)} is not one CodeBuild reads.`, "Use version: 0.2.");
  }
  const phases = spec.phases;
  if (phases === undefined) {
    push(["phases"], "the buildspec has no phases, so a build would do nothing.", "Add phases: { build: { commands: [...] } }.");
    return;
  }
  if (typeof phases !== "object" || phases === null || Array.isArray(phases)) {
    push(["phases"], "phases must be a mapping of phase names.", "Use install, pre_build, build or post_build as keys.");
    return;
  }
  const known = ["install", "pre_build", "build", "post_build"];
  for (const [name, phase] of Object.entries(phases)) {
    if (!known.includes(name)) {
      const meant = closest(name, known);
      push(["phases", name], `"${name}" is not a buildspec phase.${meant ? ` Did you mean "${meant}"?` : ""} CodeBuild runs ${known.join(", ")}.`, meant ? `Rename the phase to ${meant}.` : `Use one of ${known.join(", ")}.`);
      continue;
    }
    const commands = (phase as { commands?: unknown } | null)?.commands;
    if (commands !== undefined && !(Array.isArray(commands) && commands.every((c) => typeof c === "string"))) {
      push(["phases", name, "commands"], "commands must be a list of strings.", 'Write commands: ["npm ci", "npm test"].');
    }
  }
}

function checkProperties(
  properties: Record<string, unknown> | undefined,
  known: string[],
  type: string,
  file: string,
  field: string,
  issues: Issue[],
): void {
  for (const key of Object.keys(properties ?? {})) {
    if (known.includes(key)) continue;
    const pascal = key.charAt(0).toUpperCase() + key.slice(1);
    const meant = known.includes(pascal) ? pascal : closest(key, known);
    const hint = known.includes(pascal) ? ` Raw properties are PascalCase: "${pascal}".` : meant ? ` Did you mean "${meant}"?` : "";
    issues.push({
      file,
      field: `${field}.${key}`,
      message: `"${key}" is not a property of ${type}.${hint} Known properties: ${known.join(", ")}.`,
      fix: meant ? `Rename "${key}" to "${meant}".` : `Remove "${key}", or use one of the known properties (spelled as in the CloudFormation reference).`,
    });
  }
}
