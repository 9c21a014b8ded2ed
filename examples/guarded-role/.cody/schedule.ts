// A release every Monday at 09:00 in Paris: EventBridge Scheduler, whose role gets the boundary too.
import { defineSchedule } from "codybuild";

export default defineSchedule({
  engine: "scheduler",
  cron: "0 9 ? * MON *",
  timezone: "Europe/Paris",
});
