// The build's IAM role. By default it may write its own logs and read the parameters and secrets
// that project.ts references, nothing more. Add what your build needs.
import { defineRole } from "codybuild";

export default defineRole({
  iamPolicy: [
    // { action: ["s3:GetObject"], resource: "arn:aws:s3:::my-bucket/*" },
  ],
  // managedIamPolicy: ["AmazonS3ReadOnlyAccess"],
});
