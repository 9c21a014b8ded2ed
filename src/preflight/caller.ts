// Who is calling: STS names the caller; an assumed role is resolved to its real role ARN (with its
// path), because the simulator rejects session ARNs and the local engine reads the role's policies.
import type { IdentityApi } from "../aws/clients";
import { splitArn } from "../policy/evaluate";
import { failureOf, isFatal } from "./reasons";

export type PrincipalKind = "user" | "role" | "root" | "federated-user";

export interface Principal {
  kind: PrincipalKind;
  /** The ARN STS returned (a session ARN for an assumed role). */
  callerArn: string;
  /** The ARN that was (or would be) checked: the user, or the role with its path. */
  arn: string;
  account: string;
  partition: string;
}

type Classified =
  | { type: "principal"; principal: Principal }
  | { type: "role"; roleName: string; base: Omit<Principal, "arn"> }
  | { type: "unsupported"; reason: string; principal?: Principal };

export function classifyCaller(callerArn: string): Classified {
  const arn = splitArn(callerArn);
  if (!arn) return { type: "unsupported", reason: `STS returned a caller ARN cody does not understand (${callerArn}).` };
  const base = { callerArn, account: arn.account, partition: arn.partition };
  if (arn.service === "iam" && arn.resource === "root") {
    return { type: "principal", principal: { ...base, kind: "root", arn: callerArn } };
  }
  if (arn.service === "iam" && arn.resource.startsWith("user/")) {
    return { type: "principal", principal: { ...base, kind: "user", arn: callerArn } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("user/")) {
    // Emulators (moto with dummy keys) answer `arn:aws:sts::A:user/N`; AWS itself uses the iam form.
    return { type: "principal", principal: { ...base, kind: "user", arn: `arn:${arn.partition}:iam::${arn.account}:${arn.resource}` } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("assumed-role/")) {
    // assumed-role/<RoleName>/<session>: the path is not in a session ARN, hence GetRole.
    const roleName = arn.resource.split("/")[1];
    if (roleName) return { type: "role", roleName, base: { ...base, kind: "role" } };
  }
  if (arn.service === "sts" && arn.resource.startsWith("federated-user/")) {
    return {
      type: "unsupported",
      principal: { ...base, kind: "federated-user", arn: callerArn },
      reason:
        `the caller is a federated user (${callerArn}, from GetFederationToken): IAM cannot simulate its permissions, ` +
        "which are the intersection of the issuing user's policies and the session policy.",
    };
  }
  return { type: "unsupported", reason: `the caller ${callerArn} is neither an IAM user nor an assumed role, so IAM cannot simulate it.` };
}

/** The caller, as the engines need it. */
export interface Caller {
  principal: Principal;
  /** STS's UserId: `AIDA…` for a user, `AROA…:session` for an assumed role (`aws:userid`). */
  userId?: string;
  /** The role's permissions boundary, from GetRole (an assumed role only). */
  roleBoundaryArn?: string;
}

export type CallerResult = { type: "caller"; caller: Caller } | { type: "could-not-run"; reason: string; principal?: Principal };

/** The last segment of a user or role ARN: `user/ci/deployer` → `deployer`. */
export function nameOf(arn: string): string {
  return arn.split("/").at(-1) ?? arn;
}

/**
 * GetCallerIdentity, then GetRole for an assumed role. Broken credentials (none, expired, rejected) are
 * the command's problem, not the preflight's: they propagate, and the command fails the same way it
 * would have. Anything else (throttled or failing after the SDK's retries) means "could not run".
 */
export async function resolveCaller(identity: IdentityApi): Promise<CallerResult> {
  let caller;
  try {
    caller = await identity.getCallerIdentity();
  } catch (error) {
    if (isFatal(error)) throw error;
    return { type: "could-not-run", reason: `cody could not tell who is calling: ${failureOf(error, "sts:GetCallerIdentity").text}` };
  }
  if (!caller.Arn) return { type: "could-not-run", reason: "sts:GetCallerIdentity returned no ARN." };
  const userId = caller.UserId ? { userId: caller.UserId } : {};

  const classified = classifyCaller(caller.Arn);
  if (classified.type === "unsupported") {
    return { type: "could-not-run", reason: classified.reason, ...(classified.principal ? { principal: classified.principal } : {}) };
  }
  if (classified.type === "principal") return { type: "caller", caller: { principal: classified.principal, ...userId } };

  const roleArn = `arn:${classified.base.partition}:iam::${classified.base.account}:role/${classified.roleName}`;
  try {
    const role = await identity.getRole({ RoleName: classified.roleName });
    if (!role.Role?.Arn) return { type: "could-not-run", reason: `iam:GetRole returned no ARN for role ${classified.roleName}.` };
    const boundary = role.Role.PermissionsBoundary?.PermissionsBoundaryArn;
    return {
      type: "caller",
      caller: { principal: { ...classified.base, arn: role.Role.Arn }, ...userId, ...(boundary ? { roleBoundaryArn: boundary } : {}) },
    };
  } catch (error) {
    if (isFatal(error)) throw error;
    return {
      type: "could-not-run",
      reason: `cannot find the path of role ${classified.roleName} (needed to check it): ${failureOf(error, "iam:GetRole", roleArn).text}`,
    };
  }
}
