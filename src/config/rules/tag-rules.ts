// Tags: the project's own and the settings' stackTags, by the rules CloudFormation and CodeBuild apply,
// counted with the tags cody puts on the stack (CloudFormation copies the stack's tags to the project).
import type { Issue } from "../../errors";
import type { LoadedProject } from "../load-project";
import { readSource } from "../validate";

/** CodeBuild's limits (API reference: CreateProject, Tag). */
export const MAX_TAGS = 50;
const MAX_TAG_KEY = 127;
const MAX_TAG_VALUE = 255;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=@+-]*$/u;

/** Adds an issue in project.ts. */
type Add = (field: string, message: string, fix: string) => void;

/** The tags cody puts on the stack, which CloudFormation copies to the project (see synth/template.ts). */
export function codyStackTagKeys(p: Pick<LoadedProject, "type">): string[] {
  return ["cody:tool", "cody:project", ...(p.type ? ["cody:type"] : []), "cody:env"];
}

interface TagEntry {
  key: string;
  value: string;
  field: string;
}

/** The project's tags as deployed: `properties.Tags` replaces `tags` (arrays replace in the merge). */
function effectiveTags(p: LoadedProject): { entries: TagEntry[]; field: string } {
  const raw = p.project.properties?.Tags;
  if (Array.isArray(raw)) {
    const entries = raw.flatMap((t: unknown, i) => {
      const tag = t as { Key?: unknown; Value?: unknown } | null;
      return typeof tag?.Key === "string" ? [{ key: tag.Key, value: typeof tag.Value === "string" ? tag.Value : "", field: `properties.Tags[${i}].Key` }] : [];
    });
    return { entries, field: "properties.Tags" };
  }
  return { entries: Object.entries(p.project.tags ?? {}).map(([key, value]) => ({ key, value, field: `tags.${key}` })), field: "tags" };
}

/** What is wrong with one tag, by the rules CloudFormation and CodeBuild apply; undefined when nothing. */
function tagProblems(key: string, value: string, own: string[]): Array<{ message: string; fix: string }> {
  const out: Array<{ message: string; fix: string }> = [];
  if (/^aws:/i.test(key)) {
    out.push({ message: `"${key}": the aws: prefix is reserved for AWS's own tags; CloudFormation rejects it.`, fix: `Rename the tag without the prefix, e.g. "${key.replace(/^aws:/i, "") || "name"}".` });
  } else if (/^cody:/i.test(key)) {
    out.push({
      message: `"${key}": cody: tags are cody's own (it tags the stack with ${own.join(", ")}, and CloudFormation copies them to the project).`,
      fix: `Rename the tag without the cody: prefix, e.g. "${key.replace(/^cody:/i, "") || "name"}".`,
    });
  } else if (key.length === 0) {
    out.push({ message: "the tag key is empty; CloudFormation and CodeBuild take 1 to 127 characters.", fix: "Give the tag a key." });
  } else if (key.length > MAX_TAG_KEY) {
    out.push({ message: `the tag key has ${key.length} characters; CodeBuild takes at most ${MAX_TAG_KEY}.`, fix: "Shorten the key." });
  } else if (!TAG_TEXT.test(key)) {
    out.push({
      message: `"${key}" has characters CodeBuild does not take in tag keys: letters, digits, spaces and _ . : / = + - @ only.`,
      fix: `Rename it, e.g. "${key.replace(/[^\p{L}\p{Z}\p{N}_.:/=@+-]+/gu, "-")}".`,
    });
  }
  if (value.length > MAX_TAG_VALUE) {
    out.push({ message: `the tag value has ${value.length} characters; CodeBuild takes at most ${MAX_TAG_VALUE}.`, fix: "Shorten the value." });
  } else if (!TAG_TEXT.test(value)) {
    out.push({
      message: `${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)} has characters CodeBuild does not take in tag values: letters, digits, spaces and _ . : / = + - @ only.`,
      fix: `Change the value, e.g. "${value.slice(0, 60).replace(/[^\p{L}\p{Z}\p{N}_.:/=@+-]+/gu, "-")}".`,
    });
  }
  return out;
}

/** settings' stackTags: on the stack beside cody's, copied by CloudFormation to the project. */
function settingsStackTags(p: Pick<LoadedProject, "settings">): string[] {
  return Object.keys(p.settings.stackTags ?? {});
}

export function checkTags(p: LoadedProject, add: Add): void {
  const { entries, field: listField } = effectiveTags(p);
  const own = codyStackTagKeys(p);
  for (const { key, value, field } of entries) for (const problem of tagProblems(key, value, own)) add(field, problem.message, problem.fix);
  // A key both here and in the settings' stackTags is one key on the project.
  const keys = new Set(entries.map((e) => e.key));
  const fromSettings = settingsStackTags(p).filter((k) => !keys.has(k));
  const count = entries.length;
  const total = count + own.length + fromSettings.length;
  // Too many stackTags alone is the settings' issue (checkStackTags), not the project's.
  const stackOver = settingsStackTags(p).length + own.length > MAX_TAGS;
  if (total > MAX_TAGS && count > 0 && !stackOver) {
    const settingsPart = fromSettings.length ? ` and the ${fromSettings.length} stackTags of the settings` : "";
    add(
      listField,
      `${count} tags plus the ${own.length} cody adds to the stack (${own.join(", ")})${settingsPart} make ${total} (CloudFormation copies the stack's tags to the project); CodeBuild takes at most ${MAX_TAGS}.`,
      `Keep at most ${MAX_TAGS - own.length - fromSettings.length} tags here, e.g. by joining related values into one tag.`,
    );
  }
}

/**
 * settings' stackTags, by the project tags' rules (CloudFormation copies them to the project), and their
 * count with cody's own on the stack (CloudFormation takes at most 50 per stack too).
 */
export function checkStackTags(p: LoadedProject): Issue[] {
  const tags = p.settings.stackTags ?? {};
  const file = p.files.settings;
  const source = file ? readSource(file) : "";
  const own = codyStackTagKeys(p);
  const issues: Issue[] = [];
  const at = (key: string) => {
    const line = file ? keyLine(source, "stackTags", key) : undefined;
    return { ...(file ? { file } : {}), ...(line ? { line } : {}) };
  };
  for (const [key, value] of Object.entries(tags)) {
    for (const problem of tagProblems(key, value, own)) issues.push({ ...at(key), field: `stackTags.${key}`, ...problem });
  }
  const count = Object.keys(tags).length;
  if (count + own.length > MAX_TAGS) {
    issues.push({
      ...at(Object.keys(tags)[0] ?? ""),
      field: "stackTags",
      message: `${count} stackTags plus the ${own.length} cody puts on the stack (${own.join(", ")}) make ${count + own.length}; a stack and a CodeBuild project take at most ${MAX_TAGS}.`,
      fix: `Keep at most ${MAX_TAGS - own.length} stackTags.`,
    });
  }
  return issues;
}

/** The line of an object key (quoted or not) after `anchor`. */
function keyLine(source: string, anchor: string, key: string): number | undefined {
  const start = source.search(new RegExp(`\\b${anchor}\\b`));
  if (start < 0) return undefined;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const match = new RegExp(`(?:["'\`]${escaped}["'\`]|(?<![\\w$])${escaped})\\s*:`).exec(source.slice(start));
  if (!match) return undefined;
  return source.slice(0, start + match.index).split("\n").length;
}
