// The layer rule of `npm run lint` (scripts/eslint-layers.mjs, layers in scripts/layers.mjs), run through
// the repository's own eslint.config.js on fixture sources placed at paths inside src/. That src/ itself
// passes is `npm run lint`.
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.filter((m) => m.ruleId === "cody/layers").map((m) => m.message);
}

describe("the layer rule", () => {
  it("fails an import from a higher layer", async () => {
    const errors = await layerErrors("src/config/fixture.ts", 'import { synthesize } from "../synth/template";\nexport const s = synthesize;\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('"synth" is on a higher layer than "config"');
    expect(errors[0]).toContain("docs/architecture.md#layers");
  });

  it("counts type-only imports, dynamic imports, re-exports and typeof import()", async () => {
    const code = [
      'import type { Template } from "../synth/template";',
      'export type { SynthResult } from "../synth/template";',
      'export * from "../deploy/stack";',
      'export type Main = typeof import("../cli/main");',
      'export const load = () => import("../preflight/preflight");',
      "export type T = Template;",
    ].join("\n");
    expect(await layerErrors("src/config/fixture.ts", code)).toHaveLength(5);
  });

  it("fails an import between folders of the same layer", async () => {
    const errors = await layerErrors("src/aws/fixture.ts", 'import { colors } from "../io/reporter";\nexport const c = colors;\n');
    expect(errors).toEqual([expect.stringContaining('"aws" and "io" are on the same layer')]);
  });

  it("fails a folder that has no layer", async () => {
    const errors = await layerErrors("src/newthing/fixture.ts", 'import { shown } from "../util/shown";\nexport const s = shown;\n');
    expect(errors).toEqual([expect.stringContaining('the folder "newthing" has no layer')]);
  });

  it("says when the import also closes a folder cycle", async () => {
    // synth → config exists, so config → synth closes config → synth → config.
    const errors = await layerErrors("src/config/fixture.ts", 'import { ref } from "../synth/intrinsics";\nexport const r = ref;\n');
    expect(errors[0]).toMatch(/closes the folder cycle (config → synth → config|synth → config → synth)/);
  });

  it("passes imports that point down, within a folder, and packages", async () => {
    const code = [
      'import type { LoadedProject } from "../config/load-project";',
      'import { POLICY_VERSION } from "./intrinsics";',
      'import { Document } from "yaml";',
      'import { configError } from "../errors";',
      "export type P = LoadedProject;",
      "export const x = [POLICY_VERSION, Document, configError];",
    ].join("\n");
    expect(await layerErrors("src/synth/fixture.ts", code)).toEqual([]);
  });

  it("lets through exactly the allow-listed imports, not their neighbours", async () => {
    const roleResource = 'import { defaultStatements } from "../../synth/role-resource";\nexport const a = defaultStatements;\n';
    expect(await layerErrors("src/config/rules/role-rules.ts", roleResource)).toEqual([]);
    expect(await layerErrors("src/config/rules/tag-rules.ts", roleResource)).toHaveLength(1);
  });
});
