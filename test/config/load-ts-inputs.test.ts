// The DSL loader refuses what Node would run quietly but wrongly: files that are not UTF-8 (Node
// decodes them with U+FFFD in place of each bad byte) and import cycles between the user's files
// (CommonJS hands the importer a half-run module, so its exports read as undefined).
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { invalidUtf8Offset, utf8Problem } from "../../src/config/utf8";
import { BUILDSPEC_YML, configErrorOf, loadAt, projectTs, removeProjects, writeProject } from "../_helpers/project";

afterAll(removeProjects);

const GITHUB = 'githubUrl: "https://github.com/acme/api"';
const INLINE = 'buildspec: { version: 0.2, phases: { build: { commands: ["npm test"] } } }';

/** What the standard decoder says: the oracle for the hand-written validator. */
function decoderAccepts(bytes: Uint8Array): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

describe("UTF-8 validation", () => {
  it("agrees with TextDecoder({ fatal: true }) on edge cases and random bytes", () => {
    const cases = [
      [],
      [0x41],
      [0xc3, 0xa9], // é
      [0xe9], // é in Latin-1
      [0xc0, 0x80], // overlong NUL
      [0xe0, 0x80, 0x80], // overlong
      [0xed, 0xa0, 0x80], // surrogate
      [0xf4, 0x90, 0x80, 0x80], // past U+10FFFF
      [0xf0, 0x9f, 0x98, 0x80], // emoji
      [0xe2, 0x82], // truncated
      [0x80], // lone continuation
      [0xf5, 0x80, 0x80, 0x80],
    ];
    for (const bytes of cases) expect(invalidUtf8Offset(Uint8Array.from(bytes)) < 0, JSON.stringify(bytes)).toBe(decoderAccepts(Uint8Array.from(bytes)));
    // Random buffers biased towards multi-byte lead and continuation bytes.
    for (let i = 0; i < 3000; i++) {
      const bytes = randomBytes(1 + (i % 12)).map((b) => (i % 2 ? b | 0x80 : b));
      expect(invalidUtf8Offset(bytes) < 0, Buffer.from(bytes).toString("hex")).toBe(decoderAccepts(bytes));
    }
  });

  it("reports the first bad byte's line, column and offset", () => {
    const bytes = Buffer.concat([Buffer.from("line one\nligne deux: caf"), Buffer.from([0xe9]), Buffer.from("\n")]);
    expect(utf8Problem(bytes)).toMatchObject({ offset: 24, line: 2, column: 16 });
    expect(utf8Problem(bytes)!.message).toContain('that byte is "é"');
    expect(utf8Problem(Buffer.from("\uFEFFvalid ✓ é", "utf8"))).toBeUndefined();
    expect(utf8Problem(Buffer.from("\uFEFFexport default {}", "utf16le"))?.message).toContain("UTF-16");
  });

  it("a Latin-1 project.ts is refused before it runs, at the line of the bad byte", async () => {
    const root = writeProject({ ".cody/buildspec.yml": BUILDSPEC_YML });
    const text = projectTs(`{ ${GITHUB},\n  description: "Caf\xe9 builds",\n  environmentVariables: { RAN: String((globalThis as any).__ranLatin1 = true) } }`);
    writeFileSync(join(root, ".cody", "project.ts"), Buffer.from(text, "latin1"));
    const error = await configErrorOf(loadAt(root));
    expect(error.issues).toEqual([expect.objectContaining({ file: join(root, ".cody", "project.ts"), line: 4 })]);
    expect((globalThis as { __ranLatin1?: boolean }).__ranLatin1).toBeUndefined();
  });

  it("the same text saved as UTF-8 loads, accents intact", async () => {
    const root = writeProject({ ".cody/project.ts": projectTs(`{ ${GITHUB}, ${INLINE}, description: "Café builds ✓" }`) });
    expect((await loadAt(root)).project.description).toBe("Café builds ✓");
  });
});

describe("import cycles", () => {
  it("project.ts → shared.ts → project.ts names the chain, the importing line, and how to break it", async () => {
    const root = writeProject({
      ".cody/project.ts": `import { defineProject } from "codybuild";\nimport { repo } from "./shared";\n\nexport const branch = "main";\nexport default defineProject({ githubUrl: repo, gitBranch: branch, ${INLINE} });\n`,
      ".cody/shared.ts": `// shared\n\nimport { branch } from "./project";\nexport const repo = branch === "main" ? "https://github.com/acme/api" : "https://github.com/acme/other";\n`,
    });
    const error = await configErrorOf(loadAt(root));
    expect(error.issues).toHaveLength(1);
    const issue = error.issues[0]!;
    expect(issue).toMatchObject({ file: join(root, ".cody", "shared.ts"), line: 3 });
    expect(issue.message).toMatch(/^import cycle: \.cody\/project\.ts → \.cody\/shared\.ts → \.cody\/project\.ts\. /);
    expect(issue.fix).toContain("a file of its own that imports neither");
    // Once the cycle is broken, the same process loads it (nothing stale is left from the failed load).
    writeFileSync(join(root, ".cody", "shared.ts"), 'export const repo = "https://github.com/acme/api";\n');
    expect((await loadAt(root)).project.githubUrl).toBe("https://github.com/acme/api");
  });

  it("a cycle among helpers through a plain .js file", async () => {
    const root = writeProject({
      ".cody/project.ts": `import { defineProject } from "codybuild";\nimport { image } from "./lib/a";\nexport default defineProject({ ${GITHUB}, linuxImage: image, ${INLINE} });\n`,
      ".cody/lib/a.ts": `import { b } from "./b";\nexport const image = "repo/" + b;\nexport const a = "a";\n`,
      ".cody/lib/b.js": `const { a } = require("./a");\nexports.b = "x" + a;\n`,
    });
    const issue = (await configErrorOf(loadAt(root))).issues[0]!;
    expect(issue.message).toContain("import cycle: .cody/lib/a.ts → .cody/lib/b.js → .cody/lib/a.ts");
    expect(issue).toMatchObject({ file: join(root, ".cody", "lib", "b.js"), line: 1 });
  });

  it("not cycles: a diamond, type-only imports, require.resolve of a running file, and the next load", async () => {
    const root = writeProject({
      ".cody/project.ts": [
        'import { defineProject } from "codybuild";',
        'import { left } from "./left";',
        'import { right } from "./right";',
        'export interface Shape { name: string }',
        `export default defineProject({ ${GITHUB}, ${INLINE}, environmentVariables: { L: left, R: right, SELF: require.resolve("./project") } });`,
        "",
      ].join("\n"),
      ".cody/left.ts": 'import { base } from "./base";\nexport const left = base + "-l";\n',
      ".cody/right.ts": 'import { base } from "./base";\nimport type { Shape } from "./project";\nconst s: Shape = { name: "r" };\nexport const right = base + s.name;\n',
      ".cody/base.ts": 'export const base = "b";\n',
    });
    const loaded = await loadAt(root);
    expect(loaded.project.environmentVariables).toMatchObject({ L: "b-l", R: "br", SELF: join(root, ".cody", "project.ts") });
    await expect(loadAt(root)).resolves.toBeDefined();
  });
});
