// printResult: the one writer of --json result documents (docs/json.md): command and type first, then the
// payload's keys in their order, as one pretty-printed JSON document on stdout.
import { describe, expect, it } from "vitest";
import { printResult } from "../../src/cli/print-result";
import { recordingReporter } from "../_helpers/test-io";

describe("printResult", () => {
  it("puts command and type first, then the payload's keys in order, on stdout only", () => {
    const rec = recordingReporter();
    printResult(rec.reporter, "stop", "no-builds", { project: "demo", buildId: null, status: null });
    expect(rec.lines).toEqual([]);
    expect(rec.out).toHaveLength(1);
    expect(rec.out[0]).toBe(JSON.stringify({ command: "stop", type: "no-builds", project: "demo", buildId: null, status: null }, null, 2));
    expect(Object.keys(JSON.parse(rec.out[0]!) as object)).toEqual(["command", "type", "project", "buildId", "status"]);
  });

  it("refuses, at compile time, a payload that would override the envelope", () => {
    const rec = recordingReporter();
    // @ts-expect-error a payload may not carry `type`: the envelope's is the one that counts
    printResult(rec.reporter, "badge", "badge", { type: "other", url: "u" });
    expect(JSON.parse(rec.out[0]!)).toEqual({ command: "badge", type: "badge", url: "u" });
  });
});
