// Matching one IAM pattern against one concrete value: globs, actions, ARNs segment by segment (the rules
// are in the header of ./evaluate.ts). Sets of values are ./glob-sets.ts.
import type { IamStatement } from "./evaluate";

/** How results name a statement: its Sid, else its place in its own policy. */
export function statementId(statement: Pick<IamStatement, "Sid">, index: number): string {
  return statement.Sid || `Statement[${index}]`;
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** IAM glob: `*` matches any run (including none), `?` exactly one character; everything else literal. */
export function globMatch(pattern: string, text: string, ignoreCase = false): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const t = ignoreCase ? text.toLowerCase() : text;
  let pi = 0;
  let ti = 0;
  let starP = -1;
  let starT = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === "?" || (p[pi] === t[ti] && p[pi] !== "*"))) {
      pi++;
      ti++;
    } else if (pi < p.length && p[pi] === "*") {
      starP = pi++;
      starT = ti;
    } else if (starP !== -1) {
      pi = starP + 1;
      ti = ++starT;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === "*") pi++;
  return pi === p.length;
}

export const isAllWildcards = (s: string): boolean => s.length > 0 && /^\*+$/.test(s);

export function actionMatches(policyAction: string, requestAction: string): boolean {
  const pattern = policyAction.trim();
  if (isAllWildcards(pattern)) return true;
  const colon = pattern.indexOf(":");
  if (colon === -1) return false;
  const service = pattern.slice(0, colon);
  const name = pattern.slice(colon + 1);
  if (name.length === 0 || /\s/.test(name)) return false;
  const reqColon = requestAction.indexOf(":");
  if (reqColon === -1) return false;
  return globMatch(service, requestAction.slice(0, reqColon), true) && globMatch(name, requestAction.slice(reqColon + 1), true);
}

export interface ArnParts {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

/** The six segments of an ARN; the resource part keeps its own colons. */
export function splitArn(arn: string): ArnParts | undefined {
  return arn.startsWith("arn:") ? splitArnLoose(arn) : undefined;
}

/** splitArn without checking the `arn` prefix: Arn* conditions glob that segment too. */
export function splitArnLoose(arn: string): ArnParts | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(":") };
}

/** The resource-type prefix of an ARN's resource part, separator included: `role/`, `log-group:`, or "". */
function resourceTypePrefix(arn: ArnParts): string {
  if (arn.service === "s3" && arn.region === "" && arn.account === "") return ""; // bucket names have no type
  const slash = arn.resource.indexOf("/");
  const colon = arn.resource.indexOf(":");
  if (slash === -1 && colon === -1) return "";
  const first = slash === -1 ? colon : colon === -1 ? slash : Math.min(slash, colon);
  return arn.resource.slice(0, first + 1);
}

export function resourceMatches(policyResource: string, requestResource: string): boolean {
  if (isAllWildcards(policyResource)) return true;
  if (!policyResource.startsWith("arn:")) return globMatch(policyResource, requestResource);

  const segments = policyResource.split(":");
  while (segments.length < 6) segments.push("*"); // short ARN: the trailing segments are wildcards
  const policy = splitArn(segments.join(":"));
  const req = splitArn(requestResource);
  if (!policy || !req) return false;
  if (
    !globMatch(policy.partition, req.partition, true) ||
    !globMatch(policy.service, req.service, true) ||
    !globMatch(policy.region, req.region, true) ||
    !globMatch(policy.account, req.account, true)
  ) {
    return false;
  }
  const prefix = resourceTypePrefix(policy);
  if (!req.resource.startsWith(prefix)) return false;
  return globMatch(policy.resource.slice(prefix.length), req.resource.slice(prefix.length));
}
