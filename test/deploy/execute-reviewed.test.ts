import { DescribeChangeSetCommand, ExecuteChangeSetCommand, GetTemplateCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, describe, expect, it } from "vitest";
import { executeReviewed } from "../../src/deploy/execute-reviewed";
import { event, freshEngine, playStack, readyChangeSet, restoreCfn, STACK, TAGS, TEMPLATE } from "../_helpers/mock-cfn";

afterEach(restoreCfn);

async function setup(templateBody: string, tags = TAGS) {
  const engine = await freshEngine();
  engine.mock.on(DescribeChangeSetCommand).resolves({ ...readyChangeSet([["Modify", "CodeBuild", "False"]]), ExecutionStatus: "AVAILABLE", Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) });
  engine.mock.on(GetTemplateCommand).resolves({ TemplateBody: templateBody });
  const run = () => executeReviewed({ cfn: engine.cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, changeSetName: "review-1", io: engine.io, sleep: engine.sleep.sleep });
  return { ...engine, run };
}

describe("executeReviewed", () => {
  it("executes a change set that still matches the template and tags, and follows the stack", async () => {
    const { mock, run } = await setup(TEMPLATE);
    playStack(mock, [{ status: "UPDATE_COMPLETE" }, { status: "UPDATE_COMPLETE", events: [event(5, STACK, "UPDATE_COMPLETE")] }]);
    const result = await run();
    expect(result.type).toBe("deployed");
    expect(mock.commandCalls(GetTemplateCommand)[0].args[0].input).toEqual({ StackName: STACK, ChangeSetName: "review-1", TemplateStage: "Original" });
    expect(mock.commandCalls(ExecuteChangeSetCommand)[0].args[0].input).toMatchObject({ StackName: STACK, ChangeSetName: "review-1" });
  });

  it("refuses a change set made from another template, or with other tags, and executes nothing", async () => {
    const stale = await setup(`${TEMPLATE}# edited since\n`);
    playStack(stale.mock, [{ status: "UPDATE_COMPLETE" }]);
    await expect(stale.run()).rejects.toThrow("change set review-1 is not what the project would deploy now: its template differs from what the project synthesizes now.");
    expect(stale.mock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
    restoreCfn();
    const tagged = await setup(TEMPLATE, { ...TAGS, "cody:env": "production" });
    playStack(tagged.mock, [{ status: "UPDATE_COMPLETE" }]);
    await expect(tagged.run()).rejects.toThrow("its stack tags differ from the project's");
    expect(tagged.mock.commandCalls(ExecuteChangeSetCommand)).toHaveLength(0);
  });
});
