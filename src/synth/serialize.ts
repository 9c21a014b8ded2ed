// Template text. YAML is the default (readable in the console and in diffs); both forms are checked
// against CloudFormation's 51,200-byte limit for an inline TemplateBody.
import { Document, isScalar, visit } from "yaml";
import { TEMPLATE_BODY_LIMIT } from "../aws/limits";
import { configError } from "../errors";
import { fastCloudFormationYaml, MERGE_MARKER } from "./fast-yaml";
import type { Template } from "./template";

export type TemplateFormat = "yaml" | "json";
export { TEMPLATE_BODY_LIMIT };

export function serializeTemplate(template: Template, format: TemplateFormat): string {
  if (format === "json") return `${JSON.stringify(template, null, 2)}\n`;
  return toCloudFormationYaml(template);
}

/**
 * Plain YAML that CloudFormation (a YAML 1.1 reader) reads back as written: no anchors or aliases,
 * no folded lines, and strings 1.1 would read as something else (dates, yes/no, `=`, `<<`) quoted.
 */
export function toCloudFormationYaml(value: unknown): string {
  return fastCloudFormationYaml(value) ?? libraryYaml(value);
}

/** toCloudFormationYaml through the yaml library's node tree: anything fastCloudFormationYaml is not sure of. */
export function libraryYaml(value: unknown): string {
  const doc = new Document(value, { aliasDuplicateObjects: false, version: "1.1" });
  visit(doc, {
    Scalar(_, node) {
      if (!isScalar(node)) return;
      if (node.value === "=") node.type = "QUOTE_DOUBLE";
      // The yaml library prints "<<" plain whatever the node type says; swap in a marker instead.
      if (node.value === "<<") node.value = MERGE_MARKER;
    },
  });
  return doc.toString({ lineWidth: 0 }).replaceAll(MERGE_MARKER, '"<<"');
}

export function checkTemplateSize(body: string, file?: string): void {
  const bytes = Buffer.byteLength(body, "utf8");
  if (bytes > TEMPLATE_BODY_LIMIT) {
    throw configError({
      file,
      field: "template",
      message: `the template is ${bytes.toLocaleString("en-US")} bytes; CloudFormation accepts at most ${TEMPLATE_BODY_LIMIT.toLocaleString("en-US")} bytes inline.`,
      fix: "Move a large inline buildspec to .cody/buildspec.yml, or trim large raw properties.",
    });
  }
}
