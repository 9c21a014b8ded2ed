// The unknown-env warning: `--env prodution` names no variables file and no settings env, and would
// otherwise pass in silence.
import { afterEach, describe, expect, it } from "vitest";
import { envSource, knownEnvs, unknownEnvWarning, warnUnknownEnv } from "../../src/cli/commands/env-check";
import { recordingReporter } from "../_helpers/test-io";
import { removeProjects, writeProject } from "../_helpers/project";

afterEach(() => removeProjects());

const FULL = {
  ".cody/project.ts": "export default {}",
  ".cody/variables/base.ts": "export default {}",
  ".cody/variables/development.ts": "export default {}",
  ".cody/variables/production.ts": "export default {}",
};

describe("knownEnvs", () => {
  it("lists settings envs and variables/<env>.ts files (root and --type), not base.ts, sorted and once each", () => {
    const root = writeProject({ ...FULL, ".cody/unit/variables/staging.ts": "export default {}", ".cody/unit/variables/base.ts": "export default {}" });
    expect(knownEnvs(root, undefined, { envs: { qa: {}, production: {} } })).toEqual(["development", "production", "qa"]);
    expect(knownEnvs(root, "unit", {})).toEqual(["development", "production", "staging"]);
    expect(knownEnvs(writeProject({ ".cody/project.ts": "export default {}" }), undefined, {})).toEqual([]);
  });
});

describe("unknownEnvWarning", () => {
  it("names the env, where it came from, the files it looked for, the known envs and the closest one", () => {
    const root = writeProject(FULL);
    expect(unknownEnvWarning({ env: "prodution", from: "--env", root, settings: {} })).toBe(
      'env "prodution" (from --env) is not one this project defines (no .cody/variables/prodution.ts, no settings env of that name). Known envs: development (the default), production. Did you mean --env production?',
    );
    expect(unknownEnvWarning({ env: "stagin", from: "CODY_ENV", root, type: "unit", settings: {} })).toBe(
      'env "stagin" (from CODY_ENV) is not one this project defines (no .cody/variables/stagin.ts or .cody/unit/variables/stagin.ts, no settings env of that name). Known envs: development (the default), production.',
    );
  });

  it("says nothing for a known env, the default env, an env nobody chose, or a project that defines no envs", () => {
    const root = writeProject(FULL);
    expect(unknownEnvWarning({ env: "production", from: "--env", root, settings: {} })).toBeUndefined();
    expect(unknownEnvWarning({ env: "qa", from: "--env", root, settings: { envs: { qa: {} } } })).toBeUndefined();
    expect(unknownEnvWarning({ env: "development", from: "--env", root: writeProject({ ".cody/variables/production.ts": "export default {}" }), settings: {} })).toBeUndefined();
    // Chosen through a settings env's awsProfile: not a typo.
    expect(unknownEnvWarning({ env: "anything", from: undefined, root, settings: {} })).toBeUndefined();
    // Nothing to compare with: the env only reaches the DSL as ctx.env.
    expect(unknownEnvWarning({ env: "staging", from: "--env", root: writeProject({ ".cody/project.ts": "export default {}" }), settings: {} })).toBeUndefined();
  });
});

describe("envSource", () => {
  it("is --env before CODY_ENV, and nothing when neither is set", () => {
    expect(envSource("prod", { CODY_ENV: "qa" })).toBe("--env");
    expect(envSource(undefined, { CODY_ENV: "qa" })).toBe("CODY_ENV");
    expect(envSource(undefined, {})).toBeUndefined();
  });
});

describe("warnUnknownEnv (the build commands)", () => {
  it("reads the settings' envs, and warns once", async () => {
    const root = writeProject({ ...FULL, ".cody/settings.ts": 'export default { envs: { qa: { region: "eu-west-1" } } }' });
    const rec = recordingReporter();
    await warnUnknownEnv(undefined, { env: "q" }, rec.reporter, { cwd: root, environment: {} });
    expect(rec.lines).toEqual([expect.stringContaining("Known envs: development (the default), production, qa.") as string]);
    const quiet = recordingReporter();
    await warnUnknownEnv(undefined, { env: "qa" }, quiet.reporter, { cwd: root, environment: {} });
    expect(quiet.lines).toEqual([]);
  });

  it("stays quiet outside a project, and leaves a broken settings file to the command's own lookup", async () => {
    const outside = writeProject({});
    const rec = recordingReporter();
    await warnUnknownEnv("api", { env: "prodution" }, rec.reporter, { cwd: outside, environment: {} });
    const broken = writeProject({ ...FULL, ".cody/settings.ts": "export default {" });
    await warnUnknownEnv(undefined, { env: "prodution" }, rec.reporter, { cwd: broken, environment: {} });
    expect(rec.lines).toEqual([]);
  });
});
