// A maintenance job with no repository: the buildspec is inline, and it runs on Lambda compute every
// six hours to prune old images from ECR.
import { defineProject } from "codybuild";

export default defineProject(({ fullProjectName }) => ({
  gitProvider: "NO_SOURCE",
  description: "Prunes untagged ECR images every six hours",
  computeType: "BUILD_LAMBDA_1GB",
  linuxEnvironment: {
    type: "LINUX_LAMBDA_CONTAINER",
    image: "aws/codebuild/amazonlinux-x86_64-lambda-standard:python3.12",
  },
  // Lambda compute takes no timeoutInMinutes, queuedTimeoutInMinutes, localCache or badge.
  // The stack owns /aws/codebuild/<project> and keeps two weeks of logs.
  logRetentionDays: 14,
  environmentVariables: { REPOSITORY_PREFIX: "acme/" },
  buildspec: {
    version: 0.2,
    env: { variables: { KEEP_DAYS: "30" }, "exported-variables": ["PRUNED"] },
    phases: {
      build: {
        commands: [
          `echo "${fullProjectName}: pruning untagged images older than $KEEP_DAYS days"`,
          "python3 -c \"print('pruning')\"",
          "export PRUNED=0",
        ],
      },
    },
  },
  role: {
    iamPolicy: [
      {
        sid: "PruneImages",
        action: ["ecr:DescribeRepositories", "ecr:ListImages", "ecr:DescribeImages", "ecr:BatchDeleteImage"],
        resource: "arn:aws:ecr:us-east-1:123456789012:repository/acme/*",
      },
    ],
  },
  schedule: { rate: "6 hours", description: "Prune ECR every six hours" },
}));
