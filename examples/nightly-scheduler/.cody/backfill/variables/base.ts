// Variables of the backfill type only (`.cody/<type>/variables/`).
export default {
  from: "2029-01-01",
  to: "2029-12-31",
};
