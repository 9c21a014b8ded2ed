// The deploy build drives CloudFormation and uploads artifacts to the env's bucket.
import { defineRole } from "codybuild";

export default defineRole(({ vars }) => ({
  iamPolicy: [
    // A service shorthand: cloudformation:* on *.
    "cloudformation",
    { action: ["s3:PutObject", "s3:GetObject"], resource: `arn:aws:s3:::${vars.deploy.bucket}/*` },
    {
      action: ["codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"],
      resource: vars.connectionArn,
    },
  ],
  managedIamPolicy: ["AWSCloudFormationReadOnlyAccess"],
}));
