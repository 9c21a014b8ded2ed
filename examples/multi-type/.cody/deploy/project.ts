// `cody deploy --type deploy`: ships the API with CloudFormation; production deploys the release branch.
import { defineProject } from "codybuild";

export default defineProject(({ env, vars, region }) => ({
  githubUrl: vars.repository,
  gitBranch: env === "production" ? "release" : "main",
  timeoutInMinutes: 60,
  environmentVariables: {
    APP_ENV: env,
    DEPLOY_REGION: region ?? "us-east-1",
    ARTIFACT_BUCKET: vars.deploy.bucket,
    REQUIRE_APPROVAL: vars.deploy.requireApproval,
  },
  properties: {
    Source: { Auth: { Type: "CODECONNECTIONS", Resource: vars.connectionArn } },
  },
}));
