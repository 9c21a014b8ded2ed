// The security team writes this role's policy in full: `replaceDefaults` drops cody's default
// statements (logs, referenced parameters and secrets, CodeCommit pull, VPC access), so every
// permission the build needs is listed here. The role also gets a permissions boundary.
import { defineRole } from "codybuild";

const account = "123456789012";
const region = "us-east-1";

export default defineRole(({ fullProjectName }) => ({
  replaceDefaults: true,
  iamPolicy: [
    {
      sid: "Logs",
      action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
      resource: [
        `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${fullProjectName}`,
        `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${fullProjectName}:*`,
      ],
    },
    { sid: "Source", action: "codecommit:GitPull", resource: `arn:aws:codecommit:${region}:${account}:payments` },
    {
      sid: "Parameters",
      action: "ssm:GetParameters",
      resource: `arn:aws:ssm:${region}:${account}:parameter/payments/*`,
    },
    {
      sid: "Secrets",
      action: "secretsmanager:GetSecretValue",
      resource: [
        `arn:aws:secretsmanager:${region}:${account}:secret:payments/db-??????`,
        `arn:aws:secretsmanager:${region}:${account}:secret:payments/stripe-AbCdEf`,
      ],
    },
    {
      sid: "Vpc",
      action: [
        "ec2:CreateNetworkInterface",
        "ec2:DeleteNetworkInterface",
        "ec2:DescribeDhcpOptions",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
      ],
      resource: "*",
    },
    {
      sid: "VpcAttach",
      action: "ec2:CreateNetworkInterfacePermission",
      resource: `arn:aws:ec2:${region}:${account}:network-interface/*`,
      condition: {
        StringEquals: { "ec2:AuthorizedService": "codebuild.amazonaws.com" },
        ArnEquals: {
          "ec2:Subnet": [
            `arn:aws:ec2:${region}:${account}:subnet/subnet-0123456789abcdef0`,
            `arn:aws:ec2:${region}:${account}:subnet/subnet-0fedcba9876543210`,
          ],
        },
      },
    },
    { sid: "Certificate", action: "s3:GetObject", resource: "arn:aws:s3:::acme-build-certs/internal-ca.pem" },
    // Belt and braces: whatever a managed policy allows, never touch anything outside the payments secrets.
    {
      sid: "OnlyPaymentsSecrets",
      effect: "Deny",
      action: "secretsmanager:*",
      notResource: `arn:aws:secretsmanager:${region}:${account}:secret:payments/*`,
    },
    { sid: "NoIam", effect: "Deny", notAction: ["iam:Get*", "iam:List*"], resource: `arn:aws:iam::${account}:*` },
  ],
  // An AWS managed policy by name (the image pull) and a customer managed policy by ARN.
  managedIamPolicy: [
    "AmazonEC2ContainerRegistryReadOnly",
    `arn:aws:iam::${account}:policy/payments/build-network`,
  ],
  permissionsBoundary: `arn:aws:iam::${account}:policy/boundaries/ci-boundary`,
  // Raw AWS::IAM::Role properties, deep-merged last.
  properties: {
    MaxSessionDuration: 7200,
    Tags: [{ Key: "data-class", Value: "pci" }],
  },
}));
