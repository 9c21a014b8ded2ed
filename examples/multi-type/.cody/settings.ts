// Names carry the env, so development and production live side by side in one account; each env is
// bound to an AWS profile and a region.
import { defineSettings } from "codybuild";

export default defineSettings({
  stackNaming: {
    appendEnv: true, // project multi-type-unit-production, stack multi-type-unit-production-ci
    suffix: "ci",
  },
  envs: {
    development: { awsProfile: "acme-dev", region: "us-east-1" },
    production: { awsProfile: "acme-prod", region: "eu-west-1" },
  },
});
