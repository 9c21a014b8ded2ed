// The region a request is made in, as IAM sees it (`aws:RequestedRegion`): the command's region, except
// for global services, which answer from one region per partition.

/** Where `aws:RequestedRegion` is for global services (IAM answers from one region per partition). */
export const GLOBAL_REGION: Readonly<Record<string, string>> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };
export const GLOBAL_SERVICES: ReadonlySet<string> = new Set(["iam", "organizations", "cloudfront", "route53"]);

/** `aws:RequestedRegion` for an action; undefined when the region is unknown and the service is regional. */
export function requestedRegion(action: string, region: string | undefined, partition = "aws"): string | undefined {
  const service = action.split(":")[0].toLowerCase();
  return GLOBAL_SERVICES.has(service) ? (GLOBAL_REGION[partition] ?? region) : region;
}
