// Builds and publishes release artifacts: a weekly release, plus builds started by hand.
import { defineProject } from "codybuild";

export default defineProject({
  githubUrl: "https://github.com/acme/release-tools",
  gitBranch: "main",
  buildspec: {
    version: 0.2,
    phases: {
      build: { commands: ["make release"] },
      post_build: { commands: ["aws s3 cp dist/ s3://acme-releases/$CODEBUILD_RESOLVED_SOURCE_VERSION/ --recursive", "aws sns publish --topic-arn $TOPIC_ARN --message released"] },
    },
  },
  environmentVariables: {
    TOPIC_ARN: "arn:aws:sns:us-east-1:123456789012:releases",
  },
  tags: { team: "release" },
});
