// settings `targets`: validated at its line like every settings key, near-miss regions with did-you-mean.
import { afterAll, describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config/project-naming";
import { configErrorOf, removeProjects, writeProject } from "../_helpers/project";

afterAll(() => removeProjects());

const settings = (body: string) => writeProject({ ".cody/settings.ts": `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  ${body}\n});\n` });

describe("settings targets", () => {
  it("accepts regions with optional profiles", async () => {
    const { settings: s } = await loadSettings(settings('targets: [{ region: "us-east-1" }, { region: "eu-west-1", profile: "eu" }],'));
    expect(s.targets).toEqual([{ region: "us-east-1" }, { region: "eu-west-1", profile: "eu" }]);
  });

  const cases: Array<[string, RegExp, RegExp]> = [
    ['targets: [{ region: "eu-wst-1" }],', /not a region cody knows, and it is close to eu-west-1/, /Did you mean region: "eu-west-1"\?/],
    ['targets: [{ region: "virginia" }],', /not an AWS region name/, /us-east-1/],
    ["targets: [],", /is empty/, /region/],
    ['targets: [{ region: "us-east-1", acount: "1" }],', /unknown key/, /.*/],
    ['targets: [{ region: "us-east-1" }, { region: "us-east-1" }],', /listed twice/, /Remove the second one/],
    ['targets: "us-east-1",', /expected a list of targets/, /region/],
  ];
  for (const [body, message, fix] of cases) {
    it(`rejects ${body}`, async () => {
      const error = await configErrorOf(loadSettings(settings(body)));
      const issue = error.issues[0]!;
      expect(issue.message).toMatch(message);
      expect(issue.fix ?? "").toMatch(fix);
      expect(issue.line).toBe(4);
      expect(issue.field).toMatch(/^targets/);
    });
  }
});
