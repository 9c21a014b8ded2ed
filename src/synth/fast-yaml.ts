// The YAML text of a template without building the yaml library's node tree: building and printing it
// was ~10 ms of every `cody synth` (bench/README.md). It covers exactly what cody's templates are made
// of (plain objects, arrays, strings, finite numbers, booleans, null) and answers undefined for
// anything else, or any string it is not sure how the library would print, and the caller then prints
// with the library. Every answer it gives is the library's byte for byte (toCloudFormationYaml's
// options: YAML 1.1, block style, no line folding, no aliases); test/synth/fast-yaml.test.ts compares
// the two over the goldens and generated values.
import { Document } from "yaml";

/** What toCloudFormationYaml has the library print in place of "<<" (see there); a string holding it is left to the library. */
export const MERGE_MARKER = "__cody_yaml_merge_literal__";

type Tag = { default?: unknown; tag: string; test?: RegExp };
let typeTests: Tag[] | undefined;
/** The tags whose plain form is not a string in the YAML 1.1 schema the library prints with. */
export function nonStringTags(): Tag[] {
  if (!typeTests) {
    const schema = new Document(undefined, { version: "1.1" }).schema as unknown as { tags: Tag[]; compat: Tag[] | null };
    typeTests = [...schema.tags, ...(schema.compat ?? [])].filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test);
  }
  return typeTests;
}

// The library's own tests (yaml/dist/stringify/stringifyString.js, plainString): a string that matches
// INDICATORS cannot be plain; one that matches DOCUMENT_MARKER is printed in ways that depend on where it is.
const INDICATORS = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
/**
 * Every non-string tag of the 1.1 schema matches only text that starts with one of ~ N n Y y T t F f O o
 * (null, booleans), + - . or a digit (numbers, times, dates), or < (merge), or is empty; so text that
 * starts with anything else is a string without asking them. test/synth/fast-yaml.test.ts pins the
 * tags' patterns this was read from: a yaml release that changes them fails there.
 */
export const CANNOT_BE_TYPED = /^[^~NnYyTtFfOo+\-.0-9<]/;
/** Printable ASCII only: no control characters (double-quoted with escapes), no line breaks, nothing outside ASCII. */
const PRINTABLE = /^[\x20-\x7e]*$/;

const scalars = new Map<string, string | undefined>();
/** A one-line string as the library prints it, as a key or a value; undefined when not sure. */
function oneLine(value: string): string | undefined {
  let text = scalars.get(value);
  if (text !== undefined || scalars.has(value)) return text;
  text = printOneLine(value);
  if (scalars.size > 10_000) scalars.clear(); // a long-lived process (tests, a fleet run) does not keep every string
  scalars.set(value, text);
  return text;
}

function printOneLine(value: string): string | undefined {
  if (!PRINTABLE.test(value) || DOCUMENT_MARKER.test(value) || value.includes(MERGE_MARKER) || value.length > 1000) return undefined;
  // toCloudFormationYaml double-quotes these two (a YAML 1.1 reader takes them for its value and merge keys).
  if (value === "=" || value === "<<") return `"${value}"`;
  if (!INDICATORS.test(value) && (CANNOT_BE_TYPED.test(value) || !nonStringTags().some((t) => t.test!.test(value)))) return value;
  // quotedString: single quotes only when the value holds a double quote and no single one.
  const hasDouble = value.includes('"');
  if (hasDouble && !value.includes("'")) return `'${value}'`;
  // doubleQuotedString of printable ASCII on one line is its JSON text (\" and \\ are YAML escapes too).
  return JSON.stringify(value);
}

/**
 * A multi-line string value as the library prints it at `indent`: a literal block (`|`). Only the
 * common shape (text ending in exactly one line break, no leading or trailing blanks, no tabs).
 */
function block(value: string, indent: string): string | undefined {
  if (!/^[\x20-\x7e\n]*$/.test(value) || value.includes(MERGE_MARKER)) return undefined;
  // Clip chomping (`|` with no indicator): one final line break after a non-blank character.
  if (value.length < 2 || !value.endsWith("\n") || /[ \n]/.test(value[value.length - 2]!)) return undefined;
  // No indentation indicator: the first line starts with text. Lines end in text (a conservative limit).
  const body = value.slice(0, -1);
  if (body[0] === " " || body[0] === "\n" || body.includes(" \n")) return undefined;
  return `|\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const proto = Object.getPrototypeOf(value) as unknown;
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== "function";
}

/** A scalar as the library prints it (a value at `indent`), or undefined when not a scalar or not sure. */
function scalar(value: unknown, indent: string): string | undefined {
  switch (typeof value) {
    case "string":
      return value.includes("\n") ? block(value, indent) : oneLine(value);
    case "number":
      // The library prints -0 as "-0"; String(-0) is "0".
      return Number.isFinite(value) && !Object.is(value, -0) ? String(value) : undefined;
    case "boolean":
      return value ? "true" : "false";
    default:
      return value === null ? "null" : undefined;
  }
}

class NotSure extends Error {}
const notSure = new NotSure();

/** A nested array or plain object as block text whose first line sits at `indent`; undefined for a scalar. */
function collection(item: unknown, indent: string): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  if (Array.isArray(item)) return sequence(item, indent);
  if (!isPlainObject(item)) throw notSure;
  return mapping(item, indent);
}

/** A scalar printed at `indent`; throws notSure where scalar() is not sure (undefined, holes, and the rest). */
function sureScalar(item: unknown, indent: string): string {
  const text = scalar(item, indent);
  if (text === undefined) throw notSure;
  return text;
}

/** The entries of a non-empty block mapping whose keys sit at `indent`, joined as the library joins them. */
function mapping(value: Record<string, unknown>, indent: string): string {
  const inner = indent + "  ";
  let out = "";
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined) continue; // the library leaves such keys out, as JSON.stringify does
    const k = oneLine(key);
    if (k === undefined) throw notSure;
    if (out !== "") out += `\n${indent}`;
    const nested = collection(item, inner);
    out += nested !== undefined ? `${k}:\n${inner}${nested}` : `${k}: ${sureScalar(item, inner)}`;
  }
  if (out === "") throw notSure; // an empty mapping is printed `{}`, in flow style
  return out;
}

/** A non-empty block sequence whose dashes sit at `indent`. */
function sequence(items: unknown[], indent: string): string {
  if (items.length === 0) throw notSure; // printed `[]`, in flow style
  const inner = indent + "  ";
  let out = "";
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += `\n${indent}`;
    out += `- ${collection(items[i], inner) ?? sureScalar(items[i], inner)}`;
  }
  return out;
}

/** The text the yaml library prints for `value` with toCloudFormationYaml's options, or undefined when not sure. */
export function fastCloudFormationYaml(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value) || !isPlainObject(value)) return undefined;
  try {
    return `${mapping(value, "")}\n`;
  } catch (error) {
    if (error === notSure) return undefined;
    throw error;
  }
}
