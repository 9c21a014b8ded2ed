// References to parameters and secrets outside `environmentVariables`. There, `ssm()`/`secret()` make
// CodeBuild fetch the value per build; anywhere else (raw `properties`, an inline buildspec, ...) they
// would reach the template as an object where CloudFormation wants a string (cfn-lint E3012). The way to
// name a parameter or secret there is a CloudFormation dynamic reference string, resolved at deploy:
// `{{resolve:ssm:/path}}`, `{{resolve:secretsmanager:id:SecretString:key}}`. Those are checked here
// for the format of CloudFormation's "Using dynamic references" pages, so a typo fails before any AWS
// call; their parameters and secrets become the deployer's grants (src/iam/requirements.ts). Pure.
import type { Issue } from "../../errors";
import { closest } from "../../util/did-you-mean";
import { isPlainObject } from "../../util/merge";
import type { LoadedProject } from "../load-project";
import { secretRefProblem } from "../schema";

const SERVICES = ["ssm", "ssm-secure", "secretsmanager"] as const;
const PARAMETER_NAME = /^\/?[A-Za-z0-9_.\-/]+$/;
const PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]*:\d{12}:parameter\/[A-Za-z0-9_.\-/]+$/;
const SSM_EXAMPLE = "{{resolve:ssm:/team/token}}";
const SECRET_EXAMPLE = "{{resolve:secretsmanager:prod/github:SecretString:token}}";

interface SecretRefLike {
  type: "PARAMETER_STORE" | "SECRETS_MANAGER";
  value: string;
}

function isSecretRef(value: unknown): value is SecretRefLike {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value).sort().join(",");
  return keys === "type,value" && (value.type === "PARAMETER_STORE" || value.type === "SECRETS_MANAGER") && typeof value.value === "string";
}

/** The dynamic reference that names what `ssm(value)` / `secret(value)` name. */
export function dynamicReferenceFor(ref: SecretRefLike): string {
  if (ref.type === "PARAMETER_STORE") return `{{resolve:ssm:${ref.value}}}`;
  // secret(): id[:json-key[:version-stage[:version-id]]]; the reference puts SecretString after the id.
  const parts = ref.value.split(":");
  const idParts = ref.value.startsWith("arn:") ? 7 : 1;
  const id = parts.slice(0, idParts).join(":");
  const rest = parts.slice(idParts);
  return `{{resolve:secretsmanager:${id}${rest.length > 0 ? `:SecretString:${rest.join(":")}` : ""}}}`;
}

type Problem = { message: string; fix: string };

/** Why one `{{resolve:...}}` body (between `{{resolve:` and `}}`) is malformed, or undefined. */
export function dynamicReferenceProblem(body: string): Problem | undefined {
  const colon = body.indexOf(":");
  const service = colon < 0 ? body : body.slice(0, colon);
  const rest = colon < 0 ? "" : body.slice(colon + 1);
  if (!(SERVICES as readonly string[]).includes(service)) {
    const meant = closest(service, SERVICES);
    return {
      message: `"${service}" is not a dynamic reference service: CloudFormation resolves ssm, ssm-secure and secretsmanager.${meant ? ` Did you mean "${meant}"?` : ""}`,
      fix: meant ? `Write {{resolve:${meant}:${rest}}}.` : `Write ${SSM_EXAMPLE} or ${SECRET_EXAMPLE}.`,
    };
  }
  // `${...}` of an Fn::Sub string is filled in by CloudFormation before the reference is resolved.
  const text = rest.replace(/\$\{[^}]*\}/g, "x");
  if (service === "ssm-secure") {
    return {
      message: "CloudFormation resolves ssm-secure (SecureString) references only in a few properties of other services (RDS passwords, IAM login profiles, ...), none of which cody's resources have.",
      fix: 'For a build, use environmentVariables with ssm("/name") (CodeBuild decrypts it per build); elsewhere, keep the value in Secrets Manager and write {{resolve:secretsmanager:id:SecretString:key}}.',
    };
  }
  if (service === "ssm") return ssmProblem(text);
  return secretProblem(text);
}

function ssmProblem(text: string): Problem | undefined {
  // name[:version]; the name may be a parameter ARN (which has colons of its own).
  const arn = /^(arn:[^:]*:ssm:[^:]*:[^:]*:parameter\/[^:]*)(?::(.*))?$/.exec(text);
  const [name, version] = arn ? [arn[1]!, arn[2]] : [text.split(":")[0]!, text.includes(":") ? text.slice(text.indexOf(":") + 1) : undefined];
  if (name === "") return { message: "the reference names no parameter.", fix: `Write the parameter's name: ${SSM_EXAMPLE}.` };
  if (/[*?]/.test(name)) return { message: `"${name}" has a wildcard; a dynamic reference names one parameter exactly.`, fix: `Name one parameter: ${SSM_EXAMPLE}.` };
  if (!(PARAMETER_NAME.test(name) || PARAMETER_ARN.test(name))) {
    return { message: `"${name}" is not a parameter name: letters, digits and _ . - /, or a full parameter ARN.`, fix: `Write ${SSM_EXAMPLE}.` };
  }
  if (version !== undefined && !/^[1-9]\d*$/.test(version)) {
    return { message: `"${version}" is not a parameter version: after the name comes an optional version number (labels are not supported in dynamic references).`, fix: `Write {{resolve:ssm:${name}}} for the latest version, or {{resolve:ssm:${name}:3}} for version 3.` };
  }
  return undefined;
}

function secretProblem(text: string): Problem | undefined {
  // secret-id:SecretString:json-key:version-stage:version-id, all after the id optional.
  const parts = text.split(":");
  const idParts = text.startsWith("arn:") ? 7 : 1;
  const id = parts.slice(0, idParts).join(":");
  const [secretString, jsonKey, stage, versionId, ...extra] = parts.slice(idParts);
  const shape = `{{resolve:secretsmanager:${id || "prod/github"}:SecretString:json-key}}`;
  if (id === "") return { message: "the reference names no secret.", fix: `Write the secret's name or ARN: ${SECRET_EXAMPLE}.` };
  const idProblem = secretRefProblem({ type: "SECRETS_MANAGER", value: id });
  if (idProblem) return { message: idProblem.message.replace(/secret\(("[^"]*")\)/, "the secret id $1"), fix: `Name one secret exactly (its name or full ARN), e.g. ${SECRET_EXAMPLE}.` };
  if (secretString !== undefined && secretString !== "" && secretString !== "SecretString") {
    return {
      message: `"${secretString}" stands where CloudFormation expects SecretString: the reference is secret-id:SecretString:json-key:version-stage:version-id.`,
      fix: `Write ${shape.replace("json-key", secretString)}.`,
    };
  }
  if (jsonKey === "" && (stage ?? "") === "" && (versionId ?? "") === "" && secretString !== undefined) {
    return { message: "the reference ends in an empty segment.", fix: `Write {{resolve:secretsmanager:${id}}} for the whole secret, or ${shape} for one key.` };
  }
  if (extra.length === 0 && stage && versionId) return { message: "the reference names both a version stage and a version id; CloudFormation takes one of them.", fix: "Keep the stage (e.g. AWSCURRENT) or the version id, and leave the other segment empty." };
  if (extra.length > 0) return { message: `the reference has ${parts.length - idParts + 1} segments; a secret reference has at most five: secret-id:SecretString:json-key:version-stage:version-id.`, fix: `Write ${shape}.` };
  return undefined;
}

/** Every `{{resolve:...}}` of a string: the body, or undefined when it is not closed with `}}`. */
function referencesIn(text: string): Array<string | undefined> {
  const out: Array<string | undefined> = [];
  let at = text.indexOf("{{resolve:");
  while (at >= 0) {
    const start = at + "{{resolve:".length;
    const end = text.indexOf("}}", start);
    out.push(end < 0 ? undefined : text.slice(start, end));
    at = text.indexOf("{{resolve:", end < 0 ? start : end);
  }
  return out;
}

type Add = (field: string, message: string, fix: string) => void;

/** Walks a DSL value; `envVars` is true inside an `environmentVariables` object, where ssm()/secret() belong. */
function walk(value: unknown, path: string, envVars: boolean, add: Add): void {
  if (isSecretRef(value)) {
    if (envVars) return;
    const call = `${value.type === "PARAMETER_STORE" ? "ssm" : "secret"}(${JSON.stringify(value.value)})`;
    add(
      path,
      `${call} is a build-time reference, which cody writes only into environmentVariables; here CloudFormation would get an object where it expects a string.`,
      `Write the CloudFormation dynamic reference "${dynamicReferenceFor(value)}" instead (resolved when the stack deploys), or pass the value to the build through environmentVariables.`,
    );
    return;
  }
  if (typeof value === "string") {
    for (const body of referencesIn(value)) {
      if (body === undefined) {
        add(path, `"${value}" opens a dynamic reference with {{resolve: but never closes it with }}.`, `Close it: ${SSM_EXAMPLE}.`);
        continue;
      }
      const problem = dynamicReferenceProblem(body);
      if (problem) add(path, `{{resolve:${body}}}: ${problem.message}`, problem.fix);
      else if (envVars && body.startsWith("secretsmanager:")) {
        add(
          path,
          `{{resolve:${body}}} would put the secret's value into the project as plain text, visible to anyone who can read the project.`,
          `Use secret("${body.slice("secretsmanager:".length).replace(":SecretString:", ":").replace(/:SecretString$/, "")}") instead: CodeBuild fetches it per build and the value never enters the template.`,
        );
      }
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`, envVars, add));
  else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key, envVars || key === "environmentVariables", add);
  }
}

/** ssm()/secret() outside environmentVariables, and malformed dynamic references, in project, role and schedule. */
export function checkDynamicReferences(p: LoadedProject): Issue[] {
  const issues: Issue[] = [];
  const section = (value: unknown, file: string, prefix: string, skip: readonly string[] = []) => {
    if (!isPlainObject(value)) return;
    const add: Add = (field, message, fix) => issues.push({ file, field: `${prefix}${field}`, message, fix });
    for (const [key, item] of Object.entries(value)) if (!skip.includes(key)) walk(item, key, key === "environmentVariables", add);
  };
  const projectFile = p.files.project;
  // An inline role or schedule is also p.role / p.schedule: walk it once, as that.
  section(p.project, projectFile, "", ["role", "schedule"]);
  section(p.role, p.files.role ?? projectFile, p.files.role ? "" : "role.");
  section(p.schedule, p.files.schedule ?? projectFile, p.files.schedule ? "" : "schedule.");
  return issues;
}
