// settings' terminationProtection: set after a successful deploy only when the stack's differs, left
// alone when unset; `cody delete` refuses a protected stack before asking and before DeleteStack.
import { DeleteStackCommand, DescribeChangeSetCommand, GetTemplateCommand, UpdateTerminationProtectionCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { deleteStack } from "../../src/deploy/delete-stack";
import { deployStack, type DeployOptions } from "../../src/deploy/deploy-stack";
import { CodyError } from "../../src/errors";
import { event, freshEngine, OUTPUTS, playStack, readyChangeSet, restoreCfn, STACK, STACK_ID, T0, TAGS, TEMPLATE, type CfnMock } from "../_helpers/mock-cfn";
import { type FakeSleep, type TestIo } from "../_helpers/test-io";

afterEach(restoreCfn);

let cfn: CfnApi;
let mock: CfnMock;
let io: TestIo;
let sleep: FakeSleep;

beforeEach(async () => {
  ({ cfn, mock, io, sleep } = await freshEngine({ answers: [true] }));
});

const deploy = (overrides: Partial<DeployOptions>) =>
  deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime(), ...overrides });
const protectionCalls = () => mock.commandCalls(UpdateTerminationProtectionCommand).map((c) => c.args[0].input);

function newStack(protection?: boolean) {
  playStack(mock, [{ status: "missing" }, { status: "CREATE_COMPLETE", outputs: OUTPUTS, events: [event(1, STACK, "CREATE_COMPLETE")], protection }]);
  mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Add", "CodeBuild"]]));
}

describe("deploy: terminationProtection", () => {
  it("true: turned on after the create, by stack id, and said", async () => {
    newStack();
    const result = await deploy({ terminationProtection: true });
    expect(result.type).toBe("deployed");
    expect(protectionCalls()).toEqual([{ StackName: STACK_ID, EnableTerminationProtection: true }]);
    expect(io.lines).toContain(`Termination protection on for stack ${STACK} (settings' terminationProtection).`);
  });

  it("no call when the stack already has it, nor when the setting is unset", async () => {
    newStack(true);
    await deploy({ terminationProtection: true });
    expect(protectionCalls()).toEqual([]);
    restoreCfn();
    ({ cfn, mock, io, sleep } = await freshEngine());
    newStack(true);
    await deploy({});
    expect(protectionCalls()).toEqual([]);
  });

  it("false turns it off; an unchanged stack still gets the setting (no change set)", async () => {
    playStack(mock, [{ status: "UPDATE_COMPLETE", outputs: OUTPUTS, protection: true }]);
    mock.on(GetTemplateCommand).resolves({ TemplateBody: TEMPLATE });
    const result = await deploy({ terminationProtection: false });
    expect(result.type).toBe("no-changes");
    expect(protectionCalls()).toEqual([{ StackName: STACK_ID, EnableTerminationProtection: false }]);
  });

  it("a failed call after a deploy that happened says the stack is deployed, and how to finish", async () => {
    newStack();
    mock.on(UpdateTerminationProtectionCommand).rejects(Object.assign(new Error("User is not authorized to perform: cloudformation:UpdateTerminationProtection"), { name: "AccessDenied" }));
    const error = await deploy({ terminationProtection: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodyError);
    expect((error as CodyError).message).toMatch(/^stack demo-cody is deployed, but its termination protection could not be turned on: .*UpdateTerminationProtection/);
    expect((error as CodyError).hint).toContain("aws cloudformation update-termination-protection --stack-name demo-cody --enable-termination-protection");
    // not the account of a failed deploy: the deploy finished
    expect((error as CodyError).hint).not.toMatch(/under way|Nothing was deployed/);
  });
});

describe("delete: a protected stack", () => {
  it("is refused before the question and before DeleteStack, naming the setting and how to turn it off", async () => {
    playStack(mock, [{ status: "UPDATE_COMPLETE", outputs: OUTPUTS, protection: true }]);
    const error = await deleteStack({ cfn, stackName: STACK, io, sleep: sleep.sleep }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CodyError);
    expect((error as CodyError).message).toBe("stack demo-cody has termination protection on, so it cannot be deleted; nothing was deleted.");
    expect((error as CodyError).hint).toContain("terminationProtection: false in .cody/settings.ts");
    expect((error as CodyError).hint).toContain("--no-enable-termination-protection");
    expect(io.questions).toEqual([]);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });
});
