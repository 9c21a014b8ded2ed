// Privilege escalation through the stack's roles: can a holder of these policies write any permissions
// into a role cody deploys and then use them? Deploying a CodeBuild project means writing its role's
// policy, so a deploy policy without a permissions boundary always can: PutRolePolicy (or attaching
// AdministratorAccess) on the role, then PassRole to CodeBuild with UpdateProject/StartBuild (any
// buildspec runs with the role) or UpdateAssumeRolePolicy (trust itself and assume it). With the role
// writes conditioned on `iam:PermissionsBoundary`, a role without the boundary cannot be written: the
// holder gets at most the boundary's permissions. Evaluated offline, on a probe role with no boundary.
import { evaluatePolicies, type PolicyDocument } from "../policy/evaluate";
import type { Requirement } from "./requirements";

const PROBE_REGION = "us-east-1";
const PROBE_ACCOUNT = "123456789012";
const ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess";

export interface Escalation {
  /** The role pattern the probe stands for, as the requirement names it. */
  roles: string;
  /** How the holder writes permissions into a role (e.g. `iam:PutRolePolicy`). */
  write: string[];
  /** How the holder then uses them. */
  use: string[];
}

/** A concrete ARN that a pattern stands for: unknown region/account filled, wildcards replaced. */
function probe(pattern: string, partition: string): string {
  const parts = pattern.split(":");
  if (parts.length < 6) return pattern;
  if (parts[3] === "*") parts[3] = PROBE_REGION;
  if (parts[4] === "*") parts[4] = PROBE_ACCOUNT;
  parts[1] = partition;
  return parts.join(":").replace(/\*/g, "CodyEscalationProbe").replace(/\?/g, "x");
}

/** Whether the policies let their holder escalate through the roles the requirement deploys. */
export function findEscalation(policies: PolicyDocument[], requirements: Requirement[]): Escalation | undefined {
  const roles = requirements.find((r) => r.sid === "IamRoles")?.resources[0];
  if (!roles) return undefined;
  const partition = roles.split(":")[1] ?? "aws";
  const role = probe(roles, partition);
  const project = probe(requirements.find((r) => r.sid === "CodeBuildBuilds" || r.sid === "CodeBuildProject")?.resources[0] ?? "arn:aws:codebuild:*:*:project/*", partition);
  const allowed = (action: string, resource: string, context?: Record<string, string>) =>
    evaluatePolicies(policies, { action, resource, ...(context ? { context } : {}) }).decision === "allowed";

  const write: string[] = [];
  if (allowed("iam:PutRolePolicy", role)) write.push("iam:PutRolePolicy");
  if (allowed("iam:AttachRolePolicy", role, { "iam:PolicyARN": ADMIN_POLICY.replace("arn:aws:", `arn:${partition}:`) })) write.push("iam:AttachRolePolicy (AdministratorAccess)");
  if (write.length === 0) return undefined;

  const use: string[] = [];
  const run = ["codebuild:UpdateProject", "codebuild:StartBuild"].filter((a) => allowed(a, project));
  if (run.length > 0 && allowed("iam:PassRole", role, { "iam:PassedToService": "codebuild.amazonaws.com" })) {
    use.push(`run a build as the role: iam:PassRole to CodeBuild with ${run.join(" and ")}`);
  }
  if (allowed("iam:UpdateAssumeRolePolicy", role)) use.push("make the role trust itself and assume it: iam:UpdateAssumeRolePolicy");
  return use.length > 0 ? { roles, write, use } : undefined;
}

/** The plain account of an escalation, and how to close it. */
export function escalationMessage(e: Escalation, inProject: boolean): string {
  const setting = inProject
    ? "set `permissionsBoundary` in .cody/settings.ts (or pass --permissions-boundary ARN)"
    : "pass --permissions-boundary ARN (in a project: the `permissionsBoundary` setting)";
  return (
    `this policy allows privilege escalation: its holder can write any permissions into ${e.roles} ` +
    `with ${e.write.join(" or ")}, then use them (${e.use.join("; or ")}): that is admin-equivalent. ` +
    `Close it with a permissions boundary: create one (\`cody policy --boundary\` prints a recommended document), ` +
    `${setting}, and use the policy printed then: role writes are allowed only on roles that carry the boundary.`
  );
}

/** What remains with a boundary, said plainly. */
export function boundaryNote(boundary: string[]): string {
  return (
    `role writes are allowed only on roles with the permissions boundary ${boundary.join(", ")}: a holder of this policy can still ` +
    "give the stack's roles any permissions within that boundary and use them (run a build, or make a role trust itself), so keep the boundary narrow."
  );
}
