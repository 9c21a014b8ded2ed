// `cody <command> --all/--types/--regions` as the CLI runs it, with the per-target call replaced by a
// recorder (the real one is the single-stack command, proven end to end in test/e2e/fleet.test.ts):
// delete asks ONE question listing every stack, deploy refuses single-stack flags, --json is stable,
// the exit code is the worst one, and settings targets fan a plain command out.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fleetCommand, type FleetOptions } from "../../src/cli/commands/fleet";
import type { runTarget } from "../../src/cli/fleet-target";
import { jobOptions } from "../../src/cli/fleet-target";
import { CodyError, ExitCode, isCodyError } from "../../src/errors";
import type { Prompt } from "../../src/io/reporter";
import { minimalProject, removeProjects, writeProject, typedProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
afterAll(() => removeProjects());

function inMonorepo(settings?: string): string {
  const root = writeProject({ ...minimalProject(), ...typedProject("api"), ...typedProject("web"), ...(settings ? { ".cody/settings.ts": settings } : {}) });
  process.chdir(root);
  return root;
}

interface Call {
  command: string;
  stackName: string;
  region?: string;
  yes?: boolean;
}

function recorder(behave: (call: Call) => { json?: unknown; throws?: Error } = () => ({})) {
  const calls: Call[] = [];
  const run: typeof runTarget = async (command, _project, target, _options, reporter, extra = {}) => {
    const call = { command, stackName: target.stackName, ...(target.region ? { region: target.region } : {}), ...(extra.yes ? { yes: true } : {}) };
    calls.push(call);
    const { json, throws } = behave(call);
    if (json) reporter.result(JSON.stringify(json));
    if (throws) throw throws;
  };
  return { calls, run };
}

function prompt(interactive: boolean, answer = true): Prompt & { questions: string[] } {
  const questions: string[] = [];
  return {
    interactive,
    questions,
    ask: async (q) => {
      questions.push(q);
      return answer;
    },
  };
}

async function thrown(promise: Promise<unknown>): Promise<CodyError> {
  try {
    await promise;
  } catch (error) {
    if (isCodyError(error)) return error;
    throw error;
  }
  throw new Error("expected the command to fail");
}

describe("cody delete --all", () => {
  it("asks one question after listing every stack, then deletes each without asking again", async () => {
    inMonorepo();
    const rec = recordingReporter();
    const p = prompt(true, true);
    const { calls, run } = recorder((c) => ({ json: { command: "delete", type: "deleted", stackName: c.stackName, region: "us-east-1", leftBehind: [], elapsedMs: 5 } }));
    await fleetCommand("delete", undefined, { all: true }, rec.reporter, { prompt: p, runTarget: run });
    expect(p.questions).toEqual(["Delete all 3?"]);
    expect(rec.lines.slice(0, 4)).toEqual([
      "These 3 stacks and their resources will be deleted:",
      "  demo-cody  (default region)",
      "  demo-api-cody  (default region)",
      "  demo-web-cody  (default region)",
    ]);
    expect(calls.map((c) => [c.stackName, c.yes])).toEqual([
      ["demo-cody", true],
      ["demo-api-cody", true],
      ["demo-web-cody", true],
    ]);
    expect(rec.lines.at(-1)).toBe("3 stacks: 3 deleted");
  });

  it("answered no: nothing is deleted", async () => {
    inMonorepo();
    const rec = recordingReporter();
    const { calls, run } = recorder();
    await fleetCommand("delete", undefined, { types: "api,web" }, rec.reporter, { prompt: prompt(true, false), runTarget: run });
    expect(calls).toEqual([]);
    expect(rec.lines.at(-1)).toBe("Not deleted.");
  });

  it("without a terminal and without --yes: refused before any stack is touched; --yes asks nothing", async () => {
    inMonorepo();
    const { calls, run } = recorder();
    const error = await thrown(fleetCommand("delete", undefined, { all: true }, recordingReporter().reporter, { prompt: prompt(false), runTarget: run }));
    expect(error.message).toBe("not deleting 3 stacks: there is no terminal to confirm it.");
    expect(error.hint).toContain("--yes");
    expect(calls).toEqual([]);
    const p = prompt(false);
    await fleetCommand("delete", undefined, { all: true, yes: true }, recordingReporter().reporter, { prompt: p, runTarget: run });
    expect(p.questions).toEqual([]);
    expect(calls).toHaveLength(3);
  });
});

describe("cody deploy --all", () => {
  it("--json: one stable document; exit code the worst of the stacks'", async () => {
    inMonorepo();
    const rec = recordingReporter();
    const { run } = recorder((c) =>
      c.stackName === "demo-api-cody"
        ? { throws: new CodyError("preflight: missing codebuild:CreateProject", { exitCode: ExitCode.permissions }) }
        : { json: { command: "deploy", type: "deployed", stackName: c.stackName, region: "us-east-1", changes: [{ action: "Add" }] } },
    );
    const error = await thrown(fleetCommand("deploy", undefined, { all: true, json: true, yes: true }, rec.reporter, { prompt: prompt(false), runTarget: run }));
    expect(error.exitCode).toBe(ExitCode.permissions);
    expect(error.message).toBe("3 stacks: 2 deployed, 1 missing permissions. Not ok: demo-api-cody.");
    expect(rec.out).toHaveLength(1);
    const doc = JSON.parse(rec.out[0]!) as { command: string; type: string; exitCode: number; results: Array<Record<string, unknown>> };
    expect(Object.keys(doc)).toEqual(["command", "type", "exitCode", "results"]);
    expect(doc).toMatchObject({ command: "deploy", type: "fleet", exitCode: 3 });
    expect(doc.results.map((r) => Object.keys(r))).toEqual(
      Array(3).fill(["stackName", "projectType", "region", "profile", "result", "exitCode", "changes", "elapsedMs", "error", "detail"]),
    );
    expect(doc.results.map((r) => [r.stackName, r.projectType, r.result, r.exitCode, r.changes])).toEqual([
      ["demo-cody", null, "deployed", 0, 1],
      ["demo-api-cody", "api", "missing permissions", 3, null],
      ["demo-web-cody", "web", "deployed", 0, 1],
    ]);
    expect(doc.results[1]!.error).toBe("preflight: missing codebuild:CreateProject");
    // The table went to stderr: stdout is the JSON alone.
    expect(rec.lines.some((l) => l.startsWith("STACK"))).toBe(true);
  });

  it("refuses flags that name one stack's change set or file", async () => {
    inMonorepo();
    const { calls, run } = recorder();
    for (const options of [{ executeOnly: true, changeSetName: "x" }, { outputsFile: "out.json" }] as FleetOptions[]) {
      const error = await thrown(fleetCommand("deploy", undefined, { all: true, ...options }, recordingReporter().reporter, { prompt: prompt(false), runTarget: run }));
      expect(error.message).toMatch(/works on one stack, and this deploy works on several/);
    }
    expect(calls).toEqual([]);
  });
});

describe("settings targets", () => {
  const settings = `import { defineSettings } from "codybuild";\nexport default defineSettings({ targets: [{ region: "us-east-1" }, { region: "eu-west-1", profile: "eu" }] });\n`;

  it("a plain cody diff goes to every target", async () => {
    inMonorepo(settings);
    const { calls, run } = recorder((c) => ({ json: { command: "diff", type: "no-changes", region: c.region, changes: [] } }));
    const rec = recordingReporter();
    await fleetCommand("diff", undefined, {}, rec.reporter, { runTarget: run });
    expect(calls.map((c) => [c.command, c.stackName, c.region])).toEqual([
      ["diff", "demo-cody", "us-east-1"],
      ["diff", "demo-cody", "eu-west-1"],
    ]);
    expect(rec.lines).toContain("[demo-cody eu-west-1/eu] diffing…");
  });

  it("a job's options: the target's type, region and profile, --json on, the fleet's flags gone", () => {
    const target = { type: "api", region: "eu-west-1", profile: "eu", stackName: "demo-api-cody", label: "x" };
    expect(jobOptions(target, { all: true, concurrency: "2", failFast: true, strict: true, env: "prod" }, { yes: true })).toEqual({
      strict: true,
      env: "prod",
      type: "api",
      region: "eu-west-1",
      profile: "eu",
      yes: true,
      json: true,
    });
  });
});
