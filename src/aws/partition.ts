// The partition a region belongs to: China, GovCloud and the ISO regions have their own ARNs.
export function partitionOf(region: string | undefined): string {
  if (region?.startsWith("cn-")) return "aws-cn";
  if (region?.startsWith("us-gov-")) return "aws-us-gov";
  if (region?.startsWith("us-iso-")) return "aws-iso";
  if (region?.startsWith("us-isob-")) return "aws-iso-b";
  return "aws";
}
