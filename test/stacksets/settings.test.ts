// settings `stackSet`: checked at load, before any AWS call, each problem at its line in settings.ts
// with the field and a fix (src/config/stack-set-settings.ts).
import { afterAll, describe, expect, it } from "vitest";
import { configErrorOf, loadAt, minimalProject, removeProjects, writeProject } from "../_helpers/project";

afterAll(removeProjects);

const settingsTs = (body: string) => `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  stackSet: {\n${body}\n  },\n});\n`;
const project = (body: string) => writeProject(minimalProject("", { ".cody/settings.ts": settingsTs(body) }));

describe("settings stackSet", () => {
  it("a valid SELF_MANAGED and a valid SERVICE_MANAGED stack set load as written", async () => {
    const self = await loadAt(project('    regions: ["us-east-1", "eu-west-1"],\n    accounts: ["123456789012"],\n    maxConcurrentPercentage: 50,\n    failureTolerancePercentage: 0,'));
    expect(self.settings.stackSet).toEqual({ regions: ["us-east-1", "eu-west-1"], accounts: ["123456789012"], maxConcurrentPercentage: 50, failureTolerancePercentage: 0 });
    const org = await loadAt(project('    regions: ["us-east-1"],\n    permissionModel: "SERVICE_MANAGED",\n    organizationalUnits: ["ou-ab12-cd34ef56"],'));
    expect(org.settings.stackSet?.organizationalUnits).toEqual(["ou-ab12-cd34ef56"]);
  });

  it("a region typo is reported at its line with the region meant", async () => {
    const error = await configErrorOf(loadAt(project('    regions: [\n      "us-east-1",\n      "useast-2",\n    ],')));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]).toMatchObject({ field: "stackSet.regions[1]", line: 7 });
    expect(error.issues[0]!.file).toMatch(/settings\.ts$/);
    expect(error.issues[0]!.fix).toBe('Did you mean "us-east-2"?');
  });

  it("percentages are whole numbers from 0 to 100", async () => {
    const error = await configErrorOf(loadAt(project('    regions: ["us-east-1"],\n    maxConcurrentPercentage: 150,\n    failureTolerancePercentage: "10",')));
    expect(error.issues.map((i) => [i.field, i.line])).toEqual([
      ["stackSet.maxConcurrentPercentage", 6],
      ["stackSet.failureTolerancePercentage", 7],
    ]);
    expect(error.issues[0]!.message).toContain("at most 100");
    expect(error.issues[1]!.fix).toContain("(a number, without quotes)");
  });

  it("SERVICE_MANAGED needs organizationalUnits and takes no accounts", async () => {
    const error = await configErrorOf(loadAt(project('    regions: ["us-east-1"],\n    permissionModel: "SERVICE_MANAGED",\n    accounts: ["123456789012"],')));
    const byField = Object.fromEntries(error.issues.map((i) => [i.field, i]));
    expect(byField["stackSet.organizationalUnits"]?.message).toContain("SERVICE_MANAGED stack set deploys to organizational units");
    expect(byField["stackSet.organizationalUnits"]?.fix).toContain("organizationalUnits:");
    expect(byField["stackSet.accounts"]).toMatchObject({ line: 7 });
  });

  it("SELF_MANAGED with organizational units says to switch the model", async () => {
    const error = await configErrorOf(loadAt(project('    regions: ["us-east-1"],\n    organizationalUnits: ["ou-ab12-cd34ef56"],')));
    expect(error.issues[0]).toMatchObject({ field: "stackSet.organizationalUnits", line: 6 });
    expect(error.issues[0]!.fix).toContain('permissionModel: "SERVICE_MANAGED"');
  });

  it("bad account ids, OU ids, model names and unknown keys each get a fix", async () => {
    const error = await configErrorOf(loadAt(project('    regions: ["us-east-1"],\n    accounts: ["12345"],\n    permissionModel: "self-managed",\n    regoins: ["us-east-1"],')));
    const byField = Object.fromEntries(error.issues.map((i) => [i.field, i]));
    expect(byField["stackSet.accounts[0]"]?.message).toContain('"12345" is not an AWS account id');
    expect(byField["stackSet.permissionModel"]?.fix).toBe('Write permissionModel: "SELF_MANAGED".');
    expect(byField["stackSet.regoins"]?.message).toMatch(/unknown key/i);
    expect(JSON.stringify(byField["stackSet.regoins"])).toContain("regions");
  });

  it("regions is required and may not be empty or repeat a region", async () => {
    const missing = await configErrorOf(loadAt(project('    accounts: ["123456789012"],')));
    expect(missing.issues[0]).toMatchObject({ field: "stackSet.regions" });
    expect(missing.issues[0]!.message).toContain("is missing");
    const twice = await configErrorOf(loadAt(project('    regions: ["us-east-1", "us-east-1"],')));
    expect(twice.issues[0]!.message).toContain('lists "us-east-1" twice');
  });
});
