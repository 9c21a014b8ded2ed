// One build a day, even without pushes (EventBridge rule, UTC).
import { defineSchedule } from "codybuild";

export default defineSchedule({
  rate: "1 day",
});
