// The CodeBuild service role (logical ID `IamRole`): least privilege by default. It may write only its
// own log group and read only the parameters and secrets the project references; no S3 read-all.
import type { LoadedProject } from "../config/load-project";
import { buildImage } from "../config/build-environment";
import { resolveSource } from "../config/source";
import type { PolicyStatement } from "../dsl/types";
import { deepMerge, type PlainObject } from "../util/merge";
import {
  parameterArn,
  referencedSecrets,
  secretArn,
  toEnvironmentVariables,
} from "./environment-variables";
import { arn, POLICY_VERSION, sub } from "./intrinsics";
import { ECR_IMAGE, imagePullCredentials } from "./project-resource";

export const ROLE_PATH = "/cody/";

/** A trust policy for a service, guarded against the confused deputy with aws:SourceAccount. */
export function trustPolicy(service: string): PlainObject {
  return {
    Version: POLICY_VERSION,
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } },
      },
    ],
  };
}

export function roleResource(p: LoadedProject): PlainObject {
  const role = p.role ?? {};
  const statements = role.replaceDefaults ? [] : defaultStatements(p);
  statements.push(...(role.iamPolicy ?? []).map(toStatement));

  const properties: PlainObject = {
    Path: ROLE_PATH,
    Description: `CodeBuild service role for ${p.names.fullProjectName} (cody)`,
    AssumeRolePolicyDocument: trustPolicy("codebuild.amazonaws.com"),
  };
  if (statements.length > 0) {
    properties.Policies = [
      { PolicyName: "CodeBuildAccess", PolicyDocument: { Version: POLICY_VERSION, Statement: statements } },
    ];
  }
  if (role.managedIamPolicy?.length) properties.ManagedPolicyArns = role.managedIamPolicy.map(managedPolicyArn);
  if (role.permissionsBoundary) properties.PermissionsBoundary = role.permissionsBoundary;
  return { Type: "AWS::IAM::Role", Properties: deepMerge(properties, role.properties) };
}

/** AWS managed policy names become ARNs; full ARNs (customer managed) pass through untouched. */
export function managedPolicyArn(name: string) {
  if (name.startsWith("arn:")) return name;
  return sub(`arn:\${AWS::Partition}:iam::aws:policy/${name}`);
}

function defaultStatements(p: LoadedProject): PlainObject[] {
  const name = p.names.fullProjectName;
  const statements: PlainObject[] = [];
  const logGroup = `log-group:/aws/codebuild/${name}`;
  statements.push({
    Sid: "WriteBuildLogs",
    Effect: "Allow",
    // With a managed log group the stack creates it, so the role need not.
    Action: p.project.logRetentionDays
      ? ["logs:CreateLogStream", "logs:PutLogEvents"]
      : ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    Resource: [arn("logs", logGroup), arn("logs", `${logGroup}:*`)],
  });

  const vars = [
    ...toEnvironmentVariables(p.project.environmentVariables),
    ...toEnvironmentVariables(p.schedule?.input?.environmentVariables),
  ];
  const { parameters, secrets } = referencedSecrets(vars);
  if (parameters.length > 0) {
    statements.push({ Sid: "ReadReferencedParameters", Effect: "Allow", Action: "ssm:GetParameters", Resource: parameters.map(parameterArn) });
  }
  if (secrets.length > 0) {
    const arns = [...new Map(secrets.map((s) => [JSON.stringify(secretArn(s)), secretArn(s)])).values()];
    statements.push({ Sid: "ReadReferencedSecrets", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arns });
  }

  const source = resolveSource(p.project);
  if (source.ok && source.type === "CODECOMMIT" && source.location) {
    const repo = /\/repos\/([^/?#]+)/.exec(source.location)?.[1] ?? /^codecommit::[^:]*:\/\/(.+)$/.exec(source.location)?.[1];
    if (repo) statements.push({ Sid: "PullSource", Effect: "Allow", Action: "codecommit:GitPull", Resource: arn("codecommit", repo) });
  }
  if (source.ok && source.type === "S3" && source.location) {
    statements.push({
      Sid: "ReadSource",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: sub(`arn:\${AWS::Partition}:s3:::${source.location}`),
    });
  }

  const image = buildImage(p.project);
  const ecr = ECR_IMAGE.exec(image);
  if (ecr && imagePullCredentials(image, p.project.linuxEnvironment?.imagePullCredentialsType) === "SERVICE_ROLE") {
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
  if (vpc) {
    // What CodeBuild needs to attach builds to a VPC (AWS's documented policy), the permission
    // itself scoped to this project's subnets.
    statements.push({
      Sid: "DescribeVpc",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      Resource: "*",
    });
    statements.push({
      Sid: "AttachToVpc",
      Effect: "Allow",
      Action: "ec2:CreateNetworkInterfacePermission",
      Resource: arn("ec2", "network-interface/*"),
      Condition: {
        StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
        ArnEquals: { "ec2:Subnet": vpc.subnets.map((s) => arn("ec2", `subnet/${s}`)) },
      },
    });
  }
  return statements;
}

/** A DSL statement (or shorthand) in IAM's own casing. */
export function toStatement(entry: string | PolicyStatement): PlainObject {
  if (typeof entry === "string") {
    return { Effect: "Allow", Action: entry.includes(":") ? entry : `${entry}:*`, Resource: "*" };
  }
  const out: PlainObject = {};
  if (entry.sid) out.Sid = entry.sid;
  out.Effect = entry.effect ?? "Allow";
  if (entry.action !== undefined) out.Action = entry.action;
  if (entry.notAction !== undefined) out.NotAction = entry.notAction;
  if (entry.resource !== undefined) out.Resource = entry.resource;
  if (entry.notResource !== undefined) out.NotResource = entry.notResource;
  if (entry.condition !== undefined) out.Condition = entry.condition;
  return out;
}
