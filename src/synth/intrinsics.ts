// CloudFormation intrinsic functions and ARNs built from pseudo-parameters, so a template is the same
// for every account and region (cody baked the account and region in at compile time).
export const getAtt = (logicalId: string, attribute: string) => ({ "Fn::GetAtt": [logicalId, attribute] });
export const ref = (logicalId: string) => ({ Ref: logicalId });
export const sub = (text: string) => ({ "Fn::Sub": text });

/** `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<resource>` (empty region/account allowed). */
export function arn(service: string, resource: string, scope: { region?: boolean; account?: boolean } = {}) {
  const region = scope.region === false ? "" : "${AWS::Region}";
  const account = scope.account === false ? "" : "${AWS::AccountId}";
  return sub(`arn:\${AWS::Partition}:${service}:${region}:${account}:${resource}`);
}

/** The IAM policy language version every policy document cody writes declares. */
export const POLICY_VERSION = "2012-10-17";
