// Statements as AWS writes them: IAM's own keys, and a policy document kept as JSON (the file the
// security team reviews), imported whole. cody's default statements (the build's logs) stay.
import { defineRole } from "codybuild";
import publishPolicy from "./publish-policy.json";

export default defineRole({
  iamPolicy: [
    {
      Sid: "UploadReleases",
      Effect: "Allow",
      Action: ["s3:PutObject"],
      Resource: "arn:aws:s3:::acme-releases/*",
      Condition: { StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" } },
    },
    // The same statement form cody has always taken works alongside.
    { sid: "ListReleases", action: "s3:ListBucket", resource: "arn:aws:s3:::acme-releases" },
    publishPolicy,
  ],
});
