// The deployed template as a value. GetTemplate returns the text a stack was made from: JSON, or YAML
// that may use CloudFormation's short tags (!Ref, !Sub, ...) if another tool wrote it. Both become
// the long form cody synthesizes, so a diff compares like with like.
import { parse, type ScalarTag, type CollectionTag } from "yaml";
import type { TemplateLike } from "./template-diff";

const FUNCTIONS = ["Base64", "Cidr", "FindInMap", "GetAZs", "ImportValue", "Join", "Select", "Split", "Sub", "Transform", "And", "Equals", "If", "Not", "Or", "Condition", "GetAtt", "Ref", "Length", "ToJsonString"];

function longForm(name: string): string {
  return name === "Ref" || name === "Condition" ? name : `Fn::${name}`;
}

function cfnTags(): Array<ScalarTag | CollectionTag> {
  const tags: Array<ScalarTag | CollectionTag> = [];
  for (const name of FUNCTIONS) {
    const key = longForm(name);
    tags.push({
      tag: `!${name}`,
      // `!GetAtt A.B` is the short form of ["A", "B"].
      resolve: (value: string) => ({ [key]: name === "GetAtt" ? splitGetAtt(value) : value }),
    } as ScalarTag);
    for (const collection of ["seq", "map"] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (value: { toJSON(): unknown }) => ({ [key]: value.toJSON() }),
      } as unknown as CollectionTag);
    }
  }
  return tags;
}

function splitGetAtt(value: string): string[] {
  const dot = value.indexOf(".");
  return dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
}

export function parseTemplateBody(body: string): TemplateLike {
  const text = body.trimStart();
  const value: unknown = text.startsWith("{") ? JSON.parse(text) : parse(text, { customTags: cfnTags(), version: "1.1" });
  return typeof value === "object" && value !== null ? (value as TemplateLike) : {};
}
