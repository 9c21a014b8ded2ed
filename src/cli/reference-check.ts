// Before a change set: do the parameters, secrets, policies and roles the template names exist? A
// missing one is a warning (the deploy would roll back, or builds would fail, later), or exit 3 with
// --strict. The reads are metadata only; the SDK clients load lazily.
import type { AwsOptions } from "../aws/clients";
import { CodyError, ExitCode } from "../errors";
import type { Reporter } from "../io/reporter";
import { checkReferences, formatMissing, partitionOf, templateReferences, type ReferenceCheck } from "../review/references";
import type { TemplateLike } from "../review/template-diff";

export async function referenceCheck(options: {
  template: TemplateLike;
  aws: AwsOptions;
  region: string;
  strict?: boolean;
  reporter: Reporter;
}): Promise<ReferenceCheck> {
  const references = templateReferences(options.template, { partition: partitionOf(options.region), region: options.region });
  if (references.length === 0) return { missing: [], unchecked: [], found: [] };
  const { createReferences } = await import("../aws/clients");
  const check = await checkReferences(await createReferences({ ...options.aws, region: options.region }), references);
  const lines = formatMissing(check);
  if (lines.length === 0) return check;
  const { missing, unchecked } = check;
  const what = [
    missing.length > 0 ? `${missing.length} name${missing.length === 1 ? "" : "s"} the template uses do${missing.length === 1 ? "es" : ""} not exist` : "",
    unchecked.length > 0 ? `${unchecked.length} could not be checked` : "",
  ]
    .filter(Boolean)
    .join("; ");
  if (options.strict) {
    throw new CodyError(`${what} (--strict):\n${lines.join("\n")}`, {
      exitCode: ExitCode.permissions,
      hint: "Create them (or fix the names in .cody/), or run without --strict to go ahead with a warning.",
    });
  }
  options.reporter.warn(`${what}:\n${lines.join("\n")}\n  Builds that read a missing parameter or secret fail; a missing policy or role makes the deploy roll back.`);
  return check;
}
