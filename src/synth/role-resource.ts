// The CodeBuild service role (logical ID `IamRole`): least privilege by default. It may write only its
// own log group and read only the parameters and secrets the project references; no S3 read-all.
import { ECR_IMAGE } from "../config/build-environment";
import type { Resolved, ResolvedProject } from "../config/resolve";
import { deepMerge, type PlainObject } from "../util/merge";
import { parameterArn, secretArn } from "./environment-variables";
import { arn, POLICY_VERSION, sub } from "./intrinsics";

/** What cody's default statements are made from: the names, the VPC, and what resolve settled. */
export type StatementSource = Pick<ResolvedProject, "names" | "project"> & {
  resolved: Pick<Resolved, "source" | "environment" | "references" | "logGroup">;
};

export const ROLE_PATH = "/cody/";
/** The name of the inline policy that holds cody's statements and the role's iamPolicy. */
export const CODY_POLICY_NAME = "CodeBuildAccess";

/**
 * A trust policy for a service, guarded against the confused deputy: the service may assume the role
 * only on behalf of this account (aws:SourceAccount) and of the resources named (aws:SourceArn, ArnLike
 * so a pattern may stand for what AWS sends).
 */
export function trustPolicy(service: string, sourceArns: PlainObject | PlainObject[]): PlainObject {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          ArnLike: { "aws:SourceArn": sourceArns },
        },
      },
    ],
  };
}

/** The ARN of this project, known before CloudFormation creates it (a GetAtt would make a cycle with the role). */
export function projectArn(p: Pick<ResolvedProject, "names">): PlainObject {
  return arn("codebuild", `project/${p.names.fullProjectName}`);
}

/** A policy ARN as the template carries it: through Fn::Sub when it names ${AWS::Partition} or ${AWS::AccountId}. */
export function policyArnValue(value: string): string | PlainObject {
  return value.includes("${AWS::") ? sub(value) : value;
}

/** The boundary every role cody generates carries: the settings', else (for the build role) the role's own. */
export function settingsBoundary(p: Pick<ResolvedProject, "settings">): string | PlainObject | undefined {
  const boundary = p.settings.permissionsBoundary;
  return boundary ? policyArnValue(boundary) : undefined;
}

/** Whether a role's own boundary (a string or an intrinsic) is the one the settings require. */
export function sameBoundary(own: unknown, required: string): boolean {
  const value = typeof own === "string" ? policyArnValue(own) : own;
  return JSON.stringify(value) === JSON.stringify(policyArnValue(required));
}

export function roleResource(p: ResolvedProject): PlainObject {
  const role = p.role ?? {};
  const statements: PlainObject[] = role.replaceDefaults ? [] : defaultStatements(p);
  statements.push(...(role.iamPolicy ?? []).map(({ statement }) => ({ ...statement })));

  const properties: PlainObject = {
    Path: ROLE_PATH,
    Description: `CodeBuild service role for ${p.names.fullProjectName} (cody)`,
    AssumeRolePolicyDocument: trustPolicy("codebuild.amazonaws.com", projectArn(p)),
  };
  // Raw Policies are added next to cody's policy rather than replacing it (arrays replace in a deep
  // merge): replacing would silently drop the build's log writes and secret reads.
  const { Policies: rawPolicies, ...rawProperties } = role.properties ?? {};
  const policies: unknown[] = [];
  if (statements.length > 0) {
    policies.push({ PolicyName: CODY_POLICY_NAME, PolicyDocument: { Version: POLICY_VERSION, Statement: statements } });
  }
  if (Array.isArray(rawPolicies)) policies.push(...rawPolicies);
  if (policies.length > 0) properties.Policies = policies;
  if (role.managedIamPolicy?.length) properties.ManagedPolicyArns = role.managedIamPolicy.map(managedPolicyArn);
  const boundary = settingsBoundary(p) ?? (role.permissionsBoundary ? policyArnValue(role.permissionsBoundary) : undefined);
  if (boundary) properties.PermissionsBoundary = boundary;
  return { Type: "AWS::IAM::Role", Properties: deepMerge(properties, rawProperties) };
}

/** AWS managed policy names become ARNs; full ARNs (customer managed) pass through untouched. */
export function managedPolicyArn(name: string) {
  if (name.startsWith("arn:")) return policyArnValue(name);
  return sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);
}

/** cody's least-privilege statements for this project (before the role's own). */
export function defaultStatements(p: StatementSource): PlainObject[] {
  const { source, environment, references, logGroup } = p.resolved;
  const statements: PlainObject[] = [];
  const group = `log-group:${logGroup.name}`;
  statements.push({
    Sid: "WriteBuildLogs",
    Effect: "Allow",
    // With a managed log group the stack creates it, so the role need not.
    Action: logGroup.retentionDays
      ? ["logs:CreateLogStream", "logs:PutLogEvents"]
      : ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [arn("logs", group), arn("logs", `${group}:*`)],
  });

  const { parameters, secrets } = references;
  if (parameters.length > 0) {
    statements.push({ Sid: "ReadReferencedParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters.map(parameterArn) });
  }
  if (secrets.length > 0) {
    const arns = [...new Map(secrets.map((s) => [JSON.stringify(secretArn(s)), secretArn(s)])).values()];
    statements.push({ Sid: "ReadReferencedSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arns });
  }

  if (source.type === "CODECOMMIT" && source.location) {
    const repo = /\/repos\/([^/?#]+)/.exec(source.location)?.[1] ?? /^codecommit::[^:]*:\/\/(.+)$/.exec(source.location)?.[1];
    if (repo) statements.push({ Sid: "PullSource", Effect: "Allow", Action: "codecommit:GitPull", Resource: arn("codecommit", repo) });
  }
  if (source.type === "S3" && source.location) {
    statements.push({
      Sid: "ReadSource",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: sub(`arn:\${AWS::Partition}:s3:::${source.location}`),
    });
  }

  const ecr = ECR_IMAGE.exec(environment.image);
  if (ecr && environment.imagePullCredentials === "SERVICE_ROLE") {
    // The service role pulls a private ECR image: a token (which has no resource) and that repository only.
    statements.push({ Sid: "EcrToken", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
    statements.push({
      Sid: "PullBuildImage",
      Effect: "Allow",
      Action: ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      Resource: sub(`arn:\${AWS::Partition}:ecr:${ecr[2]}:${ecr[1]}:repository/${ecr[3]}`),
    });
  }

  const vpc = p.project.vpcConfig;
  if (vpc) statements.push(...vpcStatements(vpc));
  return statements;
}

/**
 * What CodeBuild needs to run builds in a VPC (AWS's documented policy), scoped where IAM allows it (per
 * the Service Authorization Reference): the Describe calls take only "*"; CreateNetworkInterface is
 * authorized on the new interface, the subnet and the security groups, so it names this project's;
 * DeleteNetworkInterface and CreateNetworkInterfacePermission are limited by the interface's subnet. The
 * subnet and security-group ARNs leave the account open: in a shared VPC they belong to its owner.
 */
function vpcStatements(vpc: { subnets: string[]; securityGroupIds: string[] }): PlainObject[] {
  const anyAccount = (resource: string) => sub(`arn:\${AWS::Partition}:ec2:\${AWS::Region}:*:${resource}`);
  const subnets = vpc.subnets.map((s) => anyAccount(`subnet/${s}`));
  const interfaces = arn("ec2", "network-interface/*");
  return [
    {
      Sid: "DescribeVpc",
      Effect: "Allow",
      Action: ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"],
      Resource: "*",
    },
    {
      Sid: "CreateNetworkInterface",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterface",
      Resource: [interfaces, ...subnets, ...vpc.securityGroupIds.map((g) => anyAccount(`security-group/${g}`))],
    },
    {
      Sid: "DeleteNetworkInterface",
      Effect: "Allow",
      Action: "ec2:DeleteNetworkInterface",
      Resource: interfaces,
      Condition: { ArnLike: { "ec2:Subnet": subnets } },
    },
    {
      Sid: "AttachToVpc",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterfacePermission",
      Resource: interfaces,
      Condition: {
        StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
        ArnLike: { "ec2:Subnet": subnets },
      },
    },
  ];
}
