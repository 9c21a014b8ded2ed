// What a template points at outside itself, and whether it exists: SSM parameters and secrets the
// builds read, managed and boundary policies the roles name, an existing service role. A typo there
// is otherwise found by a failed build or a rolled-back stack. Extraction is pure; the check goes
// through a narrow API (names only: a parameter's or secret's value is never read).
import type { ReferenceApi } from "../aws/apis";
import { errorChain } from "../aws/errors";
import { isPlainObject } from "../util/merge";
import type { TemplateLike } from "./template-diff";

export type { ReferenceApi };

export type ReferenceKind = "parameter" | "secret" | "policy" | "role";

export interface Reference {
  kind: ReferenceKind;
  /** The parameter name, secret id, policy ARN or role name, as it is looked up. */
  name: string;
  /** Where the template uses it, e.g. `CodeBuild environment variable API_TOKEN`. */
  usedBy: string[];
}

/** Where a reference's ${AWS::...} pseudo-parameters come from; an ARN still holding one is not checked. */
export interface ReferenceContext {
  partition: string;
  region: string;
  account?: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

export function templateReferences(template: TemplateLike, context?: ReferenceContext): Reference[] {
  const found = new Map<string, Reference>();
  const add = (kind: ReferenceKind, name: string | undefined, usedBy: string) => {
    if (!name) return;
    const key = `${kind}\n${name}`;
    const known = found.get(key);
    if (known) {
      if (!known.usedBy.includes(usedBy)) known.usedBy.push(usedBy);
    } else found.set(key, { kind, name, usedBy: [usedBy] });
  };
  for (const [id, resource] of Object.entries(template.Resources ?? {})) {
    if (!isPlainObject(resource)) continue;
    const props = isPlainObject(resource.Properties) ? resource.Properties : {};
    walkVariables(props, (variable) => {
      const what = `${id} environment variable ${variable.name}`;
      if (variable.type === "PARAMETER_STORE") add("parameter", parameterName(variable.value), what);
      if (variable.type === "SECRETS_MANAGER") add("secret", secretId(variable.value), what);
    });
    // Dynamic references: CloudFormation fails the deploy on a missing one. An ARN (a parameter shared
    // from another account) or a name with ${...} still in it cannot be looked up by name here.
    for (const [service, reference] of dynamicReferences(props)) {
      if (reference.includes("${")) continue;
      const what = `${id} dynamic reference`;
      if (service === "secretsmanager") add("secret", secretId(reference), what);
      else if (!reference.startsWith("arn:")) add("parameter", reference.split(":")[0], what);
    }
    if (resource.Type === "AWS::IAM::Role") {
      const managed = Array.isArray(props.ManagedPolicyArns) ? props.ManagedPolicyArns : [];
      for (const arn of managed) add("policy", resolve(arn, context), `${id} managed policy`);
      if (props.PermissionsBoundary !== undefined) add("policy", resolve(props.PermissionsBoundary, context), `${id} permissions boundary`);
    }
    if (resource.Type === "AWS::CodeBuild::Project" && typeof props.ServiceRole === "string") {
      add("role", roleName(props.ServiceRole), `${id} service role`);
    }
  }
  return [...found.values()];
}

interface Variable {
  name: string;
  type: string;
  value: string;
}

/**
 * Environment variables anywhere in a resource: CloudFormation's `{ Name, Type, Value }` and the
 * camelCase `{ name, type, value }` of a schedule target's Input, which is JSON inside a string.
 */
function walkVariables(value: unknown, visit: (v: Variable) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walkVariables(v, visit);
    return;
  }
  if (!isPlainObject(value)) return;
  const name = value.Name ?? value.name;
  const type = value.Type ?? value.type;
  const data = value.Value ?? value.value;
  if (typeof name === "string" && typeof type === "string" && typeof data === "string") visit({ name, type, value: data });
  for (const [key, v] of Object.entries(value)) {
    if (key === "Input" && typeof v === "string") {
      try {
        walkVariables(JSON.parse(v), visit);
      } catch {
        // Not JSON: no variables in it.
      }
    } else walkVariables(v, visit);
  }
}

/** `[service, reference]` of every `{{resolve:service:reference}}` in a value's strings (ssm-secure is cody's error). */
function dynamicReferences(value: unknown, out: Array<[string, string]> = []): Array<[string, string]> {
  if (typeof value === "string") {
    for (const m of value.matchAll(/\{\{resolve:(ssm|secretsmanager):([^}]+)\}\}/g)) out.push([m[1]!, m[2]!]);
  } else if (Array.isArray(value)) value.forEach((v) => dynamicReferences(v, out));
  else if (isPlainObject(value)) Object.values(value).forEach((v) => dynamicReferences(v, out));
  return out;
}

/** A parameter by name (`/demo/token`) or ARN (`arn:aws:ssm:r:a:parameter/demo/token` is `/demo/token`). */
export function parameterName(value: string): string {
  const m = /^arn:[^:]+:ssm:[^:]*:[^:]*:parameter(\/.*)$/.exec(value);
  return m ? m[1]! : value;
}

/** `secret-id[:json-key[:stage[:version]]]`; an ARN id keeps its own seven colon-separated parts. */
export function secretId(value: string): string {
  return value.startsWith("arn:") ? value.split(":").slice(0, 7).join(":") : value.split(":")[0]!;
}

/** A role's name from its ARN (the part after the last `/`), or the name itself. */
export function roleName(value: string): string {
  return value.startsWith("arn:") ? value.slice(value.lastIndexOf("/") + 1) : value;
}

/** A string or an `Fn::Sub` with only pseudo-parameters, as the ARN it becomes; undefined when it cannot be known. */
function resolve(value: unknown, context: ReferenceContext | undefined): string | undefined {
  const text = typeof value === "string" ? value : isPlainObject(value) && typeof value["Fn::Sub"] === "string" ? value["Fn::Sub"] : undefined;
  if (text === undefined) return undefined;
  if (!text.includes("${")) return text;
  if (!context) return undefined;
  const out = text
    .replaceAll("${AWS::Partition}", context.partition)
    .replaceAll("${AWS::Region}", context.region)
    .replaceAll("${AWS::AccountId}", context.account ?? "${AWS::AccountId}");
  return out.includes("${") ? undefined : out;
}

// ---------------------------------------------------------------- the check

export interface ReferenceCheck {
  missing: Reference[];
  /** Could not be checked (e.g. access denied), with why: neither missing nor known to exist. */
  unchecked: Array<Reference & { reason: string }>;
  found: Reference[];
}

const NOT_FOUND = new Set(["ResourceNotFoundException", "NoSuchEntityException", "NoSuchEntity", "ParameterNotFound"]);

function isNotFound(error: unknown): boolean {
  return errorChain(error).some((e) => typeof e.name === "string" && NOT_FOUND.has(e.name));
}

function reasonOf(error: unknown): string {
  const messages = errorChain(error).map((e) => (typeof e.message === "string" ? e.message : ""));
  return messages.find((m) => m.length > 0) ?? String(error);
}

export async function checkReferences(api: ReferenceApi, references: Reference[]): Promise<ReferenceCheck> {
  const result: ReferenceCheck = { missing: [], unchecked: [], found: [] };
  const parameters = references.filter((r) => r.kind === "parameter");
  // DescribeParameters takes up to 50 names per filter and returns metadata only, never a value.
  for (let i = 0; i < parameters.length; i += 50) {
    const batch = parameters.slice(i, i + 50);
    try {
      const seen = new Set<string>();
      let token: string | undefined;
      do {
        const page = await api.describeParameters({ ParameterFilters: [{ Key: "Name", Option: "Equals", Values: batch.map((p) => p.name) }], NextToken: token });
        for (const p of page.Parameters ?? []) if (p.Name) seen.add(p.Name);
        token = page.NextToken;
      } while (token);
      for (const p of batch) (seen.has(p.name) ? result.found : result.missing).push(p);
    } catch (error) {
      for (const p of batch) result.unchecked.push({ ...p, reason: reasonOf(error) });
    }
  }
  for (const reference of references.filter((r) => r.kind !== "parameter")) {
    try {
      if (reference.kind === "secret") await api.describeSecret({ SecretId: reference.name });
      if (reference.kind === "policy") await api.getPolicy({ PolicyArn: reference.name });
      if (reference.kind === "role") await api.getRole({ RoleName: reference.name });
      result.found.push(reference);
    } catch (error) {
      if (isNotFound(error)) result.missing.push(reference);
      else result.unchecked.push({ ...reference, reason: reasonOf(error) });
    }
  }
  return result;
}

const KIND_LABEL: Record<ReferenceKind, string> = { parameter: "SSM parameter", secret: "secret", policy: "policy", role: "role" };

/** One line per missing reference: what, its name, where it is used. */
export function formatMissing(check: ReferenceCheck): string[] {
  return [
    ...check.missing.map((r) => `  ${KIND_LABEL[r.kind]} ${r.name} does not exist (used by ${r.usedBy.join(", ")})`),
    ...check.unchecked.map((r) => `  ${KIND_LABEL[r.kind]} ${r.name} could not be checked: ${r.reason}`),
  ];
}
