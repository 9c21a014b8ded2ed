// Variables for the development env (merged over base.ts): cody deploy --env development
export default {
  myvar: "development-value",
};
