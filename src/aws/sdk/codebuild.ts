// The part of @aws-sdk/client-codebuild that src/aws/clients.ts uses, imported lazily from there: naming the
// exports lets the build keep only these commands of the SDK (scripts/build.mjs).
export {
  BatchGetBuildsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  ListBuildsCommand,
  ListBuildsForProjectCommand,
  ListProjectsCommand,
  StartBuildCommand,
  StopBuildCommand,
} from "@aws-sdk/client-codebuild";
