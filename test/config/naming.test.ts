// Names and env (product.md §2): project name, full project name, stack name and the env, both
// through the pure functions and through loadProject with settings and an explicit environment.
import { afterAll, describe, expect, it } from "vitest";
import { resolveEnv, resolveNames, sanitizeProjectName, type NamingInput } from "../../src/config/naming";
import { isConfigError } from "../../src/errors";
import {
  BUILDSPEC_YML,
  configErrorFrom,
  configErrorOf,
  loadAt,
  minimalProject,
  projectTs,
  removeProjects,
  writeProject,
  type ProjectFiles,
} from "../_helpers/project";

afterAll(removeProjects);

const base: NamingInput = { cwd: "/work/repos/demo", env: "development", appendEnv: false, suffix: "cody" };
const names = (input: Partial<NamingInput>) => resolveNames({ ...base, ...input });

describe("sanitizeProjectName", () => {
  it.each([
    ["my_app.v2", "my-app-v2"],
    ["my_app..v2", "my-app-v2"],
    ["a,b,c", "abc"], // commas are invalid in CodeBuild names (cody let them through)
    ["My App", "MyApp"],
    ["_leading.and.trailing_", "leading-and-trailing"],
    ["api-service", "api-service"],
  ])("%j → %j", (folder, name) => {
    expect(sanitizeProjectName(folder)).toBe(name);
  });
});

describe("project name", () => {
  it("is inferred from the folder name, sanitized", () => {
    expect(names({ cwd: "/work/repos/my_app.v2" }).projectName).toBe("my-app-v2");
  });

  it("the positional argument wins over the folder", () => {
    expect(names({ cwd: "/work/repos/my_app.v2", projectName: "api" }).projectName).toBe("api");
  });

  it("a valid positional name is used as written, underscores included", () => {
    const n = names({ projectName: "my_api" });
    expect(n.projectName).toBe("my_api");
    expect(n.fullProjectName).toBe("my_api");
    // but stack names have no _, so the stack uses -
    expect(n.stackName).toBe("my-api-cody");
  });

  it("an invalid positional name is an error suggesting a valid one", () => {
    const error = configErrorFrom(() => names({ projectName: "my.app" }));
    expect(error.issues[0]!.field).toBe("project name");
    expect(error.issues[0]!.message).toContain('"my.app"');
    expect(error.issues[0]!.fix).toContain("my-app");
  });

  it.each(["a", "-api", "x".repeat(256)])("%j is refused", (projectName) => {
    expect(isConfigError(configErrorFrom(() => names({ projectName })))).toBe(true);
  });

  it("a folder name that sanitizes to nothing valid asks for a positional name", () => {
    const error = configErrorFrom(() => names({ cwd: "/work/repos/_" }));
    expect(error.issues[0]!.message).toContain("folder name");
    expect(error.issues[0]!.fix).toMatch(/first argument/);
  });

  it("through loadProject: the temp folder name, or the positional name", async () => {
    const root = writeProject(minimalProject(), { folder: "my_app.v2" });
    expect((await loadAt(root)).names.projectName).toBe("my-app-v2");
    expect((await loadAt(root, { projectName: "api" })).names).toEqual({
      projectName: "api",
      fullProjectName: "api",
      stackName: "api-cody",
    });
    const error = await configErrorOf(loadAt(root, { projectName: "my app" }));
    expect(error.issues[0]!.fix).toContain("myapp");
  });
});

describe("full project name and stack name", () => {
  it("defaults: demo / demo-cody", () => {
    expect(names({})).toEqual({ projectName: "demo", fullProjectName: "demo", stackName: "demo-cody" });
  });

  it.each<[Partial<NamingInput>, string, string]>([
    [{ type: "unit" }, "demo-unit", "demo-unit-cody"],
    [{ extra: "2" }, "demo-2", "demo-2-cody"],
    [{ type: "unit", extra: "2" }, "demo-unit-2", "demo-unit-2-cody"],
    [{ env: "production" }, "demo", "demo-cody"], // the env only with appendEnv
    [{ env: "production", appendEnv: true }, "demo-production", "demo-production-cody"],
    // cody put the env after CODY_EXTRA in the stack name only; here the order is the same
    [{ type: "unit", env: "production", appendEnv: true, extra: "2" }, "demo-unit-production-2", "demo-unit-production-2-cody"],
    [{ extra: "" }, "demo", "demo-cody"],
  ])("%j → %s / %s", (input, fullProjectName, stackName) => {
    const n = names(input);
    expect(n.fullProjectName).toBe(fullProjectName);
    expect(n.stackName).toBe(stackName);
    // the stack name is the full name plus the suffix, always
    expect(n.stackName).toBe(`${n.fullProjectName}-cody`);
  });

  it("a custom suffix", () => {
    expect(names({ type: "unit", suffix: "cb" }).stackName).toBe("demo-unit-cb");
  });

  it("suffix false (or empty) removes it; cody's false still gave -cody", () => {
    expect(names({ type: "unit", suffix: false }).stackName).toBe("demo-unit");
    expect(names({ suffix: "" }).stackName).toBe("demo");
  });

  it("an invalid CODY_EXTRA is an error", () => {
    expect(configErrorFrom(() => names({ extra: "a b" })).issues[0]!.field).toBe("CODY_EXTRA");
  });

  it("an invalid type is an error", () => {
    expect(configErrorFrom(() => names({ type: "unit/a" })).issues[0]!.field).toBe("--type");
  });

  it("a full name over 255 characters is an error", () => {
    expect(configErrorFrom(() => names({ projectName: "p".repeat(250), type: "unit-tests" })).issues[0]!.message).toContain("255");
  });

  it("through loadProject: settings stackNaming, CODY_EXTRA, --type and --env in the same order", async () => {
    const files: ProjectFiles = {
      ".cody/settings.ts": `import { defineSettings } from "codybuild";\nexport default defineSettings({ stackNaming: { appendEnv: true, suffix: "stack" } });\n`,
      ".cody/unit/project.ts": projectTs(`{ githubUrl: "https://github.com/acme/api" }`),
      ".cody/unit/buildspec.yml": BUILDSPEC_YML,
    };
    const root = writeProject(files);
    const loaded = await loadAt(root, { type: "unit", env: "production", environment: { CODY_EXTRA: "2" } });
    expect(loaded.names).toEqual({
      projectName: "demo",
      fullProjectName: "demo-unit-production-2",
      stackName: "demo-unit-production-2-stack",
    });
  });

  it("through loadProject: suffix false", async () => {
    const root = writeProject(minimalProject("", { ".cody/settings.ts": `export default { stackNaming: { suffix: false } };\n` }));
    expect((await loadAt(root)).names.stackName).toBe("demo");
  });
});

describe("--stack-name", () => {
  it("overrides the derived name as written", () => {
    expect(names({ type: "unit", stackName: "Custom-Stack-1" }).stackName).toBe("Custom-Stack-1");
    // the project names are unaffected
    expect(names({ type: "unit", stackName: "Custom-Stack-1" }).fullProjectName).toBe("demo-unit");
  });

  it.each(["1stack", "my_stack", "my.stack", "-stack", ""])("%j does not match [a-zA-Z][-a-zA-Z0-9]*", (stackName) => {
    const error = configErrorFrom(() => names({ stackName }));
    expect(error.issues[0]!.field).toBe("--stack-name");
  });

  it("suggests a valid name", () => {
    expect(configErrorFrom(() => names({ stackName: "my_stack" })).issues[0]!.fix).toContain("my-stack");
  });

  it("at most 128 characters", () => {
    expect(names({ stackName: `s${"x".repeat(127)}` }).stackName).toHaveLength(128);
    const error = configErrorFrom(() => names({ stackName: `s${"x".repeat(128)}` }));
    expect(error.issues[0]!.field).toBe("--stack-name");
    expect(error.issues[0]!.message).toContain("128");
  });

  it("a derived name over 128 characters is an error pointing at --stack-name", () => {
    const error = configErrorFrom(() => names({ projectName: "p".repeat(125) }));
    expect(error.issues[0]!.field).toBe("stack name");
    expect(error.issues[0]!.fix).toContain("--stack-name");
  });

  it("through loadProject", async () => {
    const root = writeProject(minimalProject());
    expect((await loadAt(root, { stackName: "ci-api" })).names.stackName).toBe("ci-api");
    const error = await configErrorOf(loadAt(root, { stackName: "ci_api" }));
    expect(error.issues[0]!.field).toBe("--stack-name");
  });
});

describe("env resolution", () => {
  const envs = { production: { awsProfile: "prod" }, staging: { awsProfile: "stage" } };

  it("--env wins over everything", () => {
    expect(resolveEnv({ flag: "qa", codyEnv: "staging", awsProfile: "prod", envs })).toBe("qa");
  });

  it("then CODY_ENV", () => {
    expect(resolveEnv({ codyEnv: "staging", awsProfile: "prod", envs })).toBe("staging");
  });

  it("then the settings env whose awsProfile equals AWS_PROFILE", () => {
    expect(resolveEnv({ awsProfile: "prod", envs })).toBe("production");
    expect(resolveEnv({ awsProfile: "stage", envs })).toBe("staging");
  });

  it("then development", () => {
    expect(resolveEnv({})).toBe("development");
    expect(resolveEnv({ awsProfile: "unbound", envs })).toBe("development");
    expect(resolveEnv({ awsProfile: "prod" })).toBe("development");
  });

  it("an empty CODY_ENV counts as unset", () => {
    expect(resolveEnv({ codyEnv: "", awsProfile: "prod", envs })).toBe("production");
  });

  it("an invalid env is an error naming where it came from", () => {
    expect(configErrorFrom(() => resolveEnv({ flag: "prod/eu" })).issues[0]!.field).toBe("--env");
    expect(configErrorFrom(() => resolveEnv({ codyEnv: "prod eu" })).issues[0]!.field).toBe("CODY_ENV");
  });

  describe("through loadProject, reading only the environment it is given", () => {
    const settings = `import { defineSettings } from "codybuild";\nexport default defineSettings({ envs: { production: { awsProfile: "prod" }, staging: { awsProfile: "stage" } } });\n`;
    const files = minimalProject("", { ".cody/settings.ts": settings });

    it.each<[string, { env?: string; environment: Record<string, string> }, string]>([
      ["--env", { env: "qa", environment: { CODY_ENV: "staging", AWS_PROFILE: "prod" } }, "qa"],
      ["CODY_ENV", { environment: { CODY_ENV: "staging", AWS_PROFILE: "prod" } }, "staging"],
      ["AWS_PROFILE binding", { environment: { AWS_PROFILE: "prod" } }, "production"],
      ["unbound AWS_PROFILE", { environment: { AWS_PROFILE: "someone-else" } }, "development"],
      ["nothing", { environment: {} }, "development"],
    ])("%s", async (_, options, env) => {
      const loaded = await loadAt(writeProject(files), options);
      expect(loaded.env).toBe(env);
    });
  });
});
