// withInterrupt: the first Ctrl-C aborts the wait and tells the reporter (for the newline after ^C).
import { describe, expect, it } from "vitest";
import { withInterrupt } from "../../src/cli/interrupt";

describe("withInterrupt", () => {
  it("aborts the work's signal on SIGINT and tells the reporter first", async () => {
    const before = process.listenerCount("SIGINT");
    const told: string[] = [];
    const reporter = { interrupted: () => told.push("interrupted") };
    const result = withInterrupt(
      (signal) =>
        new Promise<string>((resolve) => {
          signal.addEventListener("abort", () => resolve(`aborted after ${told.join(",")}`), { once: true });
          process.emit("SIGINT");
        }),
      undefined,
      reporter,
    );
    await expect(result).resolves.toBe("aborted after interrupted");
    // The handler is gone once the work is done.
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("leaves Ctrl-C to the caller when given a signal", async () => {
    const controller = new AbortController();
    const seen = await withInterrupt(async (signal) => signal, controller.signal, { interrupted: () => undefined });
    expect(seen).toBe(controller.signal);
  });
});

describe("withInterrupt and AWS requests", () => {
  it("hands its signal to the clients while the work runs, and takes it back after", async () => {
    const { interruptSignal } = await import("../../src/aws/interrupt-signal");
    const controller = new AbortController();
    const during = await withInterrupt(async () => interruptSignal(), controller.signal, { interrupted: () => undefined });
    expect(during).toBe(controller.signal);
    expect(interruptSignal()).toBeUndefined();
  });
});
