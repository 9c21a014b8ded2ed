// A Node.js web app that builds a Docker image: webhook builds on pushes to main and on pull requests.
import { defineProject } from "codybuild";

export default defineProject(({ fullProjectName }) => ({
  // An SSH remote works too; CodeBuild gets https://github.com/acme/web.git.
  githubUrl: "git@github.com:acme/web.git",
  gitBranch: "main",
  buildspec: ".cody/buildspec-ci.yml",
  description: `Tests and builds the web app's image on pushes to main and on pull requests (${fullProjectName})`,
  linuxImage: "aws/codebuild/amazonlinux2-x86_64-standard:5.0",
  computeType: "BUILD_GENERAL1_MEDIUM",
  // Docker-in-Docker for `docker build`.
  privileged: true,
  localCache: ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"],
  triggers: {
    webhook: true,
    buildType: "BUILD",
    filterGroups: [
      [
        { type: "EVENT", pattern: "PUSH" },
        { type: "HEAD_REF", pattern: "^refs/heads/main$" },
      ],
      [
        { type: "EVENT", pattern: "PULL_REQUEST_CREATED,PULL_REQUEST_UPDATED,PULL_REQUEST_REOPENED" },
        // Pull requests run their own buildspec with Docker and NPM_TOKEN: only from the team's GitHub
        // user IDs, so a fork cannot (without this, cody synth warns).
        { type: "ACTOR_ACCOUNT_ID", pattern: "^(1234567|2345678)$" },
        // Documentation-only changes do not need a build.
        { type: "FILE_PATH", pattern: "^docs/", excludeMatchedPattern: true },
      ],
    ],
  },
  badge: true,
  timeoutInMinutes: 30,
  queuedTimeoutInMinutes: 60,
  environmentVariables: {
    NODE_ENV: "test",
    CI: true,
    TEST_WORKERS: 4,
    // cody's string shorthand for a Parameter Store reference.
    NPM_TOKEN: "ssm:/web/npm-token",
  },
  tags: { team: "web", "cost-center": "1234" },
  // The role inline: push the image to the app's ECR repository.
  role: {
    iamPolicy: [
      "ecr:GetAuthorizationToken",
      {
        sid: "PushImage",
        action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:CompleteLayerUpload",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ],
        resource: "arn:aws:ecr:us-east-1:123456789012:repository/acme/web",
      },
    ],
  },
}));
