// loadProject (docs/architecture.md#loading, #names): how DSL files are evaluated, the context they get, variables and
// settings layering, role/schedule placement, `--type`, the "codybuild" import and fresh re-reads.
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { codybuildEntry } from "../../src/config/load-ts";
import type { LoadedProject } from "../../src/config/load-project";
import {
  BUILDSPEC_YML,
  configErrorOf,
  loadAt,
  minimalProject,
  projectTs,
  removeProjects,
  writeFile,
  writeProject,
  type ProjectFiles,
  type TestLoadOptions,
} from "../_helpers/project";

afterAll(removeProjects);

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const GITHUB = `githubUrl: "https://github.com/acme/api"`;

/** A project.ts whose function records the context it received in a tag, as JSON. */
// An environment variable carries it: tag values may not hold JSON's characters (CodeBuild's Tag pattern).
const RECORD_CONTEXT = projectTs(`(ctx) => ({ ${GITHUB}, environmentVariables: { CTX: JSON.stringify(ctx) } })`);

/** The context project.ts received (see RECORD_CONTEXT). */
/** The role's iamPolicy as loaded: shorthands as written, statements in IAM's form. */
function entries(role: LoadedProject["role"]): unknown[] | undefined {
  return role?.iamPolicy?.map((s) => s.shorthand ?? s.statement);
}

function contextOf(loaded: LoadedProject): Record<string, unknown> {
  return JSON.parse(String(loaded.project.environmentVariables!.CTX)) as Record<string, unknown>;
}

async function load(files: ProjectFiles, options: TestLoadOptions = {}): Promise<LoadedProject> {
  return loadAt(writeProject(files), options);
}

describe('import ... from "codybuild"', () => {
  it("resolves to this package although the temp dir has no node_modules", async () => {
    const root = writeProject({
      ".cody/project.ts": `import { defineProject, ssm, secret } from "codybuild";
import * as codybuild from "codybuild";

export default defineProject({
  ${GITHUB},
  environmentVariables: {
    K: ssm("/k"),
    S: secret("s"),
    RESOLVED: require.resolve("codybuild"),
    EXPORTS: Object.keys(codybuild).sort().join(","),
  },
});
`,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    // Node's own resolution would find nothing: no node_modules/codybuild above the project
    for (let dir = root; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dir, "node_modules", "codybuild")), dir).toBe(false);
    }
    const loaded = await loadAt(root);
    const entry = codybuildEntry();
    expect(loaded.project.environmentVariables?.RESOLVED).toBe(entry);
    expect(entry.startsWith(`${REPO}/`)).toBe(true);
    expect(loaded.project.environmentVariables?.EXPORTS).toBe("defineProject,defineRole,defineSchedule,defineSettings,secret,ssm");
    expect(loaded.project.environmentVariables).toMatchObject({
      K: { type: "PARAMETER_STORE", value: "/k" },
      S: { type: "SECRETS_MANAGER", value: "s" },
    });
  });
});

describe("exports and the context", () => {
  it("a plain object export", async () => {
    const loaded = await load(minimalProject(`description: "plain",`));
    expect(loaded.project.description).toBe("plain");
  });

  it("a CommonJS-free file without defineProject works too", async () => {
    const loaded = await load({ ".cody/project.ts": `export default { ${GITHUB}, description: "bare" };\n`, ".cody/buildspec.yml": BUILDSPEC_YML });
    expect(loaded.project.description).toBe("bare");
  });

  it("a function export gets projectName, fullProjectName, env, type and vars", async () => {
    const loaded = await load(
      {
        ".cody/settings.ts": `export default { stackNaming: { appendEnv: true } };\n`,
        ".cody/variables/base.ts": `export default { region: "eu-west-1", size: "small" };\n`,
        ".cody/unit/project.ts": RECORD_CONTEXT,
        ".cody/unit/buildspec.yml": BUILDSPEC_YML,
      },
      { type: "unit", env: "staging", projectName: "api", environment: { CODY_EXTRA: "x" } },
    );
    expect(contextOf(loaded)).toEqual({
      projectName: "api",
      fullProjectName: "api-unit-staging-x",
      env: "staging",
      type: "unit",
      vars: { region: "eu-west-1", size: "small" },
    });
  });

  it("no type, region or account when none is known", async () => {
    const ctx = contextOf(await load({ ".cody/project.ts": RECORD_CONTEXT, ".cody/buildspec.yml": BUILDSPEC_YML }));
    expect(ctx).toEqual({ projectName: "demo", fullProjectName: "demo", env: "development", vars: {} });
  });

  describe("region: --region, then the env's settings, then AWS_REGION", () => {
    const files: ProjectFiles = {
      ".cody/settings.ts": `export default { envs: { production: { region: "eu-west-1" } } };\n`,
      ".cody/project.ts": RECORD_CONTEXT,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    };
    it.each<[string, TestLoadOptions, string | undefined]>([
      ["--region", { region: "ap-south-1", env: "production", environment: { AWS_REGION: "us-east-2" } }, "ap-south-1"],
      ["settings", { env: "production", environment: { AWS_REGION: "us-east-2" } }, "eu-west-1"],
      ["AWS_REGION", { env: "staging", environment: { AWS_REGION: "us-east-2" } }, "us-east-2"],
      ["none", { env: "staging" }, undefined],
    ])("%s", async (_, options, region) => {
      const loaded = await load(files, options);
      expect(contextOf(loaded).region).toBe(region);
      expect(loaded.region).toBe(region);
    });
  });

  it("account from AWS_ACCOUNT_ID", async () => {
    const loaded = await load(
      { ".cody/project.ts": RECORD_CONTEXT, ".cody/buildspec.yml": BUILDSPEC_YML },
      { environment: { AWS_ACCOUNT_ID: "123456789012" } },
    );
    expect(contextOf(loaded).account).toBe("123456789012");
    expect(loaded.account).toBe("123456789012");
  });

  it("async functions are awaited (project, role, schedule, settings, variables)", async () => {
    const tick = `await new Promise((r) => setTimeout(r, 5));`;
    const loaded = await load({
      ".cody/settings.ts": `export default async () => { ${tick} return { stackNaming: { suffix: "async" } }; };\n`,
      ".cody/variables/base.ts": `export default async () => { ${tick} return { fromVars: "v" }; };\n`,
      ".cody/project.ts": projectTs(`async ({ vars }) => { ${tick} return { ${GITHUB}, description: vars.fromVars }; }`),
      ".cody/role.ts": `import { defineRole } from "codybuild";\nexport default defineRole(async () => { ${tick} return { iamPolicy: ["s3"] }; });\n`,
      ".cody/schedule.ts": `import { defineSchedule } from "codybuild";\nexport default defineSchedule(async () => { ${tick} return { rate: "1 day" }; });\n`,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    expect(loaded.names.stackName).toBe("demo-async");
    expect(loaded.project.description).toBe("v");
    expect(entries(loaded.role)).toEqual(["s3"]);
    expect(loaded.schedule).toEqual({ rate: "1 day" });
  });

  it("an exception in the function is a ConfigError naming the file and line", async () => {
    const error = await configErrorOf(
      load({ ".cody/project.ts": `export default () => {\n  throw new Error("no region configured");\n};\n` }),
    );
    expect(error.issues[0]!.file).toMatch(/\.cody\/project\.ts$/);
    expect(error.issues[0]!.line).toBe(2);
    expect(error.issues[0]!.message).toContain("no region configured");
  });

  it("a function returning nothing is a ConfigError", async () => {
    const error = await configErrorOf(load({ ".cody/project.ts": `export default () => { ({ a: 1 }); };\n` }));
    expect(error.issues[0]!.file).toMatch(/project\.ts$/);
  });
});

describe("variables", () => {
  const files: ProjectFiles = {
    ".cody/variables/base.ts": `export default { level: "base", db: { host: "base-host", port: 5432, opts: { ssl: false } }, list: [1, 2], onlyBase: true };\n`,
    ".cody/variables/production.ts": `export default { level: "env", db: { host: "prod-host" }, list: [3], onlyEnv: true };\n`,
    ".cody/variables/staging.ts": `export default { level: "staging", wrongEnv: true };\n`,
    ".cody/unit/variables/base.ts": `export default { level: "type-base", db: { opts: { ssl: true } }, onlyTypeBase: true };\n`,
    ".cody/unit/variables/production.ts": `export default ({ env, type }) => ({ level: "type-env", seen: env + "/" + type });\n`,
    ".cody/unit/project.ts": RECORD_CONTEXT,
    ".cody/unit/buildspec.yml": BUILDSPEC_YML,
    ".cody/project.ts": RECORD_CONTEXT,
    ".cody/buildspec.yml": BUILDSPEC_YML,
  };

  it("base < env < type/base < type/env, deep-merged (objects merge, arrays replace)", async () => {
    const loaded = await load(files, { type: "unit", env: "production" });
    const expected = {
      level: "type-env",
      db: { host: "prod-host", port: 5432, opts: { ssl: true } },
      list: [3],
      onlyBase: true,
      onlyEnv: true,
      onlyTypeBase: true,
      seen: "production/unit",
    };
    expect(loaded.vars).toEqual(expected);
    expect(contextOf(loaded).vars).toEqual(expected);
    expect(loaded.files.variables.map((f) => f.slice(loaded.root.length + 1))).toEqual([
      ".cody/variables/base.ts",
      ".cody/variables/production.ts",
      ".cody/unit/variables/base.ts",
      ".cody/unit/variables/production.ts",
    ]);
  });

  it("without --type only the top-level files count; an env without a file gets base only", async () => {
    expect((await load(files, { env: "production" })).vars).toMatchObject({ level: "env", list: [3] });
    const qa = await load(files, { env: "qa" });
    expect(qa.vars).toEqual({ level: "base", db: { host: "base-host", port: 5432, opts: { ssl: false } }, list: [1, 2], onlyBase: true });
  });

  it("a variables file exporting a non-object is an error naming it", async () => {
    const error = await configErrorOf(load({ ...minimalProject(), ".cody/variables/base.ts": `export default ["a"];\n` }));
    expect(error.issues[0]!.file).toMatch(/variables\/base\.ts$/);
  });
});

describe("settings", () => {
  const settings = `import { defineSettings } from "codybuild";
export default defineSettings({ envs: { production: { awsProfile: "prod", region: "eu-west-1" }, development: { region: "us-west-2" } } });
`;
  const files: ProjectFiles = { ".cody/settings.ts": settings, ".cody/project.ts": RECORD_CONTEXT, ".cody/buildspec.yml": BUILDSPEC_YML };

  it("AWS_PROFILE picks the env bound to it, and that env's region", async () => {
    const loaded = await load(files, { environment: { AWS_PROFILE: "prod", AWS_REGION: "us-east-1" } });
    expect(loaded.env).toBe("production");
    expect(loaded.region).toBe("eu-west-1");
    expect(contextOf(loaded)).toMatchObject({ env: "production", region: "eu-west-1" });
  });

  it("an unbound profile: development and its region", async () => {
    const loaded = await load(files, { environment: { AWS_PROFILE: "other" } });
    expect(loaded.env).toBe("development");
    expect(loaded.region).toBe("us-west-2");
  });

  it("a settings function", async () => {
    const loaded = await load({ ...files, ".cody/settings.ts": `export default () => ({ stackNaming: { suffix: "fn" } });\n` });
    expect(loaded.names.stackName).toBe("demo-fn");
  });

  it("an unknown settings key is an error with a suggestion", async () => {
    const error = await configErrorOf(load({ ...files, ".cody/settings.ts": `export default { stackNamin: {} };\n` }));
    expect(error.issues[0]!.file).toMatch(/settings\.ts$/);
    expect(error.issues[0]!.message).toContain("stackNaming");
  });
});

describe("role and schedule: inline or in their own files", () => {
  it("inline role: and schedule: in project.ts", async () => {
    const loaded = await load(minimalProject(`role: { iamPolicy: ["s3"] }, schedule: { rate: "1 day" },`));
    expect(entries(loaded.role)).toEqual(["s3"]);
    expect(loaded.schedule).toEqual({ rate: "1 day" });
    expect(loaded.files).not.toHaveProperty("role");
    expect(loaded.files).not.toHaveProperty("schedule");
  });

  it("role.ts and schedule.ts, as functions of the same context", async () => {
    const loaded = await load(
      minimalProject("", {
        ".cody/role.ts": `import { defineRole } from "codybuild";\nexport default defineRole(({ fullProjectName }) => ({ iamPolicy: [{ action: "s3:GetObject", resource: "arn:aws:s3:::" + fullProjectName + "/*" }] }));\n`,
        ".cody/schedule.ts": `import { defineSchedule } from "codybuild";\nexport default defineSchedule(({ env }) => ({ rate: "1 day", description: env }));\n`,
      }),
      { env: "qa" },
    );
    expect(entries(loaded.role)).toEqual([{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::demo/*" }]);
    expect(loaded.schedule).toEqual({ rate: "1 day", description: "qa" });
    expect(loaded.files.role).toMatch(/\.cody\/role\.ts$/);
    expect(loaded.files.schedule).toMatch(/\.cody\/schedule\.ts$/);
  });

  it.each(["role", "schedule"])("%s defined twice is an error naming both files", async (section) => {
    const inline = section === "role" ? `role: { iamPolicy: ["s3"] },` : `schedule: { rate: "1 day" },`;
    const file = section === "role" ? `export default { iamPolicy: ["sqs"] };\n` : `export default { rate: "2 days" };\n`;
    const error = await configErrorOf(load(minimalProject(inline, { [`.cody/${section}.ts`]: file })));
    const issue = error.issues[0]!;
    expect(issue.field).toBe(section);
    expect(issue.message).toContain(".cody/project.ts");
    expect(issue.message).toContain(`.cody/${section}.ts`);
    expect(issue.fix).toBeTruthy();
  });
});

describe("re-reading files in the same process", () => {
  it("an edited project.ts is read afresh", async () => {
    const root = writeProject(minimalProject(`description: "first",`));
    expect((await loadAt(root)).project.description).toBe("first");
    writeFile(root, ".cody/project.ts", minimalProject(`description: "second",`)[".cody/project.ts"]!);
    expect((await loadAt(root)).project.description).toBe("second");
  });

  it("an edited TypeScript helper imported by project.ts is read afresh", async () => {
    const project = projectTs(`{ ${GITHUB}, description: DESCRIPTION }`).replace(
      "export default",
      `import { DESCRIPTION } from "./lib/shared";\n\nexport default`,
    );
    const root = writeProject({
      ".cody/project.ts": project,
      ".cody/lib/shared.ts": `export const DESCRIPTION: string = "v1";\n`,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    expect((await loadAt(root)).project.description).toBe("v1");
    writeFile(root, ".cody/lib/shared.ts", `export const DESCRIPTION: string = "v2";\n`);
    expect((await loadAt(root)).project.description).toBe("v2");
  });

  // Was a bug (fixed): load-ts.ts drops only the files its .ts hook compiled from require's cache, so a plain .js
  // helper (e.g. a shared config module kept as JavaScript) stays cached: a second load in the same
  // process (watch mode, a long-lived test run) sees the old value.
  it("an edited JavaScript helper imported by project.ts is read afresh", async () => {
    const project = projectTs(`{ ${GITHUB}, description: helper.DESCRIPTION }`).replace(
      "export default",
      `import helper from "./lib/legacy.js";\n\nexport default`,
    );
    const root = writeProject({
      ".cody/project.ts": project,
      ".cody/lib/legacy.js": `module.exports = { DESCRIPTION: "v1" };\n`,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    expect((await loadAt(root)).project.description).toBe("v1");
    writeFile(root, ".cody/lib/legacy.js", `module.exports = { DESCRIPTION: "v2" };\n`);
    expect((await loadAt(root)).project.description).toBe("v2");
  });

  it("two projects in one process do not share modules", async () => {
    const a = await load(minimalProject(`description: "a",`));
    const b = await load(minimalProject(`description: "b",`));
    expect([a.project.description, b.project.description]).toEqual(["a", "b"]);
  });
});

describe("helper modules", () => {
  it("a module imported relatively from project.ts works and is listed as a dependency", async () => {
    const project = `import { defineProject } from "codybuild";
import { envVars, IMAGE } from "./lib/common";

export default defineProject(({ env }) => ({
  ${GITHUB},
  linuxImage: IMAGE,
  environmentVariables: envVars(env),
}));
`;
    const root = writeProject({
      ".cody/project.ts": project,
      ".cody/lib/common.ts": `import { ssm, type EnvironmentValue } from "codybuild";

export const IMAGE = "aws/codebuild/standard:7.0";

export function envVars(env: string): Record<string, EnvironmentValue> {
  return { APP_ENV: env, TOKEN: ssm(\`/\${env}/token\`) };
}
`,
      ".cody/buildspec.yml": BUILDSPEC_YML,
    });
    const loaded = await loadAt(root, { env: "qa" });
    expect(loaded.project.linuxImage).toBe("aws/codebuild/standard:7.0");
    expect(loaded.project.environmentVariables).toEqual({ APP_ENV: "qa", TOKEN: { type: "PARAMETER_STORE", value: "/qa/token" } });
    expect(loaded.dependencies).toEqual(expect.arrayContaining([join(root, ".cody/project.ts"), join(root, ".cody/lib/common.ts")]));
  });

  it("a missing relative import is a ConfigError naming the import", async () => {
    const project = projectTs(`{ ${GITHUB} }`).replace("export default", `import "./lib/missing";\n\nexport default`);
    const error = await configErrorOf(load({ ".cody/project.ts": project, ".cody/buildspec.yml": BUILDSPEC_YML }));
    expect(error.issues[0]!.file).toMatch(/project\.ts$/);
    expect(error.issues[0]!.message).toContain("./lib/missing");
  });
});

describe("--type", () => {
  const files: ProjectFiles = {
    ".cody/project.ts": projectTs(`{ ${GITHUB}, description: "root" }`),
    ".cody/role.ts": `export default { iamPolicy: ["sns:Publish"] };\n`,
    ".cody/buildspec.yml": BUILDSPEC_YML,
    ".cody/unit/project.ts": projectTs(`{ ${GITHUB}, description: "unit" }`),
    ".cody/unit/schedule.ts": `export default { rate: "1 day" };\n`,
    ".cody/unit/buildspec.yml": BUILDSPEC_YML,
    ".cody/deploy/project.ts": projectTs(`{ ${GITHUB}, description: "deploy" }`),
    ".cody/deploy/buildspec.yml": BUILDSPEC_YML,
  };

  it("reads project, role and schedule from .cody/<type>/", async () => {
    const loaded = await load(files, { type: "unit" });
    expect(loaded.project.description).toBe("unit");
    expect(loaded.type).toBe("unit");
    expect(loaded.files.project).toMatch(/\.cody\/unit\/project\.ts$/);
    expect(loaded.schedule).toEqual({ rate: "1 day" });
    // .cody/role.ts belongs to the root project, not to the type
    expect(loaded.role).toBeUndefined();
    expect(loaded.names.fullProjectName).toBe("demo-unit");
  });

  it("without --type, .cody/project.ts and its role", async () => {
    const loaded = await load(files);
    expect(loaded.project.description).toBe("root");
    expect(entries(loaded.role)).toEqual(["sns:Publish"]);
    expect(loaded.schedule).toBeUndefined();
  });

  it("a type without a project.ts is an error listing the types there are", async () => {
    const error = await configErrorOf(load(files, { type: "unti" }));
    const issue = error.issues[0]!;
    expect(issue.field).toBe("--type");
    expect(issue.message).toContain("unit");
    expect(issue.message).toContain("deploy");
  });

  it("a type that is not a folder name is refused before any path is built", async () => {
    const error = await configErrorOf(load(files, { type: "../unit" }));
    expect(error.issues[0]!.field).toBe("--type");
  });
});

describe("project folder", () => {
  it("no .cody/ folder is an error suggesting cody init", async () => {
    const error = await configErrorOf(load({ "README.md": "# api\n" }));
    expect(error.issues[0]!.fix).toContain("cody init");
  });

  it("no project.ts is an error", async () => {
    const error = await configErrorOf(load({ ".cody/buildspec.yml": BUILDSPEC_YML }));
    expect(error.issues[0]!.file).toMatch(/project\.ts$/);
  });
});
