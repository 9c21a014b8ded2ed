import { DescribeStacksCommand } from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { isCodyError } from "../../src/errors";
import { isCreationFailure, isDeploySuccess, isInProgress, lookupStack } from "../../src/deploy/stack";
import { mockCfn, restoreCfn, stack, STACK, STACK_ID, stackNotFound, type CfnMock } from "../_helpers/mock-cfn";

afterEach(restoreCfn);

describe("lookupStack", () => {
  let cfn: CfnApi;
  let mock: CfnMock;
  beforeEach(async () => {
    ({ cfn, mock } = await mockCfn());
  });

  it("reads status, id, outputs and tags of an existing stack", async () => {
    mock.on(DescribeStacksCommand).resolves({ Stacks: [stack("UPDATE_COMPLETE", { outputs: { ProjectName: "demo" }, tags: { a: "1" } })] });
    const found = await lookupStack(cfn, STACK);
    expect(found).toEqual({
      exists: true,
      name: STACK,
      status: "UPDATE_COMPLETE",
      stackId: STACK_ID,
      reason: undefined,
      outputs: { ProjectName: "demo" },
      tags: { a: "1" },
    });
  });

  it("treats 'does not exist' (after the guard made it a CodyError) as a missing stack", async () => {
    mock.on(DescribeStacksCommand).rejects(stackNotFound());
    expect(await lookupStack(cfn, STACK)).toMatchObject({ exists: false, status: "NOT_FOUND" });
  });

  it("treats a DELETE_COMPLETE stack (looked up by id) as missing", async () => {
    mock.on(DescribeStacksCommand).resolves({ Stacks: [stack("DELETE_COMPLETE")] });
    expect((await lookupStack(cfn, STACK_ID)).exists).toBe(false);
  });

  it("passes other errors on as CodyErrors", async () => {
    mock.on(DescribeStacksCommand).rejects(Object.assign(new Error("Rate exceeded"), { name: "Throttling" }));
    const error: unknown = await lookupStack(cfn, STACK).catch((e: unknown) => e);
    expect(isCodyError(error)).toBe(true);
    expect((error as Error).message).toMatch(/throttling cloudformation:DescribeStacks/);
  });
});

describe("stack status predicates", () => {
  it.each([
    ["UPDATE_IN_PROGRESS", true],
    ["UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", true],
    ["UPDATE_ROLLBACK_IN_PROGRESS", true],
    ["DELETE_IN_PROGRESS", true],
    ["REVIEW_IN_PROGRESS", false],
    ["UPDATE_COMPLETE", false],
  ])("isInProgress(%s) is %s", (status, expected) => {
    expect(isInProgress(status)).toBe(expected);
  });

  it("knows a failed first create from a failed update, and what counts as success", () => {
    expect(isCreationFailure("ROLLBACK_COMPLETE")).toBe(true);
    expect(isCreationFailure("UPDATE_ROLLBACK_COMPLETE")).toBe(false);
    expect(isDeploySuccess("UPDATE_COMPLETE")).toBe(true);
    expect(isDeploySuccess("UPDATE_ROLLBACK_COMPLETE")).toBe(false);
  });
});
