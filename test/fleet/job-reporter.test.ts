// Each job of the fleet writes through its own reporter: prefixed lines in CI, its row's last event on
// a terminal (warnings and errors still printed), its --json result kept and never printed.
import { describe, expect, it } from "vitest";
import { createJobReporter } from "../../src/fleet/job-reporter";
import { recordingReporter } from "../_helpers/test-io";

describe("createJobReporter", () => {
  it("plain: prefixes every line with the stack, multi-line text line by line", () => {
    const parent = recordingReporter();
    const events: string[] = [];
    const job = createJobReporter(parent.reporter, "api-cody", { event: (t) => events.push(t) }, "plain");
    job.info("Deploying stack api-cody (us-east-1)");
    job.warn("first\nsecond");
    job.success("Deployed api-cody");
    expect(parent.lines).toEqual(["[api-cody] Deploying stack api-cody (us-east-1)", "[api-cody] warning first", "[api-cody] warning second", "[api-cody] Deployed api-cody"]);
    expect(events.at(-1)).toBe("Deployed api-cody");
  });

  it("live: info becomes the row's last event only; warnings and errors are printed", () => {
    const parent = recordingReporter({ isTTY: true });
    const events: string[] = [];
    const job = createJobReporter(parent.reporter, "web-cody eu-west-1", { event: (t) => events.push(t) }, "live");
    job.info("11:00:39  CREATE_IN_PROGRESS  AWS::CloudFormation::Stack  web-cody");
    job.error("error not deployed");
    expect(parent.lines).toEqual(["[web-cody eu-west-1] error not deployed"]);
    expect(events).toEqual(["11:00:39  CREATE_IN_PROGRESS  AWS::CloudFormation::Stack  web-cody", "error not deployed"]);
  });

  it("keeps results for the fleet and prints none of them", () => {
    const parent = recordingReporter();
    const job = createJobReporter(parent.reporter, "x", { event: () => undefined }, "plain");
    job.result('{ "type": "deployed" }');
    expect(parent.out).toEqual([]);
    expect(job.results()).toBe('{ "type": "deployed" }');
  });

  it("tells the engines there is no terminal, so they print plain lines and never draw their own block", () => {
    const parent = recordingReporter({ isTTY: true });
    const job = createJobReporter(parent.reporter, "x", { event: () => undefined }, "live");
    expect(job.isTTY).toBe(false);
    expect(job.outIsTTY).toBe(false);
  });
});
