// A fixed-size pool: at most `concurrency` jobs at once, started in the order given, results in that
// same order whatever order they finish in. `shouldStart` is asked before each start, so Ctrl-C or
// --fail-fast stops new jobs while those already running finish.

export type PoolOutcome<R> = { status: "done"; value: R } | { status: "threw"; error: unknown } | { status: "skipped" };

export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  worker: (item: T, index: number) => Promise<R>,
  shouldStart: () => boolean = () => true,
): Promise<Array<PoolOutcome<R>>> {
  const outcomes: Array<PoolOutcome<R>> = items.map(() => ({ status: "skipped" }));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      if (!shouldStart()) return;
      const index = next++;
      try {
        outcomes[index] = { status: "done", value: await worker(items[index]!, index) };
      } catch (error) {
        outcomes[index] = { status: "threw", error };
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(concurrency), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return outcomes;
}
