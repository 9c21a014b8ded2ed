// `cody deploy --type backfill`: a second project from the same repository that runs once, to rebuild
// last year's reports after a migration.
import { defineProject } from "codybuild";

export default defineProject(({ vars }) => ({
  githubUrl: "https://bitbucket.org/acme/reports.git",
  sourceVersion: "main",
  computeType: "BUILD_GENERAL1_XLARGE",
  timeoutInMinutes: 480,
  badge: false,
  environmentVariables: {
    REPORT_MODE: "backfill",
    BACKFILL_FROM: vars.from,
    BACKFILL_TO: vars.to,
  },
}));
