// Variables every env sees, as `vars` in project.ts, role.ts and schedule.ts.
export default {
  myvar: "base-value",
};
