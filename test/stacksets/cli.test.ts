// The terminal side of --stack-set: the operation printer (a live block on a terminal, one line per
// change in CI) and the flags refused with --stack-set, before any AWS call or project load.
import { describe, expect, it } from "vitest";
import { run } from "../../src/cli/main";
import { createOperationPrinter } from "../../src/stacksets/printer";
import { recordingReporter } from "../_helpers/test-io";

const row = (region: string, status: string, reason: string | null = null) => ({ account: "123456789012", region, status, reason });

describe("operation printer", () => {
  it("in CI: one line per instance each time its status changes, and the operation's status", () => {
    const { reporter, lines } = recordingReporter();
    const printer = createOperationPrinter(reporter, "demo-cody create instances");
    printer.update("RUNNING", [row("us-east-1", "RUNNING"), row("eu-west-1", "PENDING")]);
    printer.update("RUNNING", [row("us-east-1", "RUNNING"), row("eu-west-1", "PENDING")]);
    printer.update("FAILED", [row("us-east-1", "SUCCEEDED"), row("eu-west-1", "FAILED", "execution role missing")]);
    printer.stop();
    expect(lines).toEqual([
      "demo-cody create instances  operation RUNNING",
      "demo-cody create instances  123456789012  us-east-1       RUNNING",
      "demo-cody create instances  123456789012  eu-west-1       PENDING",
      "demo-cody create instances  operation FAILED",
      "demo-cody create instances  123456789012  us-east-1       SUCCEEDED",
      "demo-cody create instances  123456789012  eu-west-1       FAILED     execution role missing",
    ]);
  });

  it("on a terminal: a live block with one row per instance, left on screen at the end", () => {
    const { reporter, stream, lines } = recordingReporter({ isTTY: true });
    const printer = createOperationPrinter(reporter, "demo-cody update");
    printer.update("RUNNING", [row("us-east-1", "SUCCEEDED"), row("eu-west-1", "RUNNING")]);
    printer.stop();
    const drawn = stream.join("");
    expect(drawn).toContain("demo-cody update  RUNNING  1/2 instances");
    expect(drawn).toContain("123456789012  eu-west-1       RUNNING");
    expect(lines).toEqual([]);
  });
});

describe("flags refused with --stack-set", () => {
  const cases: Array<[string[], string]> = [
    [["deploy", "--stack-set", "--no-execute"], "--no-execute cannot be combined with --stack-set"],
    [["deploy", "--stack-set", "--execute-only", "--change-set-name", "x"], "--execute-only cannot be combined with --stack-set"],
    [["deploy", "--stack-set", "--role-arn", "arn:aws:iam::123456789012:role/cfn"], "--role-arn cannot be combined with --stack-set"],
    [["deploy", "--stack-set", "--no-wait"], "--no-wait cannot be combined with --stack-set"],
    [["delete", "--stack-set", "--noop"], "--noop cannot be combined with --stack-set"],
    [["status", "--stack-set", "--build-id", "demo:1"], "--build-id names a build"],
  ];
  for (const [args, message] of cases) {
    it(`cody ${args.join(" ")}`, async () => {
      const { reporter, lines } = recordingReporter();
      const code = await run(["node", "cody", ...args], { reporter });
      expect(code).toBe(1);
      expect(lines.join("\n")).toContain(message);
      expect(lines.join("\n")).toContain("fix:");
    });
  }
});
