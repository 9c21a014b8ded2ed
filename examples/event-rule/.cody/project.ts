// Scan and deploy the api image each time one is pushed to ECR: an EventBridge rule on ECR's
// "ECR Image Action" events starts the build (Ruby cody's event_pattern / rule_event).
import { defineProject } from "codybuild";

export default defineProject({
  githubUrl: "https://github.com/acme/api-deploy",
  sourceVersion: "main",
  // Builds start on pushes, not on commits: no webhook, no badge.
  badge: false,
  environmentVariables: {
    REPOSITORY: "api",
  },
  role: {
    iamPolicy: [{ action: ["ecr:DescribeImages", "ecr:DescribeImageScanFindings"], resource: { "Fn::Sub": "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/api" } }],
  },
});
