// settings `targets`: the regions (and, per region, the AWS profile) one project is deployed to at once
// (src/fleet/). A piece of settingsSchema, hooked in with one line in schema.ts.
import * as z from "zod";
import { closestRegion, regionProblem } from "./naming";
import { encodeDetail } from "./schema-kit";

const EXAMPLE = 'Write {key}: [{ region: "us-east-1" }, { region: "eu-west-1", profile: "eu" }].';

/** Like --regions (src/fleet/choose.ts): a region name, and not a near-miss of a known region. */
function problemOf(region: string): { message: string; meant?: string } | undefined {
  const problem = regionProblem(region);
  if (problem) return problem;
  const meant = closestRegion(region);
  return meant ? { message: `"${region}" is not a region cody knows, and it is close to ${meant}.`, meant } : undefined;
}

const region = z
  .string({ error: () => encodeDetail({ message: "is missing: expected a region name.", fix: 'Add {key}: "us-east-1".' }) })
  .refine((r) => problemOf(r) === undefined, {
    error: (i) => {
      const problem = problemOf(String(i.input));
      return encodeDetail({
        message: problem?.message ?? "is not an AWS region name.",
        fix: problem?.meant ? `Did you mean {key}: "${problem.meant}"?` : 'Write {key}: "us-east-1" (a region name).',
      });
    },
  });

const profile = z
  .string({ error: () => encodeDetail({ message: "expected a profile name (a string).", fix: 'Write {key}: "prod", or remove it.' }) })
  .min(1, { error: () => encodeDetail({ message: "must not be empty.", fix: "Set {key} to a profile name, or remove it." }) });

const target = z.strictObject(
  { region, profile: profile.optional() },
  {
    error: (issue) => {
      if (issue.code === "unrecognized_keys") return encodeDetail({ message: "unknown key", known: ["region", "profile"] });
      return encodeDetail({ message: "expected a target object { region, profile? }.", fix: EXAMPLE });
    },
  },
);

/** `targets: [{ region, profile? }, ...]`: at least one, each region once per profile. */
export const targetsSchema = z
  .array(target, { error: () => encodeDetail({ message: "expected a list of targets.", fix: EXAMPLE }) })
  .min(1, { error: () => encodeDetail({ message: "is empty: expected at least one target.", fix: `${EXAMPLE} Or remove {key} to deploy to one region.` }) })
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((t, i) => {
      const key = `${t.region}\u0000${t.profile ?? ""}`;
      if (seen.has(key)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          input: t,
          message: encodeDetail({
            message: `the target ${t.region}${t.profile ? ` (profile ${t.profile})` : ""} is listed twice.`,
            fix: "Remove the second one: each target is deployed once.",
          }),
        });
      }
      seen.add(key);
    });
  });

export type TargetSetting = z.infer<typeof targetsSchema>[number];
