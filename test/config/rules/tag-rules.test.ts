// settings' stackTags: on the stack beside cody's own, checked like project tags (CloudFormation copies
// stack tags to the project), reported in settings.ts at the key's line, and counted toward the 50 tags.
import { afterAll, describe, expect, it } from "vitest";
import { MAX_TAGS } from "../../../src/config/rules/input-rules";
import { synthesize } from "../../../src/synth/template";
import { configErrorOf, loadAt, minimalProject, removeProjects, writeProject } from "../../_helpers/project";

afterAll(removeProjects);

const settingsTs = (body: string) => `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  stackTags: {\n${body}\n  },\n});\n`;
const many = (n: number, prefix = "s") => Array.from({ length: n }, (_, i) => `    ${prefix}${i}: "v",`).join("\n");

function project(settings: string, extra = "") {
  return writeProject(minimalProject(extra, { ".cody/settings.ts": settings }));
}

describe("settings stackTags", () => {
  it("go on the stack with cody's own", async () => {
    const loaded = await loadAt(project(settingsTs('    team: "platform",\n    "cost-center": "42"')));
    expect(synthesize(loaded).stackTags).toEqual({
      team: "platform",
      "cost-center": "42",
      "cody:tool": "codybuild",
      "cody:project": loaded.names.projectName,
      "cody:env": "development",
    });
  });

  it("cody: and aws: keys are refused, in settings.ts at the key's line, with a fix", async () => {
    const error = await configErrorOf(loadAt(project(settingsTs('    team: "platform",\n    "cody:env": "prod",\n    "aws:owner": "me"'))));
    expect(error.issues.map((i) => ({ field: i.field, line: i.line, file: i.file?.endsWith("settings.ts") }))).toEqual([
      { field: "stackTags.cody:env", line: 6, file: true },
      { field: "stackTags.aws:owner", line: 7, file: true },
    ]);
    expect(error.issues[0]!.message).toContain("cody: tags are cody's own");
    expect(error.issues[0]!.fix).toBe('Rename the tag without the cody: prefix, e.g. "env".');
  });

  it("keys and values by CodeBuild's rules", async () => {
    const error = await configErrorOf(loadAt(project(settingsTs(`    "a,b": "x",\n    owner: "a|b",\n    long: "${"v".repeat(256)}"`))));
    expect(error.issues.map((i) => [i.field, i.line])).toEqual([
      ["stackTags.a,b", 5],
      ["stackTags.owner", 6],
      ["stackTags.long", 7],
    ]);
  });

  it("a value that is not a string is a schema error at its line", async () => {
    const error = await configErrorOf(loadAt(project(settingsTs("    team: 42,"))));
    expect(error.issues[0]).toMatchObject({ field: "stackTags.team", line: 5 });
  });

  it("count toward the 50 tags, alone and with the project's tags (a key in both counts once)", async () => {
    // 47 + cody's 3 = 50: fine
    await expect(loadAt(project(settingsTs(many(MAX_TAGS - 3))))).resolves.toBeDefined();
    const alone = await configErrorOf(loadAt(project(settingsTs(many(MAX_TAGS - 2)))));
    expect(alone.issues[0]).toMatchObject({ field: "stackTags", line: 5 });
    expect(alone.issues[0]!.message).toContain("48 stackTags plus the 3 cody puts on the stack");

    // 40 project tags + 8 stackTags + 3 = 51
    const projectTags = `tags: Object.fromEntries(Array.from({ length: 40 }, (_, i) => ["t" + i, "v"])),`;
    const both = await configErrorOf(loadAt(project(settingsTs(many(8)), projectTags)));
    expect(both.issues[0]!.field).toBe("tags");
    expect(both.issues[0]!.message).toContain("40 tags plus the 3 cody adds to the stack (cody:tool, cody:project, cody:env) and the 8 stackTags of the settings make 51");
    // the same key in both is one tag: 40 + 7 new + 3 = 50
    const shared = settingsTs(`${many(7)}\n    t0: "v",`);
    await expect(loadAt(project(shared, projectTags))).resolves.toBeDefined();
  });
});
