// How names are built and which AWS profile goes with which env.
import { defineSettings } from "codybuild";

export default defineSettings({
  stackNaming: {
    appendEnv: false, // true: add the env to the project and stack names
    // suffix: "cody", // stack name = <project>-cody; false for no suffix
  },
  envs: {
    // production: { awsProfile: "prod", region: "us-east-1" },
  },
});
