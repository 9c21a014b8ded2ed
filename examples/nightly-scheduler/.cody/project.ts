// Nightly reports from a Bitbucket repository, on weekdays at 02:00 Paris time (EventBridge Scheduler).
import { defineProject, secret, ssm } from "codybuild";

// A plain object: nothing here depends on the env or variables.
export default defineProject({
  githubUrl: "https://bitbucket.org/acme/reports.git",
  sourceVersion: "main",
  computeType: "BUILD_GENERAL1_LARGE",
  timeoutInMinutes: 120,
  // Nobody looks at a badge for a scheduled job.
  badge: false,
  environmentVariables: {
    REPORT_MODE: "incremental",
    WAREHOUSE_URL: ssm("/reports/warehouse-url"),
  },
  schedule: {
    engine: "scheduler",
    cron: "0 2 ? * MON-FRI *",
    timezone: "Europe/Paris",
    description: "Nightly reports, 02:00 Paris time on weekdays",
    // What scheduled builds change: another branch and a few overrides.
    input: {
      sourceVersion: "release",
      environmentVariables: {
        REPORT_MODE: "full",
        SLACK_WEBHOOK: secret("reports/slack:webhook-url"),
      },
    },
    // Raw AWS::Scheduler::Schedule properties, deep-merged over what cody generated.
    properties: {
      FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 15 },
      Target: { RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 } },
    },
  },
});
