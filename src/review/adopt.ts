// Resources a deploy may adopt instead of failing with "already exists": CreateChangeSet's
// ImportExistingResources imports a resource that exists outside any stack when the template gives it a
// static name and DeletionPolicy Retain (or RetainExceptOnCreate). cody's case: the build log group,
// which CodeBuild creates on a project's first build, added to the template later by logRetentionDays.
import { isPlainObject } from "../util/merge";
import type { TemplateLike } from "./template-diff";

/** The name property CloudFormation imports each adoptable type by. */
const NAME_PROPERTY: Record<string, string> = { "AWS::Logs::LogGroup": "LogGroupName" };

/** Logical ids of resources auto-import can adopt: retained, with a static name. */
export function adoptable(template: TemplateLike): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, r]) => {
      if (!isPlainObject(r)) return false;
      const name = NAME_PROPERTY[String(r.Type)];
      const props = isPlainObject(r.Properties) ? r.Properties : {};
      return name !== undefined && typeof props[name] === "string" && (r.DeletionPolicy === "Retain" || r.DeletionPolicy === "RetainExceptOnCreate");
    })
    .map(([id]) => id);
}
