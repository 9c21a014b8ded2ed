// Names and env (docs/architecture.md#names): project name, full project name, stack name and the env, both
// through the pure functions and through loadProject with settings and an explicit environment.
import { afterAll, describe, expect, it } from "vitest";
import { closestRegion, REGION_NAME, regionProblem, resolveAws, resolveEnv, resolveNames, sanitizeProjectName, type NamingInput } from "../../src/config/naming";
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
    ["My App", "My-App"], // spaces separate words, as _ and . do
    ["my  app", "my-app"],
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
    expect(error.issues[0]!.fix).toBe('Pass "my-app" instead.');
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

describe("region names (checked before any AWS call)", () => {
  it.each(["us-east-1", "eu-west-2", "ap-southeast-7", "cn-northwest-1", "us-gov-west-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "eusc-de-east-1", "mx-central-1", "ap-future-9"])(
    "%s is a region name",
    (region) => {
      expect(REGION_NAME.test(region)).toBe(true);
      expect(regionProblem(region)).toBeUndefined();
    },
  );

  it.each<[string, string | undefined]>([
    ["us-east-1x", "us-east-1"],
    ["US-EAST-1", "us-east-1"],
    ["useast1", "us-east-1"],
    ["eu-west", "eu-west-1"],
    [" us-west-2", "us-west-2"],
    ["virginia", undefined],
    ["", undefined],
  ])("%j is not, and suggests %j", (region, meant) => {
    const problem = regionProblem(region);
    expect(problem?.message).toBe(`"${region}" is not an AWS region name: region names look like us-east-1 or eu-west-2.`);
    expect(problem?.meant).toBe(meant);
  });

  it("a well-formed region AWS does not have (eu-wst-1) is left to AWS, with a close known region for its error", () => {
    expect(regionProblem("eu-wst-1")).toBeUndefined();
    expect(closestRegion("eu-wst-1")).toBe("eu-west-1");
    expect(closestRegion("eu-west-1")).toBeUndefined();
  });

  it("resolveAws rejects a bad --region, naming the flag, with the fix", () => {
    const issue = configErrorFrom(() => resolveAws({ region: "us-east-1x" }, {}, {})).issues[0]!;
    expect(issue).toEqual({
      field: "--region",
      message: '"us-east-1x" is not an AWS region name: region names look like us-east-1 or eu-west-2. Did you mean us-east-1?',
      fix: "Pass --region us-east-1.",
    });
  });

  it("resolveAws checks AWS_REGION (or AWS_DEFAULT_REGION) only when it is the one used", () => {
    const fromEnv = configErrorFrom(() => resolveAws({}, {}, { AWS_REGION: "useast1" })).issues[0]!;
    expect(fromEnv.field).toBe("AWS_REGION");
    expect(fromEnv.fix).toBe("Set AWS_REGION=us-east-1.");
    expect(configErrorFrom(() => resolveAws({}, {}, { AWS_DEFAULT_REGION: "nowhere" })).issues[0]!).toMatchObject({
      field: "AWS_DEFAULT_REGION",
      fix: "Set AWS_DEFAULT_REGION=us-east-1 (`aws account list-regions` lists the regions your account can use).",
    });
    // --region wins, so a bad AWS_REGION does not matter.
    expect(resolveAws({ region: "eu-west-1" }, {}, { AWS_REGION: "useast1" })).toEqual({ region: "eu-west-1" });
    // An empty AWS_REGION is unset, as before.
    expect(resolveAws({}, {}, { AWS_REGION: "" })).toEqual({});
  });

  it("through loadProject: a bad region in settings is reported at its line, with the close match", async () => {
    const settings = `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  envs: { development: { region: "eu-west" } },\n});\n`;
    const root = writeProject(minimalProject("", { ".cody/settings.ts": settings }));
    const issue = (await configErrorOf(loadAt(root))).issues[0]!;
    expect(issue).toMatchObject({ line: 4, field: "envs.development.region", fix: 'Did you mean region: "eu-west-1"?' });
    expect(issue.file).toMatch(/settings\.ts$/);
  });

  it("through loadProject: --region is checked even for synth, which hands it to the DSL", async () => {
    const root = writeProject(minimalProject());
    const issue = (await configErrorOf(loadAt(root, { region: "us-east-1x" }))).issues[0]!;
    expect(issue.field).toBe("--region");
    expect((await loadAt(root, { region: "us-east-1" })).region).toBe("us-east-1");
  });
});
