// `cody policy --all --regions`: one policy that covers every project's requirement in every target
// region, proven with cody's IAM evaluator (the same one `cody policy --check` uses): the merged
// policy grants each stack's own requirement in each region, and a single-region one does not.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { fleetCommand } from "../../src/cli/commands/fleet";
import { mergeRequirements } from "../../src/fleet/merge-requirements";
import { callerRequirements, checkPolicies, policyDocument, type IamPolicy } from "../../src/iam/policy";
import { requirementsFor, type Requirement } from "../../src/iam/requirements";
import { loadProject } from "../../src/config/load-project";
import { synthesize } from "../../src/synth/template";
import { configErrorOf, minimalProject, removeProjects, writeProject, typedProject } from "../_helpers/project";
import { recordingReporter } from "../_helpers/test-io";

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));
afterAll(() => removeProjects());

async function stackRequirement(root: string, type: string | undefined, region: string): Promise<Requirement[]> {
  const project = await loadProject({ cwd: root, type, region, environment: { AWS_ACCOUNT_ID: "123456789012" } });
  return callerRequirements(requirementsFor({ synth: synthesize(project), region, account: "123456789012", partition: "aws" }));
}

describe("cody policy --all --regions", () => {
  it("covers every project in every region, with each stack's own ARNs", async () => {
    const root = writeProject({ ...minimalProject(), ...typedProject("api") });
    process.chdir(root);
    const saved = process.env.AWS_ACCOUNT_ID;
    process.env.AWS_ACCOUNT_ID = "123456789012";
    const rec = recordingReporter();
    try {
      await fleetCommand("policy", undefined, { all: true, regions: "us-east-1,eu-west-1" }, rec.reporter);
    } finally {
      if (saved === undefined) delete process.env.AWS_ACCOUNT_ID;
      else process.env.AWS_ACCOUNT_ID = saved;
    }
    const policy = JSON.parse(rec.out[0]!) as IamPolicy;
    const stackArns = policy.Statement.find((s) => s.Sid === "CloudFormationStack")?.Resource;
    expect(stackArns).toEqual([
      "arn:aws:cloudformation:us-east-1:123456789012:stack/demo-cody/*",
      "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo-cody/*",
      "arn:aws:cloudformation:us-east-1:123456789012:stack/demo-api-cody/*",
      "arn:aws:cloudformation:eu-west-1:123456789012:stack/demo-api-cody/*",
    ]);
    for (const type of [undefined, "api"]) {
      for (const region of ["us-east-1", "eu-west-1"]) {
        const need = await stackRequirement(root, type, region);
        const result = checkPolicies([policy], need, need, { region, partition: "aws" });
        expect(result.missing.filter((m) => !m.optional), `${type ?? "untyped"} in ${region}`).toEqual([]);
      }
    }
    // The check can fail: one region's policy does not cover the other region.
    const east = policyDocument(await stackRequirement(root, "api", "us-east-1"));
    const west = await stackRequirement(root, "api", "eu-west-1");
    expect(checkPolicies([east], west, west, { region: "eu-west-1", partition: "aws" }).missing.length).toBeGreaterThan(0);
    expect(rec.lines[0]).toBe("One policy for 2 stacks (demo-cody, demo-api-cody) in us-east-1, eu-west-1.");
  });

  it("--check and --boundary with several projects are refused with a way forward", async () => {
    process.chdir(writeProject({ ...minimalProject(), ...typedProject("api") }));
    const error = await configErrorOf(fleetCommand("policy", undefined, { all: true, check: "p.json" }, recordingReporter().reporter));
    expect(error.issues[0]).toMatchObject({ field: "--check" });
  });
});

describe("mergeRequirements", () => {
  const req = (over: Partial<Requirement>): Requirement => ({ sid: "S", actions: ["a:B"], resources: ["r1"], why: "w", commands: ["deploy"], ...over });

  it("joins same-sid requirements with the same scope when they share their actions or their resources", () => {
    const sameActions = mergeRequirements([[req({ actionCommands: { "a:B": ["deploy"] } })], [req({ resources: ["r2"], commands: ["diff"], actionCommands: { "a:B": ["diff"] } })]]);
    expect(sameActions).toEqual([req({ resources: ["r1", "r2"], commands: ["deploy", "diff"], actionCommands: { "a:B": ["deploy", "diff"] } })]);
    const sameResources = mergeRequirements([[req({ actions: ["a:C"] })], [req({ commands: ["diff"] })]]);
    expect(sameResources).toEqual([req({ actions: ["a:B", "a:C"], commands: ["deploy", "diff"], actionCommands: {} })]);
  });

  it("never grants one stack's actions on another stack's resources (A1×R1 and A2×R2 stay apart)", () => {
    const merged = mergeRequirements([[req({ actions: ["iam:PutRolePolicy", "iam:CreateRole"], resources: ["role/a-*"] })], [req({ actions: ["iam:CreateRole"], resources: ["role/b-*"] })]]);
    expect(merged.map((r) => [r.sid, r.actions, r.resources])).toEqual([
      ["S", ["iam:PutRolePolicy", "iam:CreateRole"], ["role/a-*"]],
      ["S2", ["iam:CreateRole"], ["role/b-*"]],
    ]);
    const granted = new Set(merged.flatMap((r) => r.actions.flatMap((a) => r.resources.map((res) => `${a} ${res}`))));
    expect(granted.has("iam:PutRolePolicy role/b-*")).toBe(false);
  });

  it("keeps requirements with another condition, principal or optionality apart, under a numbered Sid", () => {
    const merged = mergeRequirements([[req({})], [req({ condition: { StringEquals: { "k": "v" } } })], [req({ optional: true })]]);
    expect(merged.map((r) => r.sid)).toEqual(["S", "S2", "S3"]);
  });

  it("does not change its inputs", () => {
    const a = req({});
    mergeRequirements([[a], [req({ resources: ["r9"] })]]);
    expect(a.resources).toEqual(["r1"]);
  });
});
