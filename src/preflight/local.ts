// The second engine: the caller's own IAM policies, read with IAM's read calls and evaluated with the
// offline evaluator (src/policy/evaluate.ts) on the same questions the simulator gets. For an IAM user:
// its inline and attached managed policies and those of its groups; for a role: its inline and attached
// policies; in both cases the permissions boundary, which must allow an action too.
//
// What it cannot see, and says so: service control policies, resource policies and session policies.
// None of those can grant what identity policies do not, so a local "denied" is a real denial of the
// identity policies; a local "passed" can still be narrowed by them.
import type { ContextEntry } from "@aws-sdk/client-iam";
import type { IdentityApi } from "../aws/clients";
import { actionMatches, asArray, evaluatePolicies, resourceMatches, splitArn, type ConditionValue, type PolicyDocument, type IamStatement } from "../policy/evaluate";
import { nameOf, type Caller } from "./caller";
import type { Plan, Verdict, Verdicts } from "./plan";
import { pool } from "./simulate";

/**
 * Every IAM call the local engine makes, by the resource it is made on. `cody policy` grants these as an
 * optional statement (the engine is an alternative to the simulator); the resources must cover managed
 * policies of both the account and AWS (`arn:aws:iam::aws:policy/...`), and users with a path.
 */
export const LOCAL_ENGINE_CALLS = {
  /** On the caller's user ARN. */
  user: ["iam:GetUser", "iam:ListUserPolicies", "iam:GetUserPolicy", "iam:ListAttachedUserPolicies", "iam:ListGroupsForUser"],
  /** On each group the user is in. */
  group: ["iam:ListGroupPolicies", "iam:GetGroupPolicy", "iam:ListAttachedGroupPolicies"],
  /** On the caller's role (GetRole is made anyway, for the role's path). */
  role: ["iam:GetRole", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"],
  /** On each attached managed policy and the permissions boundary. */
  policy: ["iam:GetPolicy", "iam:GetPolicyVersion"],
} as const;

/** A policy as read from IAM, with where it came from (for messages). */
export interface ReadPolicy {
  /** e.g. `inline policy cody of user deployer`, `arn:aws:iam::123456789012:policy/ci`. */
  origin: string;
  document: PolicyDocument;
}

/** The policies of one user or role. */
export interface IdentityPolicies {
  arn: string;
  kind: "user" | "role";
  identity: ReadPolicy[];
  boundary?: ReadPolicy;
}

/** An IAM read failed: which call, on what. */
export class PolicyReadError extends Error {
  constructor(
    readonly action: string,
    readonly target: string,
    override readonly cause: unknown,
  ) {
    super(`${action} on ${target} failed`);
  }
}

/** Runs one read; a failure names the call and what it was about. */
async function read<T>(action: string, target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new PolicyReadError(action, target, error);
  }
}

type Page = { IsTruncated?: boolean; Marker?: string } | undefined;

/** Every page of a list call (IAM lists page with Marker/IsTruncated). */
async function allPages<P extends Page, T>(action: string, target: string, call: (marker?: string) => Promise<P>, items: (page: NonNullable<P>) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  do {
    const page = await read(action, target, () => call(marker));
    if (!page) break;
    out.push(...(items(page as NonNullable<P>) ?? []));
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return out;
}

/**
 * A policy document as IAM returns it: URL-encoded (RFC 3986) JSON. Emulators sometimes return it
 * plain; both are accepted. Throws a readable Error for anything that is not a JSON object.
 */
export function decodePolicyDocument(text: string, origin: string): PolicyDocument {
  const trimmed = text.trim();
  let json = trimmed;
  if (!trimmed.startsWith("{")) {
    try {
      json = decodeURIComponent(trimmed);
    } catch {
      throw new Error(`${origin} is neither JSON nor URL-encoded JSON`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error(`${origin} is not valid JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error(`${origin} is not a JSON object`);
  const statement = (parsed as { Statement?: unknown }).Statement;
  const statements = (Array.isArray(statement) ? statement : statement === undefined ? [] : [statement]).filter(
    (s): s is IamStatement => typeof s === "object" && s !== null && !Array.isArray(s),
  );
  return { Version: String((parsed as { Version?: unknown }).Version ?? ""), Statement: statements };
}

function decoded(text: string | undefined, origin: string, action: string, target: string): ReadPolicy {
  try {
    return { origin, document: decodePolicyDocument(text ?? "", origin) };
  } catch (error) {
    throw new PolicyReadError(action, target, error);
  }
}

/** The default version of managed policies, each read once. */
async function managedPolicies(identity: IdentityApi, arns: string[]): Promise<ReadPolicy[]> {
  return pool([...new Set(arns)], 4, async (arn) => {
    const policy = await read("iam:GetPolicy", arn, () => identity.getPolicy({ PolicyArn: arn }));
    const version = policy?.Policy?.DefaultVersionId;
    if (!version) throw new PolicyReadError("iam:GetPolicy", arn, new Error(`no default version for ${arn}`));
    const answer = await read("iam:GetPolicyVersion", arn, () => identity.getPolicyVersion({ PolicyArn: arn, VersionId: version }));
    return decoded(answer?.PolicyVersion?.Document, arn, "iam:GetPolicyVersion", arn);
  });
}

async function userPolicies(identity: IdentityApi, arn: string): Promise<IdentityPolicies> {
  const UserName = nameOf(arn);
  const user = await read("iam:GetUser", arn, () => identity.getUser({ UserName }));
  const boundaryArn = user?.User?.PermissionsBoundary?.PermissionsBoundaryArn;
  const inlineNames = await allPages("iam:ListUserPolicies", arn, (Marker) => identity.listUserPolicies({ UserName, Marker }), (p) => p.PolicyNames);
  const inline = await pool(inlineNames, 4, async (PolicyName) => {
    const answer = await read("iam:GetUserPolicy", arn, () => identity.getUserPolicy({ UserName, PolicyName }));
    return decoded(answer?.PolicyDocument, `inline policy ${PolicyName} of user ${UserName}`, "iam:GetUserPolicy", arn);
  });
  const attached = await allPages("iam:ListAttachedUserPolicies", arn, (Marker) => identity.listAttachedUserPolicies({ UserName, Marker }), (p) => p.AttachedPolicies);
  const groups = await allPages("iam:ListGroupsForUser", arn, (Marker) => identity.listGroupsForUser({ UserName, Marker }), (p) => p.Groups);
  const groupInline: ReadPolicy[] = [];
  const managedArns = attached.flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : []));
  for (const group of groups) {
    const GroupName = group.GroupName;
    if (!GroupName) continue;
    const groupArn = group.Arn ?? GroupName;
    const names = await allPages("iam:ListGroupPolicies", groupArn, (Marker) => identity.listGroupPolicies({ GroupName, Marker }), (p) => p.PolicyNames);
    for (const PolicyName of names) {
      const answer = await read("iam:GetGroupPolicy", groupArn, () => identity.getGroupPolicy({ GroupName, PolicyName }));
      groupInline.push(decoded(answer?.PolicyDocument, `inline policy ${PolicyName} of group ${GroupName}`, "iam:GetGroupPolicy", groupArn));
    }
    const groupAttached = await allPages("iam:ListAttachedGroupPolicies", groupArn, (Marker) => identity.listAttachedGroupPolicies({ GroupName, Marker }), (p) => p.AttachedPolicies);
    managedArns.push(...groupAttached.flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : [])));
  }
  const managed = await managedPolicies(identity, managedArns);
  const boundary = boundaryArn ? (await managedPolicies(identity, [boundaryArn]))[0] : undefined;
  return { arn, kind: "user", identity: [...inline, ...groupInline, ...managed], ...(boundary ? { boundary } : {}) };
}

async function rolePolicies(identity: IdentityApi, arn: string, knownBoundary?: string | null): Promise<IdentityPolicies> {
  const RoleName = nameOf(arn);
  // The caller's own role was read already (GetRole, for its path); another role (a service role) is read here.
  const boundaryArn =
    knownBoundary !== undefined
      ? knownBoundary
      : (await read("iam:GetRole", arn, () => identity.getRole({ RoleName })))?.Role?.PermissionsBoundary?.PermissionsBoundaryArn;
  const inlineNames = await allPages("iam:ListRolePolicies", arn, (Marker) => identity.listRolePolicies({ RoleName, Marker }), (p) => p.PolicyNames);
  const inline = await pool(inlineNames, 4, async (PolicyName) => {
    const answer = await read("iam:GetRolePolicy", arn, () => identity.getRolePolicy({ RoleName, PolicyName }));
    return decoded(answer?.PolicyDocument, `inline policy ${PolicyName} of role ${RoleName}`, "iam:GetRolePolicy", arn);
  });
  const attached = await allPages("iam:ListAttachedRolePolicies", arn, (Marker) => identity.listAttachedRolePolicies({ RoleName, Marker }), (p) => p.AttachedPolicies);
  const managed = await managedPolicies(identity, attached.flatMap((a) => (a.PolicyArn ? [a.PolicyArn] : [])));
  const boundary = boundaryArn ? (await managedPolicies(identity, [boundaryArn]))[0] : undefined;
  return { arn, kind: "role", identity: [...inline, ...managed], ...(boundary ? { boundary } : {}) };
}

/** Reads the policies of every principal the plan asks about (the caller, and a service role if any). */
export async function readPolicies(identity: IdentityApi, plan: Plan, caller: Caller): Promise<Map<string, IdentityPolicies>> {
  const out = new Map<string, IdentityPolicies>();
  for (const source of new Set(plan.batches.map((b) => b.source))) {
    const kind = splitArn(source)?.resource.startsWith("user/") ? "user" : "role";
    const own = source === caller.principal.arn;
    const policies =
      kind === "user" ? await userPolicies(identity, source) : await rolePolicies(identity, source, own ? (caller.roleBoundaryArn ?? null) : undefined);
    out.set(source, policies);
  }
  return out;
}

// ---------------------------------------------------------------- evaluation

type Context = Record<string, string | string[]>;

/**
 * What a real request by this principal carries besides the batch's context: the principal keys IAM
 * sets on every request. `aws:userid` is STS's UserId, for a role `AROA…:session`.
 */
function principalContext(policies: IdentityPolicies, caller: Caller): Context {
  const arn = splitArn(policies.arn);
  const own = policies.arn === caller.principal.arn;
  return {
    "aws:PrincipalArn": policies.arn,
    ...(arn ? { "aws:PrincipalAccount": arn.account } : {}),
    "aws:PrincipalType": policies.kind === "user" ? "User" : "AssumedRole",
    ...(policies.kind === "user" ? { "aws:username": nameOf(policies.arn) } : {}),
    ...(own && caller.userId ? { "aws:userid": caller.userId } : {}),
    "aws:SecureTransport": "true",
  };
}

function contextOf(entries: ContextEntry[]): Context {
  return Object.fromEntries(
    entries.map((e) => [e.ContextKeyName ?? "", e.ContextKeyType?.endsWith("List") ? (e.ContextKeyValues ?? []) : (e.ContextKeyValues?.[0] ?? "")]),
  );
}

const VARIABLE = /\$\{([^}]*)\}/g;

/**
 * IAM's policy variables in Resource, NotResource and Condition values, substituted from the request's
 * context: `${aws:username}`, `${aws:PrincipalTag/team}` (when known), `${key, 'default'}`, and the
 * escapes `${*}`, `${?}`, `${$}`. An unknown variable stays as literal text, which matches no request
 * (as in IAM, where a statement whose variable has no value does not apply); it is reported.
 */
export function substituteVariables(document: PolicyDocument, context: Context, unresolved: Set<string>): PolicyDocument {
  if (!JSON.stringify(document).includes("${")) return document;
  const lower = new Map(Object.entries(context).map(([k, v]) => [k.toLowerCase(), v]));
  const one = (text: string): string =>
    text.replace(VARIABLE, (whole, inner: string) => {
      const [rawKey, rawDefault] = inner.split(/,(.*)/s);
      const key = rawKey.trim();
      if (key === "*" || key === "?" || key === "$") return key;
      const value = lower.get(key.toLowerCase());
      if (typeof value === "string") return value;
      const fallback = /^\s*'(.*)'\s*$/.exec(rawDefault ?? "")?.[1];
      if (fallback !== undefined) return fallback;
      unresolved.add(whole);
      return whole;
    });
  const many = <T extends string | string[] | undefined>(value: T): T => (value === undefined ? value : Array.isArray(value) ? (value.map(one) as T) : (one(value) as T));
  const statements = asArray(document.Statement).map((s) => {
    const out: IamStatement = { ...s };
    if (s.Resource !== undefined) out.Resource = many(s.Resource);
    if (s.NotResource !== undefined) out.NotResource = many(s.NotResource);
    if (s.Condition) {
      out.Condition = Object.fromEntries(
        Object.entries(s.Condition).map(([op, block]) => [
          op,
          Object.fromEntries(Object.entries(block ?? {}).map(([key, v]: [string, ConditionValue]) => [key, typeof v === "string" || Array.isArray(v) ? many(v) : v])),
        ]),
      );
    }
    return out;
  });
  return { ...document, Statement: statements };
}

/** Condition keys of statements that match the action and resource but are absent from the context. */
function missingKeys(documents: PolicyDocument[], action: string, resource: string, context: Context): string[] {
  const known = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const missing = new Set<string>();
  for (const statement of documents.flatMap((d) => asArray(d.Statement))) {
    const actionHit = statement.Action !== undefined ? asArray(statement.Action).some((a) => actionMatches(a, action)) : !asArray(statement.NotAction).some((a) => actionMatches(a, action));
    const resourceHit =
      statement.Resource !== undefined ? asArray(statement.Resource).some((r) => resourceMatches(r, resource)) : !asArray(statement.NotResource).some((r) => resourceMatches(r, resource));
    if (!actionHit || !resourceHit) continue;
    for (const [operator, block] of Object.entries(statement.Condition ?? {})) {
      if (/IfExists$|^Null$/.test(operator)) continue;
      for (const key of Object.keys(block ?? {})) if (!known.has(key.toLowerCase())) missing.add(key);
    }
  }
  return [...missing].sort();
}

export interface LocalVerdicts {
  verdicts: Verdicts;
  /** Policy variables that had no value in any request (the statements using them never applied). */
  unresolved: string[];
}

/** Evaluates every batch of the plan against the principals' policies: identity policies AND the boundary. */
export function localVerdicts(plan: Plan, policies: Map<string, IdentityPolicies>, caller: Caller): LocalVerdicts {
  const unresolved = new Set<string>();
  const verdicts = plan.batches.map((batch) => {
    const owner = policies.get(batch.source);
    const out = new Map<string, Verdict>();
    for (const action of batch.actions) {
      if (!owner) {
        out.set(action, { decision: "implicitDeny" });
        continue;
      }
      const context = { ...principalContext(owner, caller), ...contextOf(batch.context) };
      const request = { action, resource: batch.resource, context };
      const identityDocs = owner.identity.map((p) => substituteVariables(p.document, context, unresolved));
      const identity = evaluatePolicies(identityDocs, request).decision;
      const boundaryDocs = owner.boundary ? [substituteVariables(owner.boundary.document, context, unresolved)] : [];
      const boundary = owner.boundary ? evaluatePolicies(boundaryDocs, request).decision : "allowed";
      let verdict: Verdict;
      if (identity === "explicitDeny") verdict = { decision: "explicitDeny" };
      else if (boundary === "explicitDeny") verdict = { decision: "explicitDeny", blockedBy: "permissions-boundary" };
      else if (identity === "allowed" && boundary === "allowed") verdict = { decision: "allowed" };
      else if (identity === "allowed") verdict = { decision: "implicitDeny", blockedBy: "permissions-boundary" };
      else verdict = { decision: "implicitDeny" };
      if (verdict.decision !== "allowed") {
        const missing = missingKeys([...identityDocs, ...boundaryDocs], action, batch.resource, context);
        if (missing.length > 0) verdict.missingContext = missing;
      }
      out.set(action, verdict);
    }
    return out;
  });
  return { verdicts, unresolved: [...unresolved].sort() };
}
