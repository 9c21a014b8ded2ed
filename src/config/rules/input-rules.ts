// Values that pass the schemas but that CloudFormation or CodeBuild would reject at deploy (or take
// and then misbehave with): webhook patterns, VPC ids, tags, the certificate location, reserved
// variable names and the buildspec file's encoding (tags: tag-rules.ts). Each issue names the file, the field and, where
// the value can be found in the source, its line. Pure apart from reading files; never calls AWS.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import type { Issue } from "../../errors";
import type { LoadedProject } from "../load-project";
import { utf8Problem } from "../utf8";
import { isPlainObject } from "../../util/merge";
import { readSource } from "../validate";
import { defaultBuildspecPath } from "./project-rules";
import { checkStackTags, checkTags } from "./tag-rules";
import { eventPatternProblem, regexPatternProblem } from "./webhook-patterns";

export { codyStackTagKeys, MAX_TAGS } from "./tag-rules";

/** CodeBuild's limits (API reference: CreateProject, VpcConfig). */
const MAX_SUBNETS = 16;
const MAX_SECURITY_GROUPS = 5;

/** A CloudFormation dynamic reference (`{{resolve:ssm:/vpc/subnet}}`) is resolved at deploy: not checkable here. */
const dynamicReference = (value: string) => value.startsWith("{{resolve:");

export function checkInputs(p: LoadedProject): Issue[] {
  const issues: Issue[] = [];
  const file = p.files.project;
  const source = readSource(file);
  /** An issue in project.ts, at the line of `value` after `anchor` when both are found. */
  const add = (field: string, message: string, fix: string, anchor?: string, value?: string) => {
    const line = anchor && value !== undefined ? valueLine(source, anchor, value) : undefined;
    issues.push({ file, ...(line ? { line } : {}), field, message, fix });
  };

  checkWebhookPatterns(p, add);
  checkVpc(p, add);
  checkTags(p, add);
  issues.push(...checkStackTags(p));
  checkCertificate(p, add);
  checkVariableNames(p, issues);
  checkRawProperties(p, add);
  checkSourceVersions(p, issues);
  checkImage(p, add);
  checkBuildspecEncoding(p, issues);
  return issues;
}

type Add = (field: string, message: string, fix: string, anchor?: string, value?: string) => void;

function checkWebhookPatterns(p: LoadedProject, add: Add): void {
  (p.project.triggers?.filterGroups ?? []).forEach((group, i) =>
    group.forEach((filter, j) => {
      const problem = filter.type === "EVENT" ? eventPatternProblem(filter.pattern) : regexPatternProblem(filter.pattern, filter.type);
      if (problem) add(`triggers.filterGroups[${i}][${j}].pattern`, problem.message, problem.fix, "filterGroups", filter.pattern);
    }),
  );
}

const ID_KINDS = [
  { prefix: "subnet-", what: "a subnet ID", plural: "subnet IDs", key: "subnets", raw: "Subnets" },
  { prefix: "sg-", what: "a security group ID", plural: "security group IDs", key: "securityGroupIds", raw: "SecurityGroupIds" },
  { prefix: "vpc-", what: "a VPC ID", plural: "VPC IDs", key: "vpcId", raw: "VpcId" },
] as const;

/** What is wrong with `value` as an ID of the `expected` kind, or undefined. */
function idProblem(value: string, expected: (typeof ID_KINDS)[number], raw = false): { message: string; fix: string } | undefined {
  if (dynamicReference(value) || value.startsWith(expected.prefix)) return undefined;
  const actual = ID_KINDS.find((k) => value.startsWith(k.prefix));
  if (actual) {
    return {
      message: `"${value}" is ${actual.what}, not ${expected.what}.`,
      fix: raw
        ? `Move "${value}" to properties.VpcConfig.${actual.raw}, and put ${expected.what} (${expected.prefix}...) in ${expected.raw}.`
        : `Move "${value}" to vpcConfig.${actual.key}, and put ${expected.what} (${expected.prefix}...) in ${expected.key}.`,
    };
  }
  const list = expected.key === "vpcId" ? "vpcs" : expected.key === "subnets" ? "subnets" : "security-groups";
  return {
    message: `"${value}" is not ${expected.what}: ${expected.plural} start with "${expected.prefix}".`,
    fix: `Use the ID (${expected.prefix}...), not a name or ARN; the VPC console and \`aws ec2 describe-${list}\` show it.`,
  };
}

function checkVpc(p: LoadedProject, add: Add): void {
  const vpc = p.project.vpcConfig;
  if (!vpc) return;
  const check = (value: string, field: string, expected: (typeof ID_KINDS)[number]) => {
    const problem = idProblem(value, expected);
    if (problem) add(field, problem.message, problem.fix, "vpcConfig", value);
  };
  check(vpc.vpcId, "vpcConfig.vpcId", ID_KINDS[2]);
  vpc.subnets.forEach((s, i) => check(s, `vpcConfig.subnets[${i}]`, ID_KINDS[0]));
  vpc.securityGroupIds.forEach((g, i) => check(g, `vpcConfig.securityGroupIds[${i}]`, ID_KINDS[1]));
  if (vpc.subnets.length > MAX_SUBNETS) {
    add("vpcConfig.subnets", `CodeBuild takes at most ${MAX_SUBNETS} subnets; this lists ${vpc.subnets.length}.`, `Keep ${MAX_SUBNETS} or fewer (private subnets with a NAT route, one or two per availability zone are enough).`);
  }
  if (vpc.securityGroupIds.length > MAX_SECURITY_GROUPS) {
    add("vpcConfig.securityGroupIds", `CodeBuild takes at most ${MAX_SECURITY_GROUPS} security groups; this lists ${vpc.securityGroupIds.length}.`, `Keep ${MAX_SECURITY_GROUPS} or fewer; combine their rules into one group if needed.`);
  }
}

/**
 * CodeBuild reads the certificate from S3: `arn:aws:s3:::bucket/key` or `bucket/key` (CodeBuild's
 * ProjectEnvironment.certificate). A path on the machine running cody never reaches the build.
 */
export function certificateProblem(value: string, root: string): { message: string; fix: string } | undefined {
  if (dynamicReference(value)) return undefined;
  const example = "arn:aws:s3:::my-bucket/certs/ca.pem";
  const s3Url = /^s3:\/\/([^/]+)\/(.+)$/i.exec(value);
  if (s3Url) return { message: `"${value}" is an S3 URL; CodeBuild wants the object's ARN or bucket/key.`, fix: `Write certificate: "arn:aws:s3:::${s3Url[1]}/${s3Url[2]}".` };
  const arn = /^arn:aws[a-z-]*:s3:::([^/]+)(\/.*)?$/.exec(value);
  if (arn) {
    return arn[2] && arn[2].length > 1
      ? undefined
      : { message: `"${value}" names a bucket but no object; the certificate is one PEM file in it.`, fix: `Add the object key: "${value.replace(/\/$/, "")}/path/to/ca.pem".` };
  }
  const local = isAbsolute(value) || /^(\.{1,2}[\\/]|~[\\/]|[A-Za-z]:\\)/.test(value) || value.includes("\\") || existsSync(join(root, value));
  if (local) {
    return {
      message: `"${value}" is a local file path; CodeBuild installs the certificate from S3, so a file on this machine never reaches the build.`,
      fix: `Upload the PEM file to S3 (aws s3 cp ${value} s3://my-bucket/certs/ca.pem) and write certificate: "${example}".`,
    };
  }
  const bucketKey = /^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(value);
  if (bucketKey) return undefined;
  return { message: `"${value}" is not an S3 location; CodeBuild reads the certificate from S3 (an object ARN, or bucket/key).`, fix: `Write certificate: "${example}".` };
}

function checkCertificate(p: LoadedProject, add: Add): void {
  const certificate = p.project.linuxEnvironment?.certificate;
  if (certificate === undefined) return;
  const problem = certificateProblem(certificate, p.root);
  if (problem) add("linuxEnvironment.certificate", problem.message, problem.fix, "certificate", certificate);
}

/** Variables CodeBuild sets in every build (its "Environment variables in build environments" page). */
const CODEBUILD_VARIABLES = [
  "CODEBUILD_BATCH_BUILD_IDENTIFIER", "CODEBUILD_BUILD_ARN", "CODEBUILD_BUILD_ID", "CODEBUILD_BUILD_IMAGE",
  "CODEBUILD_BUILD_NUMBER", "CODEBUILD_BUILD_SUCCEEDING", "CODEBUILD_INITIATOR", "CODEBUILD_KMS_KEY_ID",
  "CODEBUILD_LOG_PATH", "CODEBUILD_PROJECT_ARN", "CODEBUILD_PUBLIC_BUILD_URL", "CODEBUILD_RESOLVED_SOURCE_VERSION",
  "CODEBUILD_SOURCE_REPO_URL", "CODEBUILD_SOURCE_VERSION", "CODEBUILD_SRC_DIR", "CODEBUILD_START_TIME",
  "CODEBUILD_WEBHOOK_ACTOR_ACCOUNT_ID", "CODEBUILD_WEBHOOK_BASE_REF", "CODEBUILD_WEBHOOK_EVENT", "CODEBUILD_WEBHOOK_MERGE_COMMIT",
  "CODEBUILD_WEBHOOK_PREV_COMMIT", "CODEBUILD_WEBHOOK_HEAD_REF", "CODEBUILD_WEBHOOK_TRIGGER",
];

function reservedName(name: string): { message: string; fix: string } {
  const rename = `rename yours, e.g. ${name.replace(/^CODEBUILD_/, "APP_")}`;
  return {
    message: "names starting with CODEBUILD_ are reserved for the variables CodeBuild sets in every build (CODEBUILD_BUILD_ID, CODEBUILD_SRC_DIR, ...).",
    fix: CODEBUILD_VARIABLES.includes(name)
      ? `CodeBuild sets ${name} itself: read it in the buildspec as $${name} instead of setting it, or ${rename}.`
      : `Rename it, e.g. ${name.replace(/^CODEBUILD_/, "APP_")}.`,
  };
}

/** CodeBuild reserves the CODEBUILD_ prefix for the variables it sets itself. */
function checkVariableNames(p: LoadedProject, issues: Issue[]): void {
  const check = (variables: Record<string, unknown> | undefined, file: string, prefix: string) => {
    for (const name of Object.keys(variables ?? {})) {
      if (!name.startsWith("CODEBUILD_")) continue;
      issues.push({ file, field: `${prefix}environmentVariables.${name}`, ...reservedName(name) });
    }
  };
  check(p.project.environmentVariables, p.files.project, "");
  const schedule = p.schedule?.input?.environmentVariables;
  if (p.files.schedule) check(schedule, p.files.schedule, "input.");
  else check(schedule, p.files.project, "schedule.input.");
}

/**
 * The same values written as raw CloudFormation `properties`, which land in the template as they
 * are (the tags are checked with the DSL's, above). Lines come from the field path.
 */
function checkRawProperties(p: LoadedProject, add: Add): void {
  const props = p.project.properties;
  if (!props) return;
  const strings = (v: unknown): Array<[string, number]> => (Array.isArray(v) ? v.flatMap((x, i): Array<[string, number]> => (typeof x === "string" ? [[x, i]] : [])) : []);
  const vpc = isPlainObject(props.VpcConfig) ? props.VpcConfig : {};
  const idCheck = (value: string, field: string, kind: (typeof ID_KINDS)[number]) => {
    const problem = idProblem(value, kind, true);
    if (problem) add(field, problem.message, problem.fix);
  };
  if (typeof vpc.VpcId === "string") idCheck(vpc.VpcId, "properties.VpcConfig.VpcId", ID_KINDS[2]);
  for (const [s, i] of strings(vpc.Subnets)) idCheck(s, `properties.VpcConfig.Subnets[${i}]`, ID_KINDS[0]);
  for (const [g, i] of strings(vpc.SecurityGroupIds)) idCheck(g, `properties.VpcConfig.SecurityGroupIds[${i}]`, ID_KINDS[1]);

  const env = isPlainObject(props.Environment) ? props.Environment : {};
  if (typeof env.Certificate === "string") {
    const problem = certificateProblem(env.Certificate, p.root);
    if (problem) add("properties.Environment.Certificate", problem.message, problem.fix);
  }
  const variables = Array.isArray(env.EnvironmentVariables) ? env.EnvironmentVariables : [];
  variables.forEach((v: unknown, i) => {
    const name = isPlainObject(v) && typeof v.Name === "string" ? v.Name : undefined;
    if (name?.startsWith("CODEBUILD_")) add(`properties.Environment.EnvironmentVariables[${i}].Name`, reservedName(name).message, reservedName(name).fix);
  });
}

/**
 * What is wrong with a branch, tag or commit CodeBuild is to check out, by git's ref-name rules
 * (git check-ref-format). CodeBuild's own `ref^{commit}` form is allowed. A bad name deploys and
 * then fails every build at the source download.
 */
export function sourceVersionProblem(version: string): string | undefined {
  const name = version.replace(/\^\{[0-9a-fA-F]{7,40}\}$/, "");
  if (/\s/.test(name)) return "contains whitespace";
  const bad = /[~^:?*[\\]/.exec(name);
  if (bad) return `contains "${bad[0]}"`;
  if (name.includes("..")) return 'contains ".."';
  if (name.includes("@{")) return 'contains "@{"';
  if (name.includes("//")) return 'contains "//"';
  if (/^[./]|[./]$/.test(name)) return "starts or ends with . or /";
  if (/\.lock$/.test(name) || /\/\./.test(name)) return "has a component that starts with . or ends with .lock";
  return undefined;
}

function checkSourceVersions(p: LoadedProject, issues: Issue[]): void {
  const check = (value: string | undefined, file: string, field: string) => {
    const problem = value === undefined ? undefined : sourceVersionProblem(value);
    if (!problem) return;
    issues.push({
      file,
      field,
      message: `"${value}" is not a git branch, tag or commit name: it ${problem}, so every build would fail to check out the source.`,
      fix: 'Use the branch or tag name as git shows it (e.g. "main", "release/1.2"), a commit SHA, or "pr/42" for a pull request.',
    });
  };
  const project = p.project;
  // An S3 source's version is an object version ID, not a git name.
  const source = p.source;
  if (source.ok && source.type === "S3") return;
  check(project.gitBranch, p.files.project, "gitBranch");
  if (project.sourceVersion !== project.gitBranch) check(project.sourceVersion, p.files.project, "sourceVersion");
  const scheduled = p.schedule?.input?.sourceVersion;
  check(scheduled, p.files.schedule ?? p.files.project, p.files.schedule ? "input.sourceVersion" : "schedule.input.sourceVersion");
}

/**
 * A Docker image reference whose repository has upper case or spaces: CodeBuild takes it, and every
 * build then fails to pull it ("repository name must be lowercase").
 */
export function imageProblem(image: string): string | undefined {
  if (/\s/.test(image)) return "contains whitespace";
  const [first, ...rest] = image.split("/");
  // The first component is a registry when it looks like a host (a dot, a port or localhost).
  const registry = rest.length > 0 && (/[.:]/.test(first!) || first === "localhost");
  const repository = (registry ? rest : [first!, ...rest]).join("/").replace(/(@sha256:[0-9a-f]+|:[\w][\w.-]*)$/, "");
  if (/[A-Z]/.test(repository)) return `has upper case in the repository name "${repository}"`;
  return undefined;
}

function checkImage(p: LoadedProject, add: Add): void {
  for (const [field, image, anchor] of [
    ["linuxImage", p.project.linuxImage, "linuxImage"],
    ["linuxEnvironment.image", p.project.linuxEnvironment?.image, "image"],
  ] as const) {
    const problem = image === undefined ? undefined : imageProblem(image);
    if (problem) {
      add(
        field,
        `"${image}" is not a valid image reference: it ${problem}; CodeBuild would take it and every build would fail to pull it.`,
        `Write the repository in lower case, e.g. "${image!.trim().replace(/^[^:@]+/, (r) => r.toLowerCase())}".`,
        anchor,
        image,
      );
    }
  }
}

/** The buildspec file CodeBuild will read from the repository, when cody can see it. */
function buildspecFile(p: LoadedProject): string | undefined {
  const spec = p.project.buildspec;
  if (typeof spec === "object") return undefined;
  if (typeof spec === "string") return /^arn:aws[a-z-]*:s3:::/.test(spec) || isAbsolute(spec) ? undefined : join(p.root, spec);
  return join(p.root, defaultBuildspecPath(p.type));
}

function checkBuildspecEncoding(p: LoadedProject, issues: Issue[]): void {
  const path = buildspecFile(p);
  if (!path || !existsSync(path)) return;
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return; // a folder or unreadable: the buildspec rules report it
  }
  const problem = utf8Problem(bytes);
  if (problem) issues.push({ file: path, line: problem.line, message: problem.message, fix: problem.fix });
}

/**
 * The line of the first string literal equal to `value` after `anchor` in TypeScript source, in any
 * quoting; undefined when not found (the value is computed, or escaped differently).
 */
export function valueLine(source: string, anchor: string, value: string): number | undefined {
  const start = source.search(new RegExp(`\\b${anchor}\\b`));
  if (start < 0) return undefined;
  const forms = [JSON.stringify(value), `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`, `\`${value.replace(/\\/g, "\\\\")}\``, `"${value}"`, `'${value}'`];
  const hits = forms.map((f) => source.indexOf(f, start)).filter((i) => i >= 0);
  if (hits.length === 0) return undefined;
  return source.slice(0, Math.min(...hits)).split("\n").length;
}
