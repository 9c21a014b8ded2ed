// Library warnings (the AWS SDK's console.warn and process.emitWarning) reach the user only at debug level.
import { afterEach, describe, expect, it } from "vitest";
import { captureStrayWarnings } from "../../src/io/stray-warnings";
import { recordingReporter } from "../_helpers/test-io";

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe("captureStrayWarnings", () => {
  it("prints console.warn lines only with --debug, as debug lines", () => {
    const quiet = recordingReporter();
    restore = captureStrayWarnings(quiet.reporter);
    console.warn("@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:\n    Multiple credential sources detected");
    expect(quiet.lines).toEqual([]);
    restore();

    const loud = recordingReporter({ debug: true });
    restore = captureStrayWarnings(loud.reporter);
    console.warn("Multiple credential sources detected", 2);
    expect(loud.lines).toEqual(["[debug] library warning: Multiple credential sources detected 2"]);
  });

  it("routes process warnings (emitWarning) to debug instead of Node's printer", async () => {
    const loud = recordingReporter({ debug: true });
    restore = captureStrayWarnings(loud.reporter);
    process.emitWarning("The AWS SDK for JavaScript (v3) will require node >=22", "NodeVersionSupportWarning");
    // Warnings are emitted on the next tick.
    await new Promise((resolve) => setImmediate(resolve));
    expect(loud.lines).toEqual(["[debug] process warning: NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) will require node >=22"]);
  });

  it("puts console.warn and the warning listeners back when undone", () => {
    const before = console.warn;
    const listeners = process.listeners("warning").length;
    captureStrayWarnings(recordingReporter().reporter)();
    expect(console.warn).toBe(before);
    expect(process.listeners("warning")).toHaveLength(listeners);
  });
});
