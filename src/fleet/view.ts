// What the fleet looks like while it runs and when it ends. On a terminal: one row per stack (name,
// region, state, elapsed, last event), redrawn in place. Elsewhere: a line when a stack starts and one
// when it ends, beside the job's own prefixed lines. Then one summary table for both.
import { colors, type Reporter } from "../io/reporter";
import { textTable } from "../util/table";
import type { FleetTarget, JobResult } from "./types";

type RowState = { state: "waiting" } | { state: "running"; startedAt: number } | { state: "done"; result: JobResult };

interface Row {
  target: FleetTarget;
  last: string;
  at: RowState;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class FleetView {
  private readonly rows: Row[];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly reporter: Reporter,
    targets: readonly FleetTarget[],
    private readonly verb: string,
    private readonly now: () => number = Date.now,
  ) {
    this.rows = targets.map((target) => ({ target, last: "", at: { state: "waiting" } }));
  }

  /** Live (a terminal outside CI) or plain. */
  get mode(): "live" | "plain" {
    return this.reporter.isTTY ? "live" : "plain";
  }

  start(): void {
    if (this.mode !== "live") return;
    this.draw();
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  jobStarted(index: number): void {
    const row = this.rows[index]!;
    row.at = { state: "running", startedAt: this.now() };
    if (this.mode === "plain") this.reporter.info(`${colors(this.reporter).dim(`[${row.target.label}]`)} ${this.verb}…`);
    else this.draw();
  }

  event(index: number, text: string): void {
    this.rows[index]!.last = text;
    if (this.mode === "live") this.draw();
  }

  jobDone(index: number, result: JobResult): void {
    const row = this.rows[index]!;
    row.at = { state: "done", result };
    if (this.mode === "plain") {
      const took = result.elapsedMs === null ? "" : ` (${seconds(result.elapsedMs)})`;
      this.reporter.info(`${colors(this.reporter).dim(`[${row.target.label}]`)} ${this.paint(result)}${took}`);
    } else this.draw();
  }

  /** Stops redrawing and leaves the rows on screen as they last were. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.mode === "live") {
      this.draw();
      this.reporter.endLive();
    }
  }

  /** The rows as drawn now (exported for tests). */
  lines(): string[] {
    const c = colors(this.reporter);
    const width = process.stderr.columns && process.stderr.columns > 40 ? process.stderr.columns : 120;
    const table = textTable(
      ["STACK", "REGION", "STATE", "TIME", "LAST EVENT"],
      this.rows.map((row) => {
        const region = row.at.state === "done" ? (row.at.result.region ?? row.target.region ?? "-") : (row.target.region ?? "-");
        const state = row.at.state === "done" ? row.at.result.result : row.at.state;
        const time = row.at.state === "running" ? seconds(this.now() - row.at.startedAt) : row.at.state === "done" && row.at.result.elapsedMs !== null ? seconds(row.at.result.elapsedMs) : "";
        return [row.target.stackName, region, state, time, row.last];
      }),
    );
    return table.map((line, i) => {
      const cut = line.length > width - 1 ? `${line.slice(0, width - 2)}…` : line;
      if (i === 0) return c.bold(cut);
      const row = this.rows[i - 1]!;
      return row.at.state === "done" ? this.paintLine(cut, row.at.result) : row.at.state === "waiting" ? c.dim(cut) : cut;
    });
  }

  private draw(): void {
    this.reporter.live(this.lines());
  }

  private paint(result: JobResult): string {
    const c = colors(this.reporter);
    // The error itself was printed just above, prefixed like this line.
    return result.exitCode === 0 ? c.green(result.result) : c.red(`${result.result} (exit ${result.exitCode})`);
  }

  private paintLine(line: string, result: JobResult): string {
    const c = colors(this.reporter);
    return result.exitCode === 0 ? line : c.red(line);
  }
}

/** The summary table: stack, region, result, changes, time, in the order the stacks were given. */
export function summaryLines(results: readonly JobResult[]): string[] {
  const showType = results.some((r) => r.target.type !== undefined);
  const headers = ["STACK", ...(showType ? ["TYPE"] : []), "REGION", "RESULT", "CHANGES", "TIME"];
  const rows = results.map((r) => [
    r.target.stackName,
    ...(showType ? [r.target.type ?? "-"] : []),
    r.region ?? r.target.region ?? "-",
    r.exitCode === 0 ? r.result : `${r.result} (exit ${r.exitCode})`,
    r.changes === null ? "-" : String(r.changes),
    r.elapsedMs === null ? "-" : seconds(r.elapsedMs),
  ]);
  return textTable(headers, rows, { rule: true });
}

/** "3 stacks: 2 deployed, 1 failed": counts by result, in the order results first appear. */
export function tally(results: readonly JobResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) counts.set(r.result, (counts.get(r.result) ?? 0) + 1);
  const parts = [...counts].map(([result, n]) => `${n} ${result}`);
  return `${results.length} stack${results.length === 1 ? "" : "s"}: ${parts.join(", ")}`;
}
