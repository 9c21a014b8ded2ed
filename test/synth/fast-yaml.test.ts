// fastCloudFormationYaml must print exactly what the yaml library prints (libraryYaml) whenever it
// answers, and answer for every template cody makes. Checked over every golden template (and the inline
// buildspecs inside them), over strings chosen to hit each rule of the library's plain/quoted choice,
// and over many generated values.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CANNOT_BE_TYPED, fastCloudFormationYaml, nonStringTags } from "../../src/synth/fast-yaml";
import { libraryYaml, toCloudFormationYaml } from "../../src/synth/serialize";
import { GOLDEN_DIR } from "../examples/examples";
import { rng as random } from "../_helpers/random";

// Strings that YAML 1.1 reads as something else, indicators, quotes, markers, and ordinary text.
const TRICKY = [
  ...["", " ", "a", "a b", "Allow", "demo", "AWS::CodeBuild::Project", "Fn::GetAtt", "arn:aws:s3:::bucket/*", "${AWS::Region}"],
  ...["y", "Y", "n", "N", "yes", "No", "ON", "off", "Off", "true", "False", "TRUE", "~", "null", "Null", "NULL", "nULL"],
  ...["0", "1", "-1", "+1", "017", "0o17", "0x1F", "0b101", "1_000", "1:20", "190:20:30", "1.5", "-.5", "1e3", "12e-3", ".inf", "-.Inf", ".NaN", ".nan", "1.", "1_0.5"],
  ...["2010-09-09", "2001-12-14t21:59:43.10-05:00", "2002-12-14", "2002-1-1", "20:30", "0.2", "7.0"],
  ...["-", "?", "- a", "? a", "-a", "?a", ":", "a:", "a:b", "a: b", "a :b", "#", "a#b", "a #b", " a", "a ", "a\t", "\ta"],
  ...[",a", "[a]", "{a}", "a,b", "a[0]", "*a", "&a", "!a", "!!str", "|", ">", "|a", "'a", '"a', "%a", "@a", "`a", "a'b", 'a"b', `a'b"c`, "a\\b", 'a\\"b'],
  ...["---", "--- a", "...", "... a", "a\n---", "%YAML", "=", "a=b", "==", "<<", "<< ", "a<<b", "<", "__cody_yaml_merge_literal__", "x__cody_yaml_merge_literal__"],
  ...["é", "日本", "a\u2028b", "a\u0085b", "\u00a0", "\x7f", "\x00", "\x1b[0m", "a\rb", "\ud800"],
  ...["a\n", "a\nb\n", "a\nb", "a\n\nb\n", "a\n\n", "\na\n", " a\nb\n", "a \nb\n", "a\n b\n", "a\n  b\n", "a\n\tb\n", "a: b\nc: d\n", "- a\n- b\n", "a\n\n\nb\n", "a\n#b\n", "a\n---\nb\n", "a\n \n", "é\n"],
  "x".repeat(1100),
];

function randomString(next: () => number): string {
  if (next() < 0.5) return TRICKY[Math.floor(next() * TRICKY.length)]!;
  const alphabet = next() < 0.8 ? "abcXYZ09:-_/.*$?{}[]#,&!|>'\"%@` =<\\" : "ab \n\t:#-é";
  let s = "";
  const length = Math.floor(next() * 12);
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

const NUMBERS = [0, -0, 1, -1, 20, 0.2, 1.5, -2.25, 1e21, 1e-7, 2 ** 53, Number.MAX_VALUE, Number.NaN, Infinity, -Infinity];

function randomValue(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 0 && r < 0.3) {
    const object: Record<string, unknown> = {};
    const size = Math.floor(next() * 4) + (next() < 0.95 ? 1 : 0);
    for (let i = 0; i < size; i++) object[randomString(next)] = randomValue(next, depth - 1);
    return object;
  }
  if (depth > 0 && r < 0.5) {
    const size = Math.floor(next() * 4) + (next() < 0.95 ? 1 : 0);
    return Array.from({ length: size }, () => randomValue(next, depth - 1));
  }
  if (r < 0.8) return randomString(next);
  if (r < 0.9) return NUMBERS[Math.floor(next() * NUMBERS.length)];
  const odd = [true, false, null, undefined, new Date(0), 10n, new Map([["a", 1]]), Object.create(null) as object];
  return odd[Math.floor(next() * odd.length)];
}

function expectSame(value: unknown): boolean {
  const fast = fastCloudFormationYaml(value);
  if (fast !== undefined) expect(fast).toBe(libraryYaml(value));
  return fast !== undefined;
}

describe("fastCloudFormationYaml", () => {
  const goldens = readdirSync(GOLDEN_DIR).filter((f) => f.endsWith(".yaml"));

  it.each(goldens)("prints %s as the library does, without falling back", (file) => {
    const text = readFileSync(join(GOLDEN_DIR, file), "utf8");
    const template: unknown = parse(text, { version: "1.1" });
    expect(fastCloudFormationYaml(template)).toBe(libraryYaml(template));
    expect(toCloudFormationYaml(template)).toBe(text);
    // Inline buildspecs are printed by the same function (src/synth/project-resource.ts).
    const spec = (template as { Resources: { CodeBuild: { Properties: { Source?: { BuildSpec?: string } } } } }).Resources.CodeBuild.Properties.Source?.BuildSpec;
    if (spec?.includes("\n")) {
      const object: unknown = parse(spec, { version: "1.1" });
      expect(fastCloudFormationYaml(object)).toBe(libraryYaml(object));
    }
  });

  it("skips the type tests only for text no YAML 1.1 type can match (the patterns it was read from are these)", () => {
    expect(nonStringTags().map((t) => t.test!.source)).toEqual([
      "^(?:~|[Nn]ull|NULL)?$",
      "^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$",
      "^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$",
      "^[-+]?0b[0-1_]+$",
      "^[-+]?0[0-7_]+$",
      "^[-+]?[0-9][0-9_]*$",
      "^[-+]?0x[0-9a-fA-F_]+$",
      "^(?:[-+]?\\.(?:inf|Inf|INF)|\\.nan|\\.NaN|\\.NAN)$",
      "^[-+]?(?:[0-9][0-9_]*)?(?:\\.[0-9_]*)?[eE][-+]?[0-9]+$",
      "^[-+]?(?:[0-9][0-9_]*)?\\.[0-9_]*$",
      "^<<$",
      "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$",
      "^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*$",
      "^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:(?:t|T|[ \\t]+)([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?)?$",
    ]);
    // Each pattern's possible first characters, by reading them above; none is outside the shortcut's list.
    for (const first of "~NnYyTtFfOo+-.0123456789<") expect(CANNOT_BE_TYPED.test(`${first}x`), first).toBe(false);
    expect(CANNOT_BE_TYPED.test("")).toBe(false);
    for (const first of "AaBbZzSs:/$_") expect(CANNOT_BE_TYPED.test(`${first}x`), first).toBe(true);
  });

  it("prints every tricky string, as a key and as a value, at each depth, as the library does", () => {
    let answered = 0;
    for (const s of TRICKY) {
      const shapes = [{ [s]: 1 }, { k: s }, { k: [s] }, { k: { [s]: s } }, { k: [{ [s]: s, b: s }] }, { [s]: [s, s] }];
      for (const shape of shapes) if (expectSame(shape)) answered++;
    }
    // Most of them are answered without the library (the rest fall back).
    expect(answered).toBeGreaterThan(TRICKY.length * 3);
  });

  it("prints the values it answers for as the library does (20,000 generated values)", () => {
    let answered = 0;
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = random(seed);
      const value = { Root: randomValue(next, 4), [randomString(next)]: randomValue(next, 3) };
      try {
        if (expectSame(value)) answered++;
      } catch (error) {
        throw new Error(`seed ${seed}: ${JSON.stringify(value)}\n${String(error)}`);
      }
    }
    expect(answered).toBeGreaterThan(2_000);
  });

  it("leaves to the library what it does not print: non-objects, empty collections, nested sequences, odd values", () => {
    for (const value of [null, "a", 1, [], ["a"], {}, { a: {} }, { a: [] }, { a: [[]] }, { a: -0 }, { a: [undefined] }, { a: new Date(0) }, { a: 1n }, { a: Number.NaN }, { a: { toJSON: () => "x" } }]) {
      expect(fastCloudFormationYaml(value)).toBeUndefined();
    }
    expect(toCloudFormationYaml({ a: {}, b: [] })).toBe("a: {}\nb: []\n");
  });

  it("prints nested sequences", () => {
    expect(fastCloudFormationYaml({ a: [["b", { c: 1, d: [2] }], ["e"]] })).toBe(libraryYaml({ a: [["b", { c: 1, d: [2] }], ["e"]] }));
  });

  it("leaves out keys whose value is undefined, as the library does", () => {
    expect(fastCloudFormationYaml({ a: undefined, b: 1 })).toBe("b: 1\n");
    expect(fastCloudFormationYaml({ a: undefined })).toBeUndefined();
  });
});
