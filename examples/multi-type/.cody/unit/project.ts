// `cody deploy --type unit`: unit tests on every push, on ARM.
import { defineProject } from "codybuild";

export default defineProject(({ env, vars }) => ({
  githubUrl: vars.repository,
  linuxEnvironment: {
    type: "ARM_CONTAINER",
    image: "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
    computeType: "BUILD_GENERAL1_LARGE",
    // The tests start their database with docker compose.
    privileged: true,
  },
  localCache: true,
  triggers: { webhook: true, filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]] },
  environmentVariables: {
    APP_ENV: env,
    NODE_VERSION: vars.nodeVersion,
    TEST_SHARDS: vars.testShards,
  },
  properties: {
    Source: { Auth: { Type: "CODECONNECTIONS", Resource: vars.connectionArn } },
  },
  // The role inline: CodeBuild fetches the source through the connection, as the build's role.
  role: {
    iamPolicy: [
      {
        sid: "UseGitLabConnection",
        action: ["codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"],
        resource: vars.connectionArn,
      },
    ],
  },
}));
