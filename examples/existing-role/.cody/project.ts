// A static site built from a zip in S3, with a role the platform team already manages, and raw
// CloudFormation for what the convenience keys do not cover.
import { defineProject } from "codybuild";

export default defineProject({
  // An S3 source: `bucket/key` of a zip (s3:// URLs and S3 ARNs both work).
  githubUrl: "s3://acme-site-sources/site/source.zip",
  // The buildspec can live in S3 too.
  buildspec: "arn:aws:s3:::acme-site-sources/buildspecs/site.yml",
  // An existing role instead of the generated one (so no role.ts and no `role:` here).
  serviceRole: "arn:aws:iam::123456789012:role/platform/site-builder",
  // Not a CodeBuild image: pulled with the service role's credentials.
  linuxImage: "public.ecr.aws/docker/library/node:20-bookworm",
  localCache: false,
  environmentVariables: { SITE_ENV: "production" },
  // Raw AWS::CodeBuild::Project properties (PascalCase), deep-merged over what cody generated:
  // objects merge key by key, anything else (lists included) replaces.
  properties: {
    ConcurrentBuildLimit: 1,
    Visibility: "PRIVATE",
    AutoRetryLimit: 2,
    // Replaces NO_ARTIFACTS: the built site goes to S3.
    Artifacts: { Type: "S3", Location: "acme-site-artifacts", Name: "site.zip", Packaging: "ZIP" },
    // Adds S3 logs next to the CloudWatch Logs cody configures.
    LogsConfig: { S3Logs: { Status: "ENABLED", Location: "acme-build-logs/site" } },
  },
});
