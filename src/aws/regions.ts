// Region rules: what a region name looks like in every partition, and the public region a typo most
// likely meant. Checked before any client exists (config/naming.ts resolveAws) and used to explain an
// endpoint that does not resolve (aws/errors.ts).
import { configError } from "../errors";
import { closest } from "../util/did-you-mean";
import { shown } from "../util/shown";

/** AWS region names in every partition (aws, China, GovCloud, ISO, EUSC); new regions follow it too. */
export const REGION_NAME = /^(?:us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso[a-z]?|eu-isoe|eusc-de)-[a-z]+-\d+$/;

/** The public regions, only for "did you mean": REGION_NAME decides what is valid. */
const KNOWN_REGIONS = [
  "af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-south-2",
  "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
  "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2",
  "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
  "us-west-2", "cn-north-1", "cn-northwest-1", "us-gov-east-1", "us-gov-west-1",
];

/** A public region close to `region` when it is not one itself: `eu-wst-1` → `eu-west-1`. */
export function closestRegion(region: string): string | undefined {
  return KNOWN_REGIONS.includes(region) ? undefined : closest(region.trim(), KNOWN_REGIONS);
}

/** Why `region` is not a region name, and the region it most likely meant; undefined when it is valid. */
export function regionProblem(region: string): { message: string; meant?: string } | undefined {
  if (REGION_NAME.test(region)) return undefined;
  const meant = closestRegion(region) ?? (REGION_NAME.test(region.trim().toLowerCase()) ? region.trim().toLowerCase() : undefined);
  return {
    message: `"${shown(region)}" is not an AWS region name: region names look like us-east-1 or eu-west-2.`,
    ...(meant ? { meant } : {}),
  };
}

/** Rejects a region that is not a region name before any AWS call, saying where it came from. */
export function checkRegion(region: string, field: "--region" | "AWS_REGION" | "AWS_DEFAULT_REGION" | "settings region"): void {
  const problem = regionProblem(region);
  if (!problem) return;
  const example = problem.meant ?? "us-east-1";
  const fix =
    field === "--region" ? `Pass --region ${example}.` : field === "settings region" ? `Set region: "${example}" in .cody/settings.ts.` : `Set ${field}=${example}.`;
  throw configError({
    field,
    message: `${problem.message}${problem.meant ? ` Did you mean ${problem.meant}?` : ""}`,
    fix: problem.meant ? fix : `${fix.replace(/\.$/, "")} (\`aws account list-regions\` lists the regions your account can use).`,
  });
}
