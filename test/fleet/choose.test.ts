// Which stacks a fleet command works on: --all (untyped first, then types in folder order), --types with
// did-you-mean, --regions checked like --region and against known regions, settings targets, and the
// flag combinations that contradict each other, all before any AWS call.
import { afterAll, describe, expect, it } from "vitest";
import { commandTarget } from "../../src/cli/command-target";
import { chooseTargets, fleetRegionProblem, parseConcurrency, parseRegions, repositoryProjects } from "../../src/fleet/choose";
import { configErrorFrom, configErrorOf, minimalProject, removeProjects, writeProject, typedProject } from "../_helpers/project";

afterAll(() => removeProjects());

function monorepo(): string {
  return writeProject({ ...minimalProject(), ...typedProject("web"), ...typedProject("api"), ".cody/variables/base.ts": "export default {};\n" });
}

describe("repositoryProjects", () => {
  it("finds the untyped project and every folder with a project.ts, sorted; not variables/", () => {
    expect(repositoryProjects(monorepo())).toEqual({ untyped: true, types: ["api", "web"] });
    expect(repositoryProjects(writeProject({ ...typedProject("one") }))).toEqual({ untyped: false, types: ["one"] });
  });
});

describe("chooseTargets", () => {
  it("--all: the untyped project, then each type, named as each would be deployed", async () => {
    const targets = await chooseTargets({ root: monorepo(), flags: { all: true }, environment: {} });
    expect(targets.map((t) => [t.type ?? null, t.stackName, t.label])).toEqual([
      [null, "demo-cody", "demo-cody"],
      ["api", "demo-api-cody", "demo-api-cody"],
      ["web", "demo-web-cody", "demo-web-cody"],
    ]);
  });

  it("names each stack as the job's own command resolves it (settings naming, env, CODY_EXTRA)", async () => {
    const root = writeProject({
      ...minimalProject(),
      ...typedProject("api"),
      ".cody/settings.ts": `import { defineSettings } from "codybuild";\n\nexport default defineSettings({\n  stackNaming: { appendEnv: true, suffix: "cb" },\n  envs: { prod: {} },\n});\n`,
    });
    const environment = { CODY_EXTRA: "x2" };
    const targets = await chooseTargets({ root, flags: { all: true }, env: "prod", environment });
    const own = await Promise.all(targets.map((t) => commandTarget(undefined, { ...(t.type ? { type: t.type } : {}), env: "prod" }, { cwd: root, environment })));
    expect(targets.map((t) => t.stackName)).toEqual(own.map((o) => o.names.stackName));
    expect(targets.map((t) => t.stackName)).toEqual(["demo-prod-x2-cb", "demo-api-prod-x2-cb"]);
  });

  it("--types a,b: only those, in the order given, duplicates once", async () => {
    const targets = await chooseTargets({ root: monorepo(), flags: { types: "web, api,web" }, environment: {} });
    expect(targets.map((t) => t.type)).toEqual(["web", "api"]);
  });

  it("--types with a typo: did you mean, and the types there are", async () => {
    const error = await configErrorOf(chooseTargets({ root: monorepo(), flags: { types: "api,wbe" }, environment: {} }));
    expect(error.issues[0]).toMatchObject({ field: "--types", fix: "Use --types api,web." });
    expect(error.issues[0]!.message).toContain('Did you mean "web"? Types here: api, web.');
  });

  it("--regions: each project in each region, the region in the label", async () => {
    const targets = await chooseTargets({ root: monorepo(), flags: { types: "api", regions: "us-east-1,eu-west-1" }, profile: "ops", environment: {} });
    expect(targets).toEqual([
      { type: "api", region: "us-east-1", profile: "ops", stackName: "demo-api-cody", label: "demo-api-cody us-east-1" },
      { type: "api", region: "eu-west-1", profile: "ops", stackName: "demo-api-cody", label: "demo-api-cody eu-west-1" },
    ]);
  });

  it("--regions alone fans the one project out (a project name and --stack-name still apply)", async () => {
    const targets = await chooseTargets({ root: monorepo(), flags: { regions: "us-west-2,ap-south-1" }, projectName: "svc", stackName: "svc-stack", environment: {} });
    expect(targets.map((t) => [t.stackName, t.region])).toEqual([
      ["svc-stack", "us-west-2"],
      ["svc-stack", "ap-south-1"],
    ]);
  });

  it("settings targets: each region with its own profile (or --profile), unless --region picks one", async () => {
    const settingsTargets = [{ region: "us-east-1", profile: "prod-us" }, { region: "eu-west-1" }];
    const root = monorepo();
    const targets = await chooseTargets({ root, flags: {}, settingsTargets, profile: "fallback", environment: {} });
    expect(targets.map((t) => [t.region, t.profile, t.label])).toEqual([
      ["us-east-1", "prod-us", "demo-cody us-east-1/prod-us"],
      ["eu-west-1", "fallback", "demo-cody eu-west-1/fallback"],
    ]);
    const one = await chooseTargets({ root, flags: {}, settingsTargets, region: "ca-central-1", environment: {} });
    expect(one.map((t) => t.region)).toEqual(["ca-central-1"]);
  });

  it("refuses flags that contradict each other", async () => {
    const root = monorepo();
    const cases: Array<[Parameters<typeof chooseTargets>[0], string]> = [
      [{ root, flags: { all: true, types: "api" } }, "--types"],
      [{ root, flags: { all: true }, projectName: "x" }, "project"],
      [{ root, flags: { types: "api" }, type: "api" }, "--type"],
      [{ root, flags: { all: true }, stackName: "s" }, "--stack-name"],
      [{ root, flags: { regions: "us-east-1" }, region: "us-east-1" }, "--regions"],
      [{ root, flags: { all: true, concurrency: "0" } }, "--concurrency"],
    ];
    for (const [input, field] of cases) {
      const error = await configErrorOf(chooseTargets({ ...input, environment: {} }));
      expect(error.issues[0]!.field, field).toBe(field);
      expect(error.issues[0]!.fix).toBeTruthy();
    }
  });

  it("--all in a repository without projects says where it looked", async () => {
    const root = writeProject({ ".cody/settings.ts": "export default {};\n" });
    const error = await configErrorOf(chooseTargets({ root, flags: { all: true }, environment: {} }));
    expect(error.issues[0]!.message).toContain("--all looks for .cody/project.ts and .cody/<type>/project.ts");
  });
});

describe("parseRegions", () => {
  it("splits on commas and spaces, once each", () => {
    expect(parseRegions("us-east-1, eu-west-1 us-east-1")).toEqual(["us-east-1", "eu-west-1"]);
  });

  it("a near-miss of a known region is refused with did-you-mean and the corrected list", () => {
    const error = configErrorFrom(() => parseRegions("us-east-1,eu-wst-1"));
    expect(error.issues[0]).toMatchObject({ field: "--regions", fix: "Use --regions us-east-1,eu-west-1." });
    expect(error.issues[0]!.message).toContain("Did you mean eu-west-1?");
  });

  it("a name that is no region at all is refused; a region-shaped name far from every known one is accepted", () => {
    expect(configErrorFrom(() => parseRegions("virginia")).issues[0]!.field).toBe("--regions");
    expect(fleetRegionProblem("us-east-1")).toBeUndefined();
    expect(fleetRegionProblem("eusc-de-east-1")).toBeUndefined();
  });
});

describe("parseConcurrency", () => {
  it("defaults to 4 and takes whole numbers from 1 to 64", () => {
    expect(parseConcurrency(undefined)).toBe(4);
    expect(parseConcurrency("1")).toBe(1);
    expect(parseConcurrency("64")).toBe(64);
    for (const bad of ["0", "65", "2.5", "many", ""]) expect(configErrorFrom(() => parseConcurrency(bad)).issues[0]!.field, bad).toBe("--concurrency");
  });
});
