// A weekly redeploy in production only; in development the rule exists but is disabled.
import { defineSchedule } from "codybuild";

export default defineSchedule(({ env }) => ({
  engine: "rule",
  cron: "0 6 ? * MON *",
  enabled: env === "production",
  description: `Weekly redeploy of the API (${env}), Mondays 06:00 UTC`,
}));
