// Not a time but an event: a successful push of a tag starting with "v" to the api repository.
import { defineSchedule } from "codybuild";

export default defineSchedule({
  description: "Deploys each v* image pushed to the api ECR repository",
  eventPattern: {
    source: ["aws.ecr"],
    "detail-type": ["ECR Image Action"],
    detail: {
      "action-type": ["PUSH"],
      result: ["SUCCESS"],
      "repository-name": ["api"],
      "image-tag": [{ prefix: "v" }],
    },
  },
  // The build reads the pushed image from ECR itself; the rule passes a fixed source version.
  input: { sourceVersion: "main" },
});
