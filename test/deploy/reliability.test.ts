// The deploy engine under faults, interrupts and concurrent runs (issue 9): Ctrl-C before each write,
// cleanup after any failure (verified before it is reported), stale and concurrent change sets, the
// losers of create and update races, errors after ExecuteChangeSet, and the --timeout of a follow.
import {
  AlreadyExistsException,
  CloudFormationServiceException,
  CreateChangeSetCommand,
  DeleteChangeSetCommand,
  DeleteStackCommand,
  DescribeChangeSetCommand,
  DescribeStackEventsCommand,
  ExecuteChangeSetCommand,
  GetTemplateCommand,
  InvalidChangeSetStatusException,
  ListChangeSetsCommand,
} from "@aws-sdk/client-cloudformation";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CfnApi } from "../../src/aws/clients";
import { codyChangeSets, RECENT_MS } from "../../src/deploy/change-sets";
import { deployStack, type DeployOptions, type DeployResult } from "../../src/deploy/deploy-stack";
import { ExitCode, Interrupted } from "../../src/errors";
import { CHANGE_SET, codyFailure, freshEngine, OLD_TEMPLATE, playStack, readyChangeSet, restoreCfn, sentWrites, STACK, T0, TAGS, TEMPLATE, type CfnMock } from "../_helpers/mock-cfn";
import type { FakeSleep, TestIo } from "../_helpers/test-io";

afterEach(restoreCfn);


let cfn: CfnApi;
let mock: CfnMock;
let io: TestIo;
let sleep: FakeSleep;

beforeEach(async () => {
  ({ cfn, mock, io, sleep } = await freshEngine());
});

function deploy(overrides: Partial<DeployOptions> = {}): Promise<DeployResult> {
  return deployStack({ cfn, stackName: STACK, templateBody: TEMPLATE, tags: TAGS, io, sleep: sleep.sleep, now: () => T0.getTime(), ...overrides });
}

const failure = codyFailure;

const writes = () => sentWrites(mock);
const cfnError = (name: string, message: string, status = 400) =>
  new CloudFormationServiceException({ name, $fault: status >= 500 ? "server" : "client", $metadata: { httpStatusCode: status }, message });

/** An existing stack whose template differs, so the deploy makes an UPDATE change set. */
function existingStack(frames: Parameters<typeof playStack>[1] = [{ status: "UPDATE_COMPLETE" }]) {
  playStack(mock, frames);
  mock.on(GetTemplateCommand).resolves({ TemplateBody: OLD_TEMPLATE });
}

describe("Ctrl-C before the first write", () => {
  it("during the preflight: exit 130, nothing written at all", async () => {
    existingStack();
    const controller = new AbortController();
    const error = await failure(deploy({ signal: controller.signal, beforeChanges: async () => controller.abort() }));
    expect(error).toBeInstanceOf(Interrupted);
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe("Interrupted before cody changed anything: nothing was deployed.");
    expect(writes()).toEqual([]);
  });

  it("during the first deploy's change set: deletes the change set AND the empty REVIEW_IN_PROGRESS stack it made", async () => {
    // GIVEN no stack; the CREATE change set makes one in REVIEW_IN_PROGRESS; Ctrl-C while it is created
    playStack(mock, [{ status: "missing" }, { status: "REVIEW_IN_PROGRESS" }, { status: "missing" }]);
    mock.on(DescribeChangeSetCommand).resolves({ Status: "CREATE_IN_PROGRESS" });
    const controller = new AbortController();
    const error = await failure(deploy({ signal: controller.signal, sleep: async () => controller.abort() }));
    // THEN
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe(`Interrupted: deleted change set ${CHANGE_SET} and the empty stack ${STACK} (REVIEW_IN_PROGRESS) this deploy had made; nothing was deployed.`);
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand", "DeleteStackCommand"]);
  });
});

describe("cleanup after any failure once a change set exists", () => {
  it("DescribeChangeSet failing: the change set is deleted, checked gone, and the error says so", async () => {
    existingStack();
    mock.on(DescribeChangeSetCommand).rejects(cfnError("InternalFailure", "boom", 500));
    const error = await failure(deploy());
    expect(error.message).toMatch(/^cloudformation:DescribeChangeSet failed: AWS answered with a server error, HTTP 500/);
    expect(error.hint).toMatch(new RegExp(`\\nNothing was deployed; deleted change set ${CHANGE_SET}\\.$`));
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand"]);
  });

  it("a CreateChangeSet whose answer was lost: the change set it may have made is removed too", async () => {
    existingStack();
    mock.on(CreateChangeSetCommand).rejects(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    const error = await failure(deploy());
    expect(error.message).toMatch(/cloudformation:CreateChangeSet failed: cannot reach/);
    expect(writes()).toEqual(["CreateChangeSetCommand", "DeleteChangeSetCommand"]);
    expect(error.hint).toMatch(/Nothing was deployed/);
  });

  it("DeleteChangeSet failing: says the change set is left, with its name and the command that removes it, never 'deleted'", async () => {
    existingStack();
    mock.on(DescribeChangeSetCommand).rejects(cfnError("InternalFailure", "boom", 500));
    mock.on(DeleteChangeSetCommand).rejects(cfnError("InternalFailure", "also down", 500));
    const error = await failure(deploy());
    expect(error.hint).toContain(`change set ${CHANGE_SET} is left (`);
    expect(error.hint).toContain(`remove it with: aws cloudformation delete-change-set --stack-name ${STACK} --change-set-name ${CHANGE_SET}`);
    expect(error.hint).not.toMatch(/deleted change set/);
  });

  it("a change set still there after DeleteChangeSet is not reported deleted", async () => {
    existingStack();
    mock.on(DescribeChangeSetCommand).rejects(cfnError("InternalFailure", "boom", 500));
    // DeleteChangeSet answers OK but the change set stays (the helper's "gone after delete" is bypassed)
    cfn.describeChangeSet = async () => {
      throw cfnError("InternalFailure", "boom", 500);
    };
    const error = await failure(deploy());
    expect(error.hint).toMatch(/could not check that it is gone/);
    expect(error.hint).not.toMatch(/deleted change set/);
  });
});

describe("errors after a write say where things stand", () => {
  it("ExecuteChangeSet in flight when Ctrl-C comes: exit 130, 'may have started', never Deployed", async () => {
    existingStack();
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]]));
    const controller = new AbortController();
    mock.on(ExecuteChangeSetCommand).callsFake(async () => {
      controller.abort();
      throw new Interrupted();
    });
    const error = await failure(deploy({ signal: controller.signal }));
    expect(error.exitCode).toBe(ExitCode.interrupted);
    expect(error.message).toBe(`Interrupted: the deploy of ${STACK} may have started (ExecuteChangeSet was sent; its answer did not come back); CloudFormation carries on with it.`);
    expect(error.hint).toMatch(/`cody deploy` again waits for it/);
    // AND the change set is not deleted: it may be executing
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
  });

  it("following fails after ExecuteChangeSet: the error says the update goes on in CloudFormation and how to follow it", async () => {
    existingStack([{ status: "UPDATE_COMPLETE" }, { status: "UPDATE_IN_PROGRESS" }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]]));
    mock.on(DescribeStackEventsCommand).rejects(cfnError("ServiceUnavailable", "down", 503));
    const error = await failure(deploy());
    expect(error.message).toMatch(/DescribeStackEvents failed/);
    expect(error.hint).toMatch(/the update goes on in CloudFormation\. Run `cody deploy` again waits for it/);
    expect(writes()).toEqual(["CreateChangeSetCommand", "ExecuteChangeSetCommand"]);
  });

  it("--timeout reached while following: exit 2, the stack is still in progress and CloudFormation carries on", async () => {
    existingStack([{ status: "UPDATE_COMPLETE" }, { status: "UPDATE_IN_PROGRESS" }]);
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]]));
    let clock = T0.getTime();
    const error = await failure(deploy({ timeoutMs: 60_000, now: () => clock, sleep: async (ms) => void (clock += ms * 20) }));
    expect(error.exitCode).toBe(ExitCode.failed);
    expect(error.message).toBe(`stopped waiting for stack ${STACK} after 1 min (--timeout): it is still UPDATE_IN_PROGRESS, and CloudFormation carries on with it.`);
    expect(error.hint).toMatch(/`cody deploy` again to wait for it/);
  });
});

describe("concurrent runs", () => {
  const summary = (name: string, ageMs: number, executionStatus = "AVAILABLE") => ({
    ChangeSetName: name,
    CreationTime: new Date(T0.getTime() - ageMs),
    ExecutionStatus: executionStatus as "AVAILABLE",
    Status: "CREATE_COMPLETE" as const,
  });

  it("a recent, unexecuted change set of another cody run: says another deploy is in progress, writes nothing", async () => {
    existingStack();
    mock.on(ListChangeSetsCommand).resolves({ Summaries: [summary("cody-1714557590000", 10_000)] });
    const error = await failure(deploy());
    expect(error.message).toBe(`another cody deploy of stack ${STACK} is in progress: its change set cody-1714557590000 was made 10s ago and not executed yet.`);
    expect(error.hint).toMatch(/delete-change-set --stack-name demo-cody --change-set-name cody-1714557590000/);
    expect(writes()).toEqual([]);
  });

  it("stale change sets of earlier cody runs are removed (others' and executed ones are left alone)", async () => {
    existingStack();
    mock.on(ListChangeSetsCommand).resolves({
      Summaries: [summary("cody-1714550000000", RECENT_MS + 60_000), summary("someone-elses", RECENT_MS + 60_000), summary("cody-1714540000000", RECENT_MS * 2, "EXECUTE_COMPLETE")],
    });
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]]));
    playStack(mock, [{ status: "UPDATE_COMPLETE" }, { status: "UPDATE_COMPLETE" }]);
    await deploy();
    const deleted = mock.commandCalls(DeleteChangeSetCommand).map((c) => c.args[0].input.ChangeSetName);
    expect(deleted).toEqual(["cody-1714550000000"]);
    expect(io.lines).toContain("Removed change set cody-1714550000000, left by an earlier cody run (created 2024-05-01T09:56:00.000Z, never executed).");
  });

  it("the loser of a create race (AlreadyExists) is told another deploy created the stack, and deletes nothing of it", async () => {
    playStack(mock, [{ status: "missing" }, { status: "CREATE_IN_PROGRESS" }]);
    mock.on(CreateChangeSetCommand).rejects(new AlreadyExistsException({ $metadata: { httpStatusCode: 400 }, message: `Stack [${STACK}] already exists` }));
    const error = await failure(deploy());
    expect(error.message).toBe(`another deploy created stack ${STACK} at the same time as this one; this deploy changed nothing.`);
    expect(error.exitCode).not.toBe(ExitCode.ok);
    expect(mock.commandCalls(DeleteStackCommand)).toHaveLength(0);
  });

  it("the loser of an update race (ExecuteChangeSet InvalidChangeSetStatus) is told so, never 'Deployed'", async () => {
    existingStack();
    mock.on(DescribeChangeSetCommand).resolves(readyChangeSet([["Modify", "CodeBuild"]]));
    mock.on(ExecuteChangeSetCommand).rejects(
      new InvalidChangeSetStatusException({ $metadata: { httpStatusCode: 400 }, message: "ChangeSet [x] cannot be executed in its current status of [OBSOLETE]" }),
    );
    const error = await failure(deploy());
    expect(error.message).toBe(`another deploy changed stack ${STACK} while this one was preparing; CloudFormation refused this change set, and nothing of it was applied.`);
    expect(error.hint).toMatch(/deleted change set/);
  });

  it("codyChangeSets: only cody's names, unexecuted, split by age", () => {
    const now = T0.getTime();
    const out = codyChangeSets(
      [
        summary("cody-1714557599000", 1_000),
        summary("cody-diff-1714557000000", RECENT_MS + 1),
        summary("cody-1714557599001", 1_000, "EXECUTE_COMPLETE"),
        summary("cody-release", RECENT_MS + 1),
      ],
      now,
    );
    expect(out.busy.map((c) => c.name)).toEqual(["cody-1714557599000"]);
    expect(out.stale.map((c) => c.name)).toEqual(["cody-diff-1714557000000"]);
  });
});
