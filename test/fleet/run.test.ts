// runFleet: every target through the job, each job's --json and exit code turned into its summary row;
// plain prefixed lines in CI, a live block of rows on a terminal; failures do not stop the others
// unless failFast; an interrupt stops new jobs.
import { describe, expect, it } from "vitest";
import { CodyError, ExitCode, Interrupted } from "../../src/errors";
import { interpretResult, runFleet, type RunFleetInput } from "../../src/fleet/run";
import type { FleetTarget } from "../../src/fleet/types";
import { summaryLines, tally } from "../../src/fleet/view";
import { formatError } from "../../src/cli/format-error";
import { recordingReporter } from "../_helpers/test-io";

const target = (stackName: string, type?: string, region?: string): FleetTarget => ({
  ...(type ? { type } : {}),
  ...(region ? { region } : {}),
  stackName,
  label: region ? `${stackName} ${region}` : stackName,
});
const A = target("demo-cody");
const B = target("demo-api-cody", "api");
const C = target("demo-web-cody", "web");

/** One job at a time on a clock each job moves by one second, so times are exact. */
function input(over: Partial<RunFleetInput> & Pick<RunFleetInput, "job" | "reporter">): RunFleetInput {
  let clock = 0;
  const { job, ...rest } = over;
  return {
    targets: [A, B, C],
    concurrency: 1,
    verb: "deploying",
    formatError,
    interrupt: new AbortController().signal,
    now: () => clock,
    ...rest,
    job: async (t, r) => {
      clock += 1000;
      return job(t, r);
    },
  };
}

describe("runFleet", () => {
  it("reads each job's --json result: type, change count, region; errors by exit code", async () => {
    const rec = recordingReporter();
    const results = await runFleet(
      input({
        reporter: rec.reporter,
        job: async (t, r) => {
          r.info(`Deploying stack ${t.stackName}`);
          if (t === B) throw new CodyError("stack failed", { exitCode: ExitCode.failed });
          r.result(JSON.stringify({ command: "deploy", type: t === A ? "deployed" : "no-changes", region: "eu-west-1", changes: t === A ? [{}, {}] : [] }));
        },
      }),
    );
    expect(results.map((r) => [r.target.stackName, r.result, r.exitCode, r.changes, r.region, r.error ?? null])).toEqual([
      ["demo-cody", "deployed", 0, 2, "eu-west-1", null],
      ["demo-api-cody", "failed", 2, null, undefined, "stack failed"],
      ["demo-web-cody", "no-changes", 0, 0, "eu-west-1", null],
    ]);
    // CI: every line of a job prefixed with its stack, a start and an end line each.
    expect(rec.lines).toContain("[demo-cody] deploying…");
    expect(rec.lines).toContain("[demo-api-cody] Deploying stack demo-api-cody");
    expect(rec.lines).toContain("[demo-api-cody] error stack failed");
    expect(rec.lines).toContain("[demo-api-cody] failed (exit 2) (1.0s)");
    expect(rec.lines.filter((l) => !l.startsWith("["))).toEqual([]);
    expect(rec.out).toEqual([]);
  });

  it("one failing stack does not stop the others; --fail-fast does, and says why in the rows", async () => {
    const ran: string[] = [];
    const job = async (t: FleetTarget) => {
      ran.push(t.stackName);
      if (t === A) throw new CodyError("bad input");
    };
    await runFleet(input({ reporter: recordingReporter().reporter, concurrency: 1, job }));
    expect(ran).toEqual(["demo-cody", "demo-api-cody", "demo-web-cody"]);
    ran.length = 0;
    const results = await runFleet(input({ reporter: recordingReporter().reporter, concurrency: 1, failFast: true, job }));
    expect(ran).toEqual(["demo-cody"]);
    expect(results.slice(1).map((r) => [r.result, r.error])).toEqual([
      ["not started", "not started (--fail-fast)"],
      ["not started", "not started (--fail-fast)"],
    ]);
  });

  it("an interrupt stops new jobs: those not started are reported, exit 130", async () => {
    const controller = new AbortController();
    const results = await runFleet(
      input({
        reporter: recordingReporter().reporter,
        concurrency: 1,
        interrupt: controller.signal,
        job: async (t) => {
          if (t === A) {
            controller.abort();
            throw new Interrupted();
          }
        },
      }),
    );
    expect(results.map((r) => [r.result, r.exitCode])).toEqual([
      ["interrupted", 130],
      ["not started", 130],
      ["not started", 130],
    ]);
  });

  it("on a terminal: one row per stack, redrawn in place, left on screen at the end", async () => {
    const rec = recordingReporter({ isTTY: true });
    await runFleet(
      input({
        reporter: rec.reporter,
        targets: [target("demo-cody", undefined, "us-east-1"), target("demo-cody", undefined, "eu-west-1")],
        job: async (_t, r) => {
          r.info("11:00:39  CREATE_COMPLETE  AWS::CloudFormation::Stack  demo-cody");
          r.result(JSON.stringify({ type: "deployed", changes: [{}] }));
        },
      }),
    );
    const drawn = rec.stream.join("");
    // Redrawn with cursor-up; the last frame has both rows done with their last event.
    expect(drawn).toContain("\x1b[3A");
    const last = drawn.slice(drawn.lastIndexOf("STACK"));
    expect(last.split("\n").slice(0, 3)).toEqual([
      expect.stringMatching(/^STACK\s+REGION\s+STATE\s+TIME\s+LAST EVENT$/),
      expect.stringMatching(/^demo-cody\s+us-east-1\s+deployed\s+1\.0s\s+11:00:39 {2}CREATE_COMPLETE/),
      expect.stringMatching(/^demo-cody\s+eu-west-1\s+deployed\s+1\.0s\s+11:00:39 {2}CREATE_COMPLETE/),
    ]);
    // Info lines are not printed on a terminal: they are the rows' last event.
    expect(rec.lines).toEqual([]);
  });
});

describe("summary", () => {
  it("a table of stack, type, region, result, changes and time, and a tally", async () => {
    const results = await runFleet(
      input({
        reporter: recordingReporter().reporter,
        job: async (t, r) => {
          if (t === C) throw new CodyError("denied", { exitCode: ExitCode.permissions });
          r.result(JSON.stringify({ type: "deployed", region: "us-east-1", changes: [{}, {}, {}] }));
        },
      }),
    );
    expect(summaryLines(results)).toEqual([
      "STACK          TYPE  REGION     RESULT                        CHANGES  TIME",
      "-------------  ----  ---------  ----------------------------  -------  ----",
      "demo-cody      -     us-east-1  deployed                      3        1.0s",
      "demo-api-cody  api   us-east-1  deployed                      3        1.0s",
      "demo-web-cody  web   -          missing permissions (exit 3)  -        1.0s",
    ]);
    expect(tally(results)).toBe("3 stacks: 2 deployed, 1 missing permissions");
  });

  it("interpretResult reads what every command's --json says", () => {
    expect(interpretResult({ type: "changes", changes: [1, 2], region: "r" })).toEqual({ result: "changes", changes: 2, region: "r" });
    expect(interpretResult({ type: "deleted", region: "r" })).toEqual({ result: "deleted", changes: null, region: "r" });
    expect(interpretResult(undefined)).toEqual({ changes: null });
  });
});
