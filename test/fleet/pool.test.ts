// The fleet's pool: never more than `concurrency` at once, started in order, results in input order
// whatever order the jobs finish in, and no new start once shouldStart says no.
import { describe, expect, it } from "vitest";
import { runPool } from "../../src/fleet/pool";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("runPool", () => {
  it("runs at most `concurrency` jobs at once and starts them in order", async () => {
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const outcomes = await runPool([30, 5, 20, 1, 10, 2], 2, async (ms, i) => {
      started.push(i);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i * 10;
    });
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    // Input order, not finishing order.
    expect(outcomes).toEqual([0, 10, 20, 30, 40, 50].map((value) => ({ status: "done", value })));
  });

  it("returns results in input order when later jobs finish first", async () => {
    const gates = [deferred(), deferred(), deferred()];
    const finished: number[] = [];
    const run = runPool([0, 1, 2], 3, async (i) => {
      await gates[i]!.promise;
      finished.push(i);
      return `job${i}`;
    });
    gates[2]!.resolve();
    gates[1]!.resolve();
    gates[0]!.resolve();
    const outcomes = await run;
    expect(finished).toEqual([2, 1, 0]);
    expect(outcomes.map((o) => (o.status === "done" ? o.value : o.status))).toEqual(["job0", "job1", "job2"]);
  });

  it("starts nothing new once shouldStart says no; the running job finishes; the rest are skipped", async () => {
    let stop = false;
    const outcomes = await runPool(
      [0, 1, 2, 3],
      1,
      async (i) => {
        if (i === 1) stop = true;
        return i;
      },
      () => !stop,
    );
    expect(outcomes).toEqual([{ status: "done", value: 0 }, { status: "done", value: 1 }, { status: "skipped" }, { status: "skipped" }]);
  });

  it("keeps going when a job throws, and reports the throw in its place", async () => {
    const boom = new Error("boom");
    const outcomes = await runPool([0, 1, 2], 2, async (i) => {
      if (i === 1) throw boom;
      return i;
    });
    expect(outcomes).toEqual([{ status: "done", value: 0 }, { status: "threw", error: boom }, { status: "done", value: 2 }]);
  });

  it("handles no items and a concurrency above the number of items", async () => {
    expect(await runPool([], 4, async () => 1)).toEqual([]);
    expect(await runPool(["a"], 8, async (x) => x)).toEqual([{ status: "done", value: "a" }]);
  });
});
