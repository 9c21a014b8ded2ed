// Variables for the production env (merged over base.ts): cody deploy --env production
export default {
  myvar: "production-value",
};
