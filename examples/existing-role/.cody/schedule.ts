// Rebuild the site at 05:30 UTC on the first day of every month (an EventBridge rule). Disabled
// for now: the release calendar drives it by switching `enabled`.
import { defineSchedule } from "codybuild";

export default defineSchedule({
  cron: "30 5 1 * ? *",
  enabled: false,
  description: "Monthly full rebuild of the site",
  input: { environmentVariables: { FULL_REBUILD: "true" } },
  // Raw AWS::Events::Rule properties, deep-merged last.
  properties: { EventBusName: "default" },
});
