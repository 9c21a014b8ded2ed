// A stack that needs approval inside a fleet run: its job never asks (several stacks run at once, one
// terminal), and the refusal says so, on a terminal or not, with the way out: review with `cody diff
// --all`, deploy with --yes / --require-approval never, or deploy that stack alone to be asked. And a
// flag every job would refuse (a malformed --role-arn) is refused once, before any stack.
import { describe, expect, it, vi } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { reviewSeam } from "../../src/cli/deploy-review";
import type { CodyError } from "../../src/errors";
import { jobPrompt, runTarget } from "../../src/cli/fleet-target";
import type { Prompt } from "../../src/io/reporter";
import { refusalWording } from "../../src/review/approval";
import { recordingReporter } from "../_helpers/test-io";

const deployCommand = vi.hoisted(() => vi.fn(async () => undefined));
vi.mock("../../src/cli/commands/stack-commands", () => ({ deployCommand, deleteCommand: vi.fn() }));

const TEMPLATE = { Resources: { Project: { Type: "AWS::CodeBuild::Project", Properties: {} } } };
const changes = [{ action: "Add", logicalId: "Project", resourceType: "AWS::CodeBuild::Project", replacement: "False", properties: [] }];

async function refusal(prompt: Prompt): Promise<{ message: string; hint?: string }> {
  const rec = recordingReporter();
  const run = reviewSeam({ cfn: {} as CfnApi, stackName: "demo-api-cody", region: "eu-west-1", template: TEMPLATE, level: "any-change", yes: false, keep: false, deletes: true, prompt, reporter: rec.reporter });
  const verdict = await run(changes, { changeSetName: "cody-1", isNew: true });
  if (verdict.type !== "refuse") throw new Error(`expected a refusal, got ${verdict.type}`);
  const { hint } = verdict.error as CodyError;
  return { message: verdict.error.message, ...(hint ? { hint } : {}) };
}

describe("approval refused inside a fleet run", () => {
  it("a job's prompt never asks, and names the command that deploys its stack alone", async () => {
    const prompt = jobPrompt("shop", { type: "api", region: "eu-west-1", profile: "ops", stackName: "shop-api-cody", label: "shop-api-cody eu-west-1" }, { env: "prod" });
    expect(prompt.interactive).toBe(false);
    expect(await prompt.ask("Execute?")).toBe(false);
    expect(prompt.fleetJob).toEqual({ alone: "cody deploy shop --type api --env prod --region eu-west-1 --profile ops" });
    expect(jobPrompt(undefined, { stackName: "demo-cody", label: "demo-cody" }, {}).fleetJob).toEqual({ alone: "cody deploy" });
  });

  it("says several stacks deploy at once (not that there is no terminal), and how to approve", async () => {
    const { message, hint } = await refusal(jobPrompt(undefined, { type: "api", stackName: "demo-api-cody", label: "demo-api-cody" }, {}));
    expect(message).toBe("not deployed: --require-approval any-change asks before every change, and cody asks no questions while several stacks deploy at once. The change set was deleted; nothing was executed.");
    expect(message).not.toContain("terminal");
    expect(hint).toBe("Review it with `cody diff --all`, then deploy with --yes or --require-approval never; or deploy this stack alone to be asked: `cody deploy --type api`.");
  });

  it("a single deploy without a terminal keeps its own wording", async () => {
    const { message, hint } = await refusal({ interactive: false, ask: async () => false });
    expect(message).toContain("and there is no terminal to approve it.");
    expect(hint).toContain("Review it with `cody diff`, then approve with --yes");
    expect(refusalWording("x", "y.").message).toBe("not deployed: x, and there is no terminal to approve it. y.");
  });

  it("the fleet hands each deploy job its own prompt", async () => {
    const rec = recordingReporter();
    await runTarget("deploy", undefined, { type: "web", region: "us-east-1", stackName: "demo-web-cody", label: "demo-web-cody us-east-1" }, { all: true, regions: "us-east-1,eu-west-1" }, rec.reporter);
    expect(deployCommand).toHaveBeenCalledTimes(1);
    const [, opts, , prompt] = deployCommand.mock.calls[0] as unknown as [unknown, Record<string, unknown>, unknown, Prompt];
    expect(opts).toMatchObject({ type: "web", region: "us-east-1", json: true });
    expect(opts.all).toBeUndefined();
    expect(prompt.interactive).toBe(false);
    expect(prompt.fleetJob?.alone).toBe("cody deploy --type web --region us-east-1");
  });
});

describe("flags a fleet job would refuse, refused once before any stack", () => {
  it("a malformed --role-arn: one config error, no job run", async () => {
    const { fleetCommand } = await import("../../src/cli/commands/fleet");
    const { minimalProject, removeProjects, writeProject } = await import("../_helpers/project");
    const cwd = process.cwd();
    process.chdir(writeProject(minimalProject()));
    const jobs: string[] = [];
    try {
      for (const command of ["preflight", "deploy", "delete"] as const) {
        const error = await fleetCommand(command, undefined, { regions: "us-east-1,eu-west-1", roleArn: "nope", yes: true }, recordingReporter().reporter, {
          runTarget: async (_c, _p, target) => void jobs.push(target.label),
        }).catch((e: unknown) => e);
        expect((error as Error).message, command).toMatch(/"nope" is not an IAM role ARN/);
      }
      expect(jobs).toEqual([]);
    } finally {
      process.chdir(cwd);
      removeProjects();
    }
  });
});
