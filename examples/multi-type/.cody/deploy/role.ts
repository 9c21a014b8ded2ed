// The deploy build drives CloudFormation and uploads artifacts to the env's bucket.
import { defineRole } from "codybuild";

export default defineRole(({ vars }) => ({
  iamPolicy: [
    // An action shorthand: that action on * (ValidateTemplate has no resource to scope it to).
    "cloudformation:ValidateTemplate",
    // The app's stacks only: a whole-service "cloudformation" would let a build create any stack (cody synth warns).
    {
      action: ["cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet", "cloudformation:ExecuteChangeSet", "cloudformation:DescribeStacks", "cloudformation:DescribeStackEvents"],
      resource: "arn:aws:cloudformation:*:123456789012:stack/acme-api-*/*",
    },
    { action: ["s3:PutObject", "s3:GetObject"], resource: `arn:aws:s3:::${vars.deploy.bucket}/*` },
    {
      action: ["codeconnections:GetConnection", "codeconnections:GetConnectionToken", "codeconnections:UseConnection"],
      resource: vars.connectionArn,
    },
  ],
  managedIamPolicy: ["AWSCloudFormationReadOnlyAccess"],
}));
