// Which IAM actions exist, to catch a misspelt action in a role's statements before any AWS call (IAM
// accepts `s3:GetObjct` and the build later fails with access denied). The list is AWS's Service
// Authorization Reference as of the iam-data version in src/generated/iam-actions.ts, where each service's
// actions are compressed on their own: a check decodes only the services it names (a few hundred bytes
// for a typical role, against ~4 ms to decode the whole list in one piece), and a project whose role has
// no statements of its own decodes nothing.
import { createRequire } from "node:module";
import type * as Zlib from "node:zlib";
import { distance } from "fastest-levenshtein";
import { IAM_DATA_DATE, IAM_DATA_VERSION, iamActionsByService } from "../generated/iam-actions";
import { closest } from "../util/did-you-mean";

export { IAM_DATA_DATE, IAM_DATA_VERSION };

export const ACTIONS_REFERENCE = "https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html";

interface Service {
  /** The action names, space-separated, brotli-compressed, base64. */
  packed: string;
  names?: string[];
  lower?: Set<string>;
}

let catalog: Map<string, Service> | undefined;

function services(): Map<string, Service> {
  if (catalog) return catalog;
  catalog = new Map();
  for (const [prefix, packed] of Object.entries(iamActionsByService())) catalog.set(prefix, { packed });
  return catalog;
}

let zlib: typeof Zlib | undefined;
/** A service's action names, decoded on first use. */
function namesOf(entry: Service): string[] {
  // Required here rather than imported: loading node:zlib alone costs ~1.3 ms, which a project without
  // role statements should not pay. createRequire resolves built-ins from any path.
  zlib ??= createRequire(`${process.cwd()}/`)("node:zlib") as typeof Zlib;
  return (entry.names ??= zlib.brotliDecompressSync(Buffer.from(entry.packed, "base64")).toString("latin1").split(" "));
}

/** Every IAM service prefix ("s3", "ec2", …), sorted. */
export function iamServices(): string[] {
  return [...services().keys()];
}

/** The actions of a service prefix (any case), as AWS spells them; undefined for an unknown prefix. */
export function iamActionsOf(service: string): readonly string[] | undefined {
  const entry = services().get(service.toLowerCase());
  return entry && namesOf(entry);
}

/** True for an exact action (IAM compares them ignoring case): `s3:GetObject`, `S3:getobject`. */
export function isIamAction(action: string): boolean {
  const colon = action.indexOf(":");
  if (colon < 0) return false;
  const entry = services().get(action.slice(0, colon).toLowerCase());
  if (!entry) return false;
  entry.lower ??= new Set(iamActionsOf(action.slice(0, colon))!.map((n) => n.toLowerCase()));
  return entry.lower.has(action.slice(colon + 1).toLowerCase());
}

/** IAM's wildcards: `*` any run of characters, `?` one; case-insensitive. */
function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i");
}

export interface ActionProblem {
  message: string;
  /** The action the user most likely meant, when one is close. */
  suggestion?: string;
  fix: string;
}

const updateHint = (): string =>
  `Check the spelling against the Service Authorization Reference (${ACTIONS_REFERENCE}). ` +
  `cody's list is from ${IAM_DATA_DATE}: for an action AWS added since, update cody.`;

const withSuggestion = (message: string, suggestion: string | undefined, otherwise: string): ActionProblem =>
  suggestion ? { message: `${message} Did you mean "${suggestion}"?`, suggestion, fix: `Write "${suggestion}".` } : { message, fix: otherwise };

/**
 * Why `action` (an `Action`/`NotAction` entry: `s3:GetObject`, `s3:Get*`, `*`) is not an action IAM
 * knows, or undefined when it is one. A wildcard passes when it matches at least one action.
 */
export function iamActionProblem(action: string): ActionProblem | undefined {
  if (action === "*") return undefined;
  const quoted = `"${action}"`;
  const parts = action.split(":");
  if (parts.length !== 2 || !/^[A-Za-z0-9*?-]+$/.test(parts[0]) || !/^[A-Za-z0-9_*?-]+$/.test(parts[1])) {
    const service = parts.length === 1 && services().has(action.toLowerCase()) ? action.toLowerCase() : undefined;
    return {
      message: `${quoted} is not an IAM action: actions are written "service:Action", e.g. "s3:GetObject".`,
      fix: service ? `Write "${service}:*" for every ${service} action, or "${service}:<Action>" for one.` : 'Write "service:Action", or "*" for every action.',
    };
  }
  const [prefix, name] = parts;
  if (/[*?]/.test(prefix)) {
    const re = wildcard(prefix);
    if ([...services().keys()].some((s) => re.test(s))) return undefined;
    return { message: `${quoted} is not an IAM action: "${prefix}" matches no AWS service prefix.`, fix: 'Write the service prefix out, e.g. "s3:GetObject".' };
  }
  const actions = iamActionsOf(prefix);
  if (!actions) {
    return withSuggestion(
      `${quoted} is not an IAM action: no AWS service has the prefix "${prefix}".`,
      serviceSuggestion(prefix, name),
      `Use the service prefix of the Service Authorization Reference (${ACTIONS_REFERENCE}), e.g. "s3", "ecr", "secretsmanager".`,
    );
  }
  if (/[*?]/.test(name)) {
    const re = wildcard(name);
    if (actions.some((a) => re.test(a))) return undefined;
    return { message: `${quoted} matches no ${prefix.toLowerCase()} action.`, fix: updateHint() };
  }
  if (isIamAction(action)) return undefined;
  const meant = closest(name, actions);
  return withSuggestion(`${quoted} is not an IAM action.`, meant && `${prefix.toLowerCase()}:${meant}`, updateHint());
}

/** For a misspelt prefix: the nearest close prefix that has this action (or a close one). */
function serviceSuggestion(prefix: string, name: string): string | undefined {
  const lower = prefix.toLowerCase();
  const near = iamServices()
    .map((service) => ({ service, d: distance(lower, service) }))
    .filter((c) => c.d <= Math.max(2, Math.floor(prefix.length / 3)))
    .sort((a, b) => a.d - b.d);
  const wild = /[*?]/.test(name) ? wildcard(name) : undefined;
  for (const { service } of near) {
    const actions = iamActionsOf(service)!;
    if (wild) {
      if (actions.some((a) => wild.test(a))) return `${service}:${name}`;
      continue;
    }
    const meant = actions.find((a) => a.toLowerCase() === name.toLowerCase()) ?? closest(name, actions);
    if (meant) return `${service}:${meant}`;
  }
  return undefined;
}

/** Why `service` (a role shorthand such as "s3") is not an IAM service prefix, or undefined. */
export function iamServiceProblem(service: string): ActionProblem | undefined {
  if (services().has(service.toLowerCase())) return undefined;
  return withSuggestion(
    `"${service}" is not an AWS service prefix.`,
    closest(service, iamServices()),
    `Use the service prefix of the Service Authorization Reference (${ACTIONS_REFERENCE}), e.g. "s3", "ecr", "secretsmanager".`,
  );
}
