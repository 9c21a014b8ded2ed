// The build may also read the team's shared build bucket (the defaults already cover its logs and
// the API_TOKEN parameter).
import { defineRole } from "codybuild";

export default defineRole({
  iamPolicy: [
    { sid: "ReadBuildCache", action: ["s3:GetObject", "s3:ListBucket"], resource: ["arn:aws:s3:::acme-demo-cache", "arn:aws:s3:::acme-demo-cache/*"] },
  ],
});
