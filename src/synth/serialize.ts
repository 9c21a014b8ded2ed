// Template text. YAML is the default (readable in the console and in diffs); both forms are checked
// against CloudFormation's 51,200-byte limit for an inline TemplateBody.
import { stringify } from "yaml";
import { configError } from "../errors";
import type { Template } from "./template";

export type TemplateFormat = "yaml" | "json";
export const TEMPLATE_BODY_LIMIT = 51_200;

export function serializeTemplate(template: Template, format: TemplateFormat): string {
  if (format === "json") return `${JSON.stringify(template, null, 2)}\n`;
  // No anchors/aliases (shared objects stay spelled out) and no line folding: plain CloudFormation YAML.
  return stringify(template, { aliasDuplicateObjects: false, lineWidth: 0, version: "1.1" });
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
