// Parameters and secrets outside environmentVariables: CloudFormation dynamic references, written as
// strings and resolved when the stack deploys (ssm()/secret() work in environmentVariables only).
import { defineProject, secret } from "codybuild";

export default defineProject({
  githubUrl: "https://github.com/acme/private-api",
  environmentVariables: {
    // Fetched by CodeBuild per build, with the project's role.
    NPM_TOKEN: secret("ci/npm:token"),
  },
  properties: {
    // Ruby cody's Full DSL put ssm(...) here; CloudFormation wants a string, so it is a dynamic reference.
    Source: {
      Auth: {
        Type: "OAUTH",
        Resource: "{{resolve:secretsmanager:ci/github-oauth:SecretString:token}}",
      },
    },
    // A plain (String) parameter, a pinned version.
    Description: "{{resolve:ssm:/ci/private-api/description:2}}",
  },
});
