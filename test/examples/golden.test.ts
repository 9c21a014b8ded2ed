// Golden templates of the examples: `cody synth` of every example, every --type and every env with its
// own variables must match test/examples/__golden__/, be the same bytes on every run, and say the same
// thing in JSON as in YAML. The cases run run(argv) in this process; the smoke tests at the end prove
// the built CLI, as a user runs it, prints the same bytes.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, exampleCases, EXAMPLES_DIR, GOLDEN_DIR, synth, synthInProcess } from "./examples";

const cases = exampleCases();

beforeAll(() => {
  assertBuilt();
});

describe("examples", () => {
  it("there are at least six examples, demo among them, each with a README saying how to synth it", () => {
    const examples = [...new Set(cases.map((c) => c.example))];
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples).toContain("demo");
    for (const example of examples) {
      const readme = join(EXAMPLES_DIR, example, "README.md");
      expect(existsSync(readme), `${example}/README.md`).toBe(true);
      expect(readFileSync(readme, "utf8"), `${example}/README.md`).toMatch(/cody synth/);
    }
  });

  it("--type and --env cases are found", () => {
    const names = cases.map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(["multi-type-unit", "multi-type-unit-production", "multi-type-deploy-production", "nightly-scheduler-backfill"]));
  });

  it("every golden file belongs to a case (no stale goldens)", () => {
    const expected = new Set(cases.map((c) => `${c.name}.yaml`));
    const present = existsSync(GOLDEN_DIR) ? readdirSync(GOLDEN_DIR) : [];
    expect(present.filter((file) => !expected.has(file))).toEqual([]);
  });
});

describe.each(cases.map((c) => [c.name, c] as const))("synth %s", (_name, c) => {
  it("matches its golden template, deterministically", async () => {
    const first = await synthInProcess(c);
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    await expect(first.stdout).toMatchFileSnapshot(c.golden);
    const second = await synthInProcess(c);
    expect(second.stdout).toBe(first.stdout);
  });

  it("--format json is the same template as the YAML", async () => {
    const yaml = await synthInProcess(c);
    const json = await synthInProcess(c, "json");
    expect(json.stderr).toBe("");
    expect(json.status).toBe(0);
    const template: unknown = JSON.parse(json.stdout);
    // CloudFormation reads YAML 1.1: the YAML must not change meaning under either version.
    expect(parse(yaml.stdout, { version: "1.1" })).toEqual(template);
    expect(parse(yaml.stdout, { version: "1.2" })).toEqual(template);
  });
});

describe("the built CLI prints the golden bytes", () => {
  const smoke = ["demo", "multi-type-deploy-production", "nightly-scheduler-backfill"];

  it.each(smoke)("%s, YAML and JSON", async (name) => {
    const c = cases.find((each) => each.name === name)!;
    expect(c, name).toBeDefined();
    for (const format of ["yaml", "json"] as const) {
      const binary = synth(c, format);
      expect(binary).toEqual(await synthInProcess(c, format));
      expect(binary.status, binary.stderr).toBe(0);
      if (format === "yaml") expect(binary.stdout).toBe(readFileSync(c.golden, "utf8"));
    }
  });
});
