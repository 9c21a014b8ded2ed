// Warnings about what the build role lets a build do: valid input that deploys, but hands every build
// (or a stranger's pull request) more power than a build should have. Pure: the commands print them on
// stderr and put them in --json; they never stop a synth or deploy.
import { relative } from "node:path";
import type { ResolvedProject } from "../config/resolve";
import type { RoleStatement } from "../config/resolve";
import { formatPath } from "../config/validate";

/** Services whose whole action set lets the holder act as someone else or change who may do what. */
const SENSITIVE = ["iam", "sts", "organizations", "kms", "cloudformation"];
const ADMIN_POLICIES = ["AdministratorAccess", "IAMFullAccess"];

/** IAM's wildcards on an action name: `*` any run, `?` one character; case-insensitive. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
  return re.test(action);
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function synthWarnings(p: ResolvedProject): string[] {
  const warnings: string[] = [];
  if (!p.project.serviceRole) warnings.push(...roleWarnings(p));
  warnings.push(...pullRequestWarnings(p));
  return warnings;
}

function roleWarnings(p: ResolvedProject): string[] {
  const file = relative(p.root, p.files.role ?? p.files.project);
  const prefix = p.files.role ? "" : "role.";
  const out: string[] = [];
  const at = (s: RoleStatement, key?: string) => `${file} ${prefix}${formatPath(key ? [...s.path, key] : s.path)}`;
  for (const s of p.role?.iamPolicy ?? []) {
    const { statement } = s;
    if (statement.Effect !== "Allow") continue;
    const actionKey = s.shorthand === undefined ? (s.keys.Action ?? s.keys.NotAction) : undefined;
    if (statement.NotAction !== undefined) {
      out.push(`${at(s, actionKey)}: Allow with NotAction grants every action of every service except those listed, IAM's and STS's included. List the actions the build needs in Action instead.`);
      continue;
    }
    const actions = list(statement.Action);
    const whole = actions.filter((a) => a === "*" || SENSITIVE.some((svc) => a.toLowerCase() === `${svc}:*`));
    for (const action of whole) {
      const what = action === "*" ? "every action of every service" : `the whole ${action.split(":")[0]} service`;
      out.push(`${at(s, actionKey)}: "${action}" gives every build ${what}: ${consequence(action)} Grant the actions the build needs, on the resources it needs.`);
    }
    if (whole.length > 0) continue;
    if (actions.some((a) => actionMatches(a, "iam:PassRole")) && passesAnyRole(statement.Resource, statement.NotResource)) {
      out.push(
        `${at(s, s.keys.Resource ?? s.keys.NotResource)}: iam:PassRole on every role lets a build hand any role of the account (an administrator's too) to a service it can drive. ` +
          'Name the roles, e.g. Resource: "arn:aws:iam::123456789012:role/deploy-target", with Condition: { StringEquals: { "iam:PassedToService": "lambda.amazonaws.com" } }.',
      );
    }
  }
  (p.role?.managedIamPolicy ?? []).forEach((name, i) => {
    const base = name.split("/").pop() ?? name;
    if (ADMIN_POLICIES.includes(base)) {
      out.push(`${file} ${prefix}managedIamPolicy[${i}]: ${base} gives every build ${base === "IAMFullAccess" ? "all of IAM, so it can grant itself anything" : "every permission in the account"}. Grant what the build needs with iamPolicy statements instead.`);
    }
  });
  return out;
}

function consequence(action: string): string {
  const service = action === "*" ? "*" : action.split(":")[0]!.toLowerCase();
  switch (service) {
    case "iam":
      return "it can create roles and policies and grant itself anything.";
    case "sts":
      return "it can assume any role that trusts the account.";
    case "organizations":
      return "it can change the organization's accounts and policies.";
    case "kms":
      return "it can decrypt with, and change the policies of, the account's keys.";
    case "cloudformation":
      return "it can create stacks that make any resource, roles included, with the stack's permissions.";
    default:
      return "the build is an administrator.";
  }
}

/** A PassRole grant on "*", on every role (`...:role/*`, `...:*`), or on everything but a few (NotResource). */
function passesAnyRole(resource: unknown, notResource: unknown): boolean {
  if (notResource !== undefined) return true;
  return list(resource).some((r) => typeof r === "string" && (r === "*" || /:role\/\*$/.test(r) || /^arn:[^:]*:iam::[^:]*:\*$/.test(r)));
}

/**
 * A webhook that builds pull requests runs the pull request's own buildspec. From a fork, that is a
 * stranger's code: with privileged mode or the project's secrets, it can take them. CodeBuild's
 * ACTOR_ACCOUNT_ID filter limits the builds to trusted authors.
 */
function pullRequestWarnings(p: ResolvedProject): string[] {
  const project = p.project;
  if (!p.resolved.webhook) return [];
  const privileged = p.resolved.environment.privileged;
  const secrets = p.resolved.environment.variables
    .filter((v) => v.Type !== "PLAINTEXT")
    .map((v) => v.Name);
  if (!privileged && secrets.length === 0) return [];
  const file = relative(p.root, p.files.project);
  const what = [privileged && "privileged mode", secrets.length > 0 && `the secrets ${secrets.join(", ")}`].filter(Boolean).join(" and ");
  const fix =
    'Add { type: "ACTOR_ACCOUNT_ID", pattern: "^(1234567|7654321)$" } with the IDs of the authors you trust, or build pull requests in a project without secrets or privileged mode.';
  const groups = project.triggers?.filterGroups ?? [];
  if (groups.length === 0) {
    return [`${file} triggers: the webhook builds every push and pull request with ${what}, and nothing limits who opens them: a pull request from a fork would run its own buildspec with them. ${fix.replace("Add", "Add a filter group with an EVENT filter and")}`];
  }
  const out: string[] = [];
  groups.forEach((group, i) => {
    const pullRequests = group.some((f) => f.type === "EVENT" && !f.excludeMatchedPattern && /PULL_REQUEST_/.test(f.pattern));
    const trusted = group.some((f) => f.type === "ACTOR_ACCOUNT_ID" && !f.excludeMatchedPattern);
    if (pullRequests && !trusted) {
      out.push(`${file} triggers.filterGroups[${i}]: pull request builds run with ${what}, and this group has no ACTOR_ACCOUNT_ID filter: a pull request from a fork would run its own buildspec with them. ${fix}`);
    }
  });
  return out;
}
