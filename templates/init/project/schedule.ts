// Start builds on a schedule (EventBridge). Times are UTC; use engine: "scheduler" for time zones.
import { defineSchedule } from "codybuild";

export default defineSchedule({
  rate: "1 day",
  // cron: "0 10 * * ? *",   // six EventBridge fields: 10:00 UTC every day
  // Off until you switch it on: every scheduled build is a paid CodeBuild run. Set true, then cody deploy.
  enabled: false,
});
