// `cody policy --boundary`: a recommended permissions boundary for the roles cody generates. A boundary
// is the most a role may ever do, whatever its own policy says; an administrator creates it once, and a
// deploy policy conditioned on it (iam:PermissionsBoundary) can no longer make a build role admin.
// It allows what CodeBuild roles legitimately need for cody's features, plus (inside a project) the
// project's own role statements as they are now, and denies IAM writes, Organizations and account
// changes outright, so even a widened role policy cannot reach them.
import { POLICY_VERSION } from "../synth/intrinsics";
import type { SynthResult } from "../synth/template";
import { isPlainObject, type PlainObject } from "../util/merge";
import type { IamStatement } from "../policy/evaluate";
import type { IamPolicy } from "./policy";

export interface BoundaryInput {
  synth?: SynthResult;
  partition?: string;
  region?: string;
  account?: string;
}

export interface BoundaryResult {
  policy: IamPolicy;
  /** Project statements left out (and why), for the user to review. */
  skipped: string[];
}

/** IAM writes a build role never needs; any of them could widen a role or remove a boundary. */
export const DENIED_IAM_WRITES = [
  "iam:Add*",
  "iam:Attach*",
  "iam:Change*",
  "iam:Create*",
  "iam:Deactivate*",
  "iam:Delete*",
  "iam:Detach*",
  "iam:Enable*",
  "iam:PassRole",
  "iam:Put*",
  "iam:Remove*",
  "iam:Reset*",
  "iam:Resync*",
  "iam:Set*",
  "iam:Tag*",
  "iam:Untag*",
  "iam:Update*",
  "iam:Upload*",
];

function baseline(partition: string, region: string, account: string): IamStatement[] {
  const arn = (service: string, resource: string, global = false) => `arn:${partition}:${service}:${global ? "" : region}:${account}:${resource}`;
  return [
    {
      Sid: "CodyBuildLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [arn("logs", "log-group:/aws/codebuild/*"), arn("logs", "log-group:/aws/codebuild/*:*")],
    },
    {
      Sid: "CodyBuildReports",
      Effect: "Allow",
      Action: ["codebuild:BatchPutCodeCoverages", "codebuild:BatchPutTestCases", "codebuild:CreateReport", "codebuild:CreateReportGroup", "codebuild:UpdateReport"],
      Resource: [arn("codebuild", "report-group/*")],
    },
    // The schedule's EventBridge or Scheduler role starts builds.
    { Sid: "CodyStartBuilds", Effect: "Allow", Action: ["codebuild:StartBuild"], Resource: [arn("codebuild", "project/*")] },
    // ssm() and secret() environment variables: CodeBuild reads them with the build role.
    {
      Sid: "CodyReferencedValues",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue", "ssm:GetParameters"],
      Resource: [arn("ssm", "parameter/*"), arn("secretsmanager", "secret:*")],
    },
    {
      Sid: "CodySourceAndImages",
      Effect: "Allow",
      Action: [
        "codecommit:GitPull",
        "codeconnections:GetConnectionToken",
        "codeconnections:UseConnection",
        "codestar-connections:GetConnectionToken",
        "codestar-connections:UseConnection",
        "ecr:BatchCheckLayerAvailability",
        "ecr:BatchGetImage",
        "ecr:GetAuthorizationToken",
        "ecr:GetDownloadUrlForLayer",
      ],
      Resource: "*",
    },
    // Builds in a VPC: CodeBuild creates the network interface with the build role.
    {
      Sid: "CodyVpcBuilds",
      Effect: "Allow",
      Action: [
        "ec2:CreateNetworkInterface",
        "ec2:CreateNetworkInterfacePermission",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      Resource: "*",
    },
  ];
}

const DENIES: IamStatement[] = [
  { Sid: "DenyIamWrites", Effect: "Deny", Action: DENIED_IAM_WRITES, Resource: "*" },
  { Sid: "DenyOrganizationsAndAccount", Effect: "Deny", Action: ["account:*", "organizations:*"], Resource: "*" },
];

function fill(value: unknown, partition: string, region: string, account: string, projectArn: string | undefined): string | undefined {
  if (isPlainObject(value) && Array.isArray(value["Fn::GetAtt"]) && value["Fn::GetAtt"][0] === "CodeBuild") return projectArn;
  const text = typeof value === "string" ? value : isPlainObject(value) && typeof value["Fn::Sub"] === "string" ? value["Fn::Sub"] : undefined;
  if (text === undefined) return undefined;
  const filled = text
    .replace(/\$\{AWS::Partition\}/g, partition)
    .replace(/\$\{AWS::Region\}/g, region)
    .replace(/\$\{AWS::AccountId\}/g, account)
    .replace(/\$\{AWS::URLSuffix\}/g, "amazonaws.com");
  return /\$\{/.test(filled) ? undefined : filled;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

/** The Allow statements of the template's roles, with their ARNs filled in. */
function projectStatements(synth: SynthResult, partition: string, region: string, account: string): { statements: IamStatement[]; skipped: string[] } {
  const statements: IamStatement[] = [];
  const skipped: string[] = [];
  const resources = synth.template.Resources;
  const project = Object.values(resources).find((r) => r.Type === "AWS::CodeBuild::Project");
  const name = isPlainObject(project?.Properties) && typeof project.Properties.Name === "string" ? project.Properties.Name : undefined;
  const projectArn = name ? `arn:${partition}:codebuild:${region}:${account}:project/${name}` : undefined;
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type !== "AWS::IAM::Role" || !isPlainObject(resource.Properties)) continue;
    for (const policy of list(resource.Properties.Policies)) {
      const document = isPlainObject(policy) && isPlainObject(policy.PolicyDocument) ? policy.PolicyDocument : undefined;
      list(document?.Statement).forEach((raw, i) => {
        if (!isPlainObject(raw)) return;
        const s: PlainObject = raw;
        const label = `${logicalId} ${typeof s.Sid === "string" ? s.Sid : `statement ${i + 1}`}`;
        if (s.Effect !== "Allow") return;
        if (s.NotAction !== undefined || s.NotResource !== undefined) {
          skipped.push(`${label}: NotAction/NotResource would allow nearly everything in a boundary`);
          return;
        }
        const actions = list(s.Action).filter((a): a is string => typeof a === "string");
        const filled = list(s.Resource).map((r) => fill(r, partition, region, account, projectArn));
        const known = filled.filter((r): r is string => r !== undefined);
        if (known.length < filled.length) skipped.push(`${label}: ${filled.length - known.length} resource(s) only known after deploy`);
        if (actions.length === 0 || known.length === 0) return;
        const statement: IamStatement = { Sid: `Project${logicalId}${i + 1}`.replace(/[^A-Za-z0-9]/g, ""), Effect: "Allow", Action: actions, Resource: known };
        if (isPlainObject(s.Condition)) statement.Condition = s.Condition as IamStatement["Condition"];
        statements.push(statement);
      });
    }
  }
  return { statements, skipped };
}

/** The recommended boundary: cody's baseline, the project's statements (inside a project), the denies. */
export function boundaryPolicy(input: BoundaryInput = {}): BoundaryResult {
  const partition = input.partition ?? "aws";
  const region = input.region ?? "*";
  const account = input.account ?? "*";
  const project = input.synth ? projectStatements(input.synth, partition, region, account) : { statements: [], skipped: [] };
  return {
    policy: { Version: POLICY_VERSION, Statement: [...baseline(partition, region, account), ...project.statements, ...DENIES] },
    skipped: project.skipped,
  };
}
