// A small GitHub project: tests on every build, a daily scheduled build, one secret from Parameter Store.
import { defineProject, ssm } from "codybuild";

export default defineProject(({ env }) => ({
  githubUrl: "https://github.com/acme/demo",
  // buildspec: ".cody/buildspec.yml" is the default
  computeType: "BUILD_GENERAL1_SMALL",
  environmentVariables: {
    APP_ENV: env,
    // Only the parameter's name goes into the template; CodeBuild reads its value when a build starts.
    API_TOKEN: ssm("/demo/api-token"),
  },
  tags: { team: "platform" },
}));
