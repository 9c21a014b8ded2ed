// A small IAM account for aws-sdk-client-mock: users, groups, roles and managed policies, answering
// the read calls the local preflight engine makes the way IAM does (documents URL-encoded, lists
// paged with Marker/IsTruncated, NoSuchEntity for what does not exist).
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  ListAttachedGroupPoliciesCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsForUserCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
} from "@aws-sdk/client-iam";
import type { AwsClientStub } from "aws-sdk-client-mock";
import type { PolicyDocument } from "../../src/policy/evaluate";

export interface FakeIdentity {
  path?: string;
  inline?: Record<string, PolicyDocument>;
  attached?: string[];
  boundary?: string;
}

export interface FakeAccount {
  account: string;
  users?: Record<string, FakeIdentity & { groups?: string[] }>;
  groups?: Record<string, Omit<FakeIdentity, "boundary">>;
  roles?: Record<string, FakeIdentity>;
  /** Customer managed policies by ARN (AWS managed ones too, if a test needs them). */
  managed?: Record<string, PolicyDocument>;
  /** Items per list page (default 100, as IAM's default MaxItems). */
  pageSize?: number;
  /** Return documents as plain JSON instead of URL-encoded (what moto does for GetPolicyVersion). */
  plain?: boolean;
}

/** IAM's encoding of policy documents: RFC 3986 percent-encoding of the JSON. */
export function urlEncoded(document: PolicyDocument): string {
  return encodeURIComponent(JSON.stringify(document)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function noSuchEntity(what: string): IAMServiceException {
  return new IAMServiceException({ name: "NoSuchEntity", $fault: "client", $metadata: { httpStatusCode: 404 }, message: `The ${what} cannot be found.` });
}

export function fakeIam(iam: AwsClientStub<IAMClient>, fake: FakeAccount): void {
  const size = fake.pageSize ?? 100;
  const doc = (d: PolicyDocument) => (fake.plain ? JSON.stringify(d) : urlEncoded(d));
  function page<T>(items: T[], marker: string | undefined): { items: T[]; IsTruncated: boolean; Marker?: string } {
    const start = marker ? Number(marker) : 0;
    const end = start + size;
    return { items: items.slice(start, end), IsTruncated: end < items.length, ...(end < items.length ? { Marker: String(end) } : {}) };
  }
  const user = (name = "") => {
    const u = fake.users?.[name];
    if (!u) throw noSuchEntity(`user with name ${name}`);
    return u;
  };
  const group = (name = "") => {
    const g = fake.groups?.[name];
    if (!g) throw noSuchEntity(`group with name ${name}`);
    return g;
  };
  const role = (name = "") => {
    const r = fake.roles?.[name];
    if (!r) throw noSuchEntity(`role with name ${name}`);
    return r;
  };
  const arnOf = (kind: string, name: string, path = "/") => `arn:aws:iam::${fake.account}:${kind}${path}${name}`;
  const boundary = (arn?: string) => (arn ? { PermissionsBoundary: { PermissionsBoundaryType: "Policy" as const, PermissionsBoundaryArn: arn } } : {});
  const attachedOf = (arns: string[] = []) => arns.map((PolicyArn) => ({ PolicyArn, PolicyName: PolicyArn.split("/").at(-1) }));

  iam.on(GetUserCommand).callsFake(({ UserName }) => {
    const u = user(UserName);
    return { User: { UserName, Path: u.path ?? "/", Arn: arnOf("user", UserName ?? "", u.path), UserId: "AIDAFAKE", CreateDate: new Date(0), ...boundary(u.boundary) } };
  });
  iam.on(ListUserPoliciesCommand).callsFake(({ UserName, Marker }) => {
    const { items, ...rest } = page(Object.keys(user(UserName).inline ?? {}), Marker);
    return { PolicyNames: items, ...rest };
  });
  iam.on(GetUserPolicyCommand).callsFake(({ UserName, PolicyName }) => {
    const d = user(UserName).inline?.[PolicyName ?? ""];
    if (!d) throw noSuchEntity(`user policy ${PolicyName}`);
    return { UserName, PolicyName, PolicyDocument: doc(d) };
  });
  iam.on(ListAttachedUserPoliciesCommand).callsFake(({ UserName, Marker }) => {
    const { items, ...rest } = page(attachedOf(user(UserName).attached), Marker);
    return { AttachedPolicies: items, ...rest };
  });
  iam.on(ListGroupsForUserCommand).callsFake(({ UserName, Marker }) => {
    const groups = (user(UserName).groups ?? []).map((GroupName) => ({ GroupName, Arn: arnOf("group", GroupName), Path: "/", GroupId: "AGPAFAKE", CreateDate: new Date(0) }));
    const { items, ...rest } = page(groups, Marker);
    return { Groups: items, ...rest };
  });
  iam.on(ListGroupPoliciesCommand).callsFake(({ GroupName, Marker }) => {
    const { items, ...rest } = page(Object.keys(group(GroupName).inline ?? {}), Marker);
    return { PolicyNames: items, ...rest };
  });
  iam.on(GetGroupPolicyCommand).callsFake(({ GroupName, PolicyName }) => {
    const d = group(GroupName).inline?.[PolicyName ?? ""];
    if (!d) throw noSuchEntity(`group policy ${PolicyName}`);
    return { GroupName, PolicyName, PolicyDocument: doc(d) };
  });
  iam.on(ListAttachedGroupPoliciesCommand).callsFake(({ GroupName, Marker }) => {
    const { items, ...rest } = page(attachedOf(group(GroupName).attached), Marker);
    return { AttachedPolicies: items, ...rest };
  });
  iam.on(GetRoleCommand).callsFake(({ RoleName }) => {
    const r = role(RoleName);
    return { Role: { RoleName, Path: r.path ?? "/", Arn: arnOf("role", RoleName ?? "", r.path), RoleId: "AROAFAKE", CreateDate: new Date(0), ...boundary(r.boundary) } };
  });
  iam.on(ListRolePoliciesCommand).callsFake(({ RoleName, Marker }) => {
    const { items, ...rest } = page(Object.keys(role(RoleName).inline ?? {}), Marker);
    return { PolicyNames: items, ...rest };
  });
  iam.on(GetRolePolicyCommand).callsFake(({ RoleName, PolicyName }) => {
    const d = role(RoleName).inline?.[PolicyName ?? ""];
    if (!d) throw noSuchEntity(`role policy ${PolicyName}`);
    return { RoleName, PolicyName, PolicyDocument: doc(d) };
  });
  iam.on(ListAttachedRolePoliciesCommand).callsFake(({ RoleName, Marker }) => {
    const { items, ...rest } = page(attachedOf(role(RoleName).attached), Marker);
    return { AttachedPolicies: items, ...rest };
  });
  iam.on(GetPolicyCommand).callsFake(({ PolicyArn }) => {
    if (!fake.managed?.[PolicyArn ?? ""]) throw noSuchEntity(`policy ${PolicyArn}`);
    return { Policy: { Arn: PolicyArn, PolicyName: PolicyArn?.split("/").at(-1), DefaultVersionId: "v3" } };
  });
  iam.on(GetPolicyVersionCommand).callsFake(({ PolicyArn, VersionId }) => {
    const d = fake.managed?.[PolicyArn ?? ""];
    if (!d || VersionId !== "v3") throw noSuchEntity(`policy version ${VersionId} of ${PolicyArn}`);
    return { PolicyVersion: { VersionId, IsDefaultVersion: true, Document: doc(d) } };
  });
}
