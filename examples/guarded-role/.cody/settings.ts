// Every role cody generates carries the organisation's boundary: whatever a statement grants, the
// boundary caps it, and `cody policy` lets the deployer create roles only with this boundary.
import { defineSettings } from "codybuild";

export default defineSettings({
  permissionsBoundary: "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/boundaries/codebuild",
});
