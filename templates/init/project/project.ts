// The CodeBuild project. Every key is optional and typed: hover a key in your editor for its docs.
// The full reference is docs/dsl.md in the codybuild package.
import { defineProject } from "codybuild";

export default defineProject(({ env }) => ({
  githubUrl: "{{githubUrl}}",
  // buildspec: ".cody/{{typePath}}buildspec.yml" is the default
  linuxImage: "aws/codebuild/standard:7.0",
  computeType: "BUILD_GENERAL1_SMALL",
  environmentVariables: {
    APP_ENV: env,
    // API_KEY: ssm("/codebuild/{{projectName}}/api-key"),   // read by CodeBuild at build time; import { ssm } from "codybuild"
  },
  // triggers: { webhook: true, filterGroups: [[{ type: "EVENT", pattern: "PUSH" }]] },
}));
