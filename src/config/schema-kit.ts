// The building blocks of the DSL schemas (schema.ts): how a problem travels from a zod error callback
// to validate.ts, the error callbacks that write cody's messages, the basic field types, and lazy(),
// which builds a schema on first use.
import * as z from "zod";
import { closest } from "../util/did-you-mean";

// zod compiles a parser for each object schema with `new Function` the first time it parses (its JIT):
// worth it over many parses, but a cody run parses each schema once or twice, and compiling cost
// `cody synth` more than it saved (~6 % of its instructions, bench/README.md). The parsers zod uses
// instead give the same results and the same issues.
z.config({ jitless: true });

/**
 * A schema built the first time it is used rather than when the module loads. zod builds every schema
 * eagerly (each check and error callback a closure), and the DSL's schemas are a good part of loading
 * `cody synth`'s bundle; a command that validates nothing, or a project without settings.ts, should not
 * build them. The proxy has the schema's own type, so `z.infer`, `.optional()` and nesting it in another
 * schema work as with the schema itself.
 */
export function lazy<T extends object>(build: () => T): T {
  let built: T | undefined;
  const real = (): T => (built ??= build());
  return new Proxy({} as T, {
    get(_, key) {
      const target = real();
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(real(), key);
      return descriptor && { ...descriptor, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(real()),
  });
}

/**
 * A field's schema built when the field is first parsed with a value: an object schema builds every
 * field's schema when it first parses, even for keys the input does not have (a project without
 * triggers, vpcConfig or a schedule). zod asks an optional field's schema whether it is optional
 * itself (`optin`/`optout`) before it skips an absent key; the answer is given here without building,
 * so `build` must return a schema that is neither optional nor defaulted (an object, a record, an
 * array), whose answers are both undefined. Issues and messages are the built schema's own.
 */
export function deferred<T extends z.ZodType>(build: () => T): T {
  const schema = z.lazy(build);
  for (const key of ["optin", "optout"]) Object.defineProperty(schema._zod, key, { value: undefined, writable: true, configurable: true });
  return schema as unknown as T;
}

/**
 * What an error callback hands to validate.ts. zod carries only a message string, so the fix (and,
 * for unknown keys, the known keys) travel JSON-encoded behind a marker; validate.ts decodes them.
 * `{key}` in a fix stands for the field's own name, which only validate.ts knows.
 */
export interface IssueDetail {
  message: string;
  fix?: string;
  /** For unknown keys: the keys the object accepts (validate.ts makes one issue per unknown key). */
  known?: readonly string[];
}
const DETAIL_MARK = "\u0000cody:";

export function encodeDetail(detail: IssueDetail): string {
  return `${DETAIL_MARK}${JSON.stringify(detail)}`;
}

export function decodeDetail(message: string): IssueDetail | undefined {
  if (!message.startsWith(DETAIL_MARK)) return undefined;
  return JSON.parse(message.slice(DETAIL_MARK.length)) as IssueDetail;
}

/** A strict object whose unknown-key error suggests the closest known key. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      return encodeDetail({ message: "unknown key", known });
    },
  });
}

/** One of a fixed list, with a suggestion for near-misses. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T, what = "value", hint = "") {
  return z.enum(values, {
    error: (issue) => {
      const got = issue.input;
      const list = values.join(", ");
      if (got === undefined) return encodeDetail({ message: `is missing: expected one of ${list}.`, fix: `Add {key} with one of the values listed.` });
      const match = typeof got === "string" ? closest(got, values) : undefined;
      return encodeDetail({
        message: `${typeof got === "string" ? `"${got}"` : describe(got)} is not a valid ${what}.${match ? ` Did you mean "${match}"?` : ""} Expected one of ${list}.`,
        fix: match ? `Write {key}: "${match}".` : `Set {key} to one of the values listed (quoted, exactly as written)${hint}.`,
      });
    },
  });
}

export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === "function") return "a function";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${String(value)}`;
}

/**
 * The error callback of a type check: "expected X; got Y" (or "is missing" when the key is
 * missing), with a fix that, where it can, rewrites the user's value into the expected type.
 */
export function expected(what: string, fix: (input: unknown) => string = () => `Set {key} to ${what}.`) {
  return (issue: { code?: string; input?: unknown }) => {
    // A record's bad key carries the key schema's own message; validate.ts reads it from there.
    if (issue.code === "invalid_key") return undefined;
    return encodeDetail(
      issue.input === undefined
        ? { message: `is missing: expected ${what}.`, fix: `Add {key} (${what}).` }
        : { message: `expected ${what}; got ${describe(issue.input)}.`, fix: fix(issue.input) },
    );
  };
}

export const numericString = (v: unknown): v is string => typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v));

export const str = lazy(() =>
  z.string({
    error: expected("a string", (v) =>
      typeof v === "number" || typeof v === "boolean" ? `Quote it: {key}: "${String(v)}".` : "Set {key} to a string.",
    ),
  }),
);
export const nonEmpty = lazy(() => str.min(1, { error: encodeDetail({ message: "must not be empty.", fix: "Set {key} to a value, or remove it." }) }));
const TRUTHY = ["yes", "true", "on", "1", "y"];
const FALSY = ["no", "false", "off", "0", "n"];
export const bool = lazy(() =>
  z.boolean({
    error: expected("true or false", (v) => {
      const word = String(v).trim().toLowerCase();
      const meant = TRUTHY.includes(word) ? "true" : FALSY.includes(word) ? "false" : undefined;
      return meant ? `Write {key}: ${meant} (a boolean, without quotes).` : "Write {key}: true or {key}: false (without quotes).";
    }),
  }),
);
export const stringList = lazy(() =>
  z.array(nonEmpty, {
    error: expected("a list of strings", (v) => (typeof v === "string" ? `Wrap it in a list: {key}: ["${v}"].` : 'Write {key}: ["..."].')),
  }),
);
export const rawProperties = lazy(() =>
  z.record(str, z.unknown(), {
    error: expected("an object of raw CloudFormation properties", () => "Write {key}: { PropertyName: value } (PascalCase, as in the CloudFormation reference)."),
  }),
);
export const minutes = (min: number, max: number) => {
  const range = (issue: { input?: unknown }) =>
    encodeDetail({
      message: `must be between ${min} and ${max} minutes; got ${String(issue.input)}.`,
      fix: `Use a whole number of minutes from ${min} to ${max}, e.g. {key}: ${Math.min(Math.max(Number(issue.input) || min, min), max)}.`,
    });
  return z
    .number({
      error: expected("a whole number of minutes", (v) =>
        numericString(v) ? `Write {key}: ${Number(v)} (a number, without quotes).` : `Write {key}: ${min === 5 && max === 2160 ? 60 : min} (a number of minutes).`,
      ),
    })
    .int({ error: (i) => encodeDetail({ message: `expected a whole number of minutes; got ${String(i.input)}.`, fix: `Round it: {key}: ${Math.round(Number(i.input))}.` }) })
    .min(min, { error: range })
    .max(max, { error: range });
};

