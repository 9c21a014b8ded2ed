// One run only: `at` needs EventBridge Scheduler.
import { defineSchedule } from "codybuild";

export default defineSchedule({
  engine: "scheduler",
  at: "2030-01-15T03:00:00",
  timezone: "America/New_York",
  description: "One-time backfill of last year's reports",
});
