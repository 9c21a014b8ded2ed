// How a StackSets operation looks while it runs: on a terminal a live block with one row per instance
// (account, region, status, reason), redrawn as results come in; in CI or a pipe one plain line per
// instance each time its status changes. Printers only format; operation.ts polls.
import { colors, type Reporter } from "../io/reporter";

/** One instance's result in an operation (ListStackSetOperationResults). */
export interface ResultRow {
  account: string;
  region: string;
  /** PENDING, RUNNING, SUCCEEDED, FAILED or CANCELLED. */
  status: string;
  reason: string | null;
}

export interface OperationPrinter {
  update(status: string, rows: ResultRow[]): void;
  stop(): void;
}

export function paint(reporter: Pick<Reporter, "color">, status: string, text = status): string {
  const c = colors(reporter);
  if (/FAILED|STOPPED|CANCELLED|INOPERABLE/.test(status)) return c.red(text);
  if (/SUCCEEDED|CURRENT/.test(status)) return c.green(text);
  return c.yellow(text);
}

export function formatRow(row: ResultRow, reporter: Pick<Reporter, "color">, accountWidth = 12, regionWidth = 14): string {
  const reason = row.reason ? `  ${colors(reporter).dim(row.reason)}` : "";
  return `${row.account.padEnd(accountWidth)}  ${row.region.padEnd(regionWidth)}  ${paint(reporter, row.status, row.status.padEnd(9))}${reason}`.trimEnd();
}

class PlainPrinter implements OperationPrinter {
  private readonly seen = new Map<string, string>();
  private status?: string;
  constructor(
    private readonly reporter: Reporter,
    private readonly title: string,
  ) {}

  update(status: string, rows: ResultRow[]): void {
    if (status !== this.status) {
      this.status = status;
      this.reporter.info(`${this.title}  operation ${paint(this.reporter, status)}`);
    }
    for (const row of rows) {
      const key = `${row.account} ${row.region}`;
      const state = `${row.status} ${row.reason ?? ""}`;
      if (this.seen.get(key) === state) continue;
      this.seen.set(key, state);
      this.reporter.info(`${this.title}  ${formatRow(row, this.reporter)}`);
    }
  }

  stop(): void {}
}

class LivePrinter implements OperationPrinter {
  private readonly started = Date.now();
  private status = "RUNNING";
  private rows: ResultRow[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly reporter: Reporter,
    private readonly title: string,
  ) {
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
    this.draw();
  }

  update(status: string, rows: ResultRow[]): void {
    this.status = status;
    this.rows = rows;
    this.draw();
  }

  stop(): void {
    clearInterval(this.timer);
    this.draw();
    this.reporter.endLive();
  }

  private draw(): void {
    const c = colors(this.reporter);
    const done = this.rows.filter((r) => !/PENDING|RUNNING/.test(r.status)).length;
    const seconds = Math.round((Date.now() - this.started) / 1000);
    const head = `${c.bold(this.title)}  ${paint(this.reporter, this.status)}  ${done}/${this.rows.length} instances  ${seconds}s`;
    this.reporter.live([head, ...this.rows.map((row) => `  ${formatRow(row, this.reporter)}`)]);
  }
}

export function createOperationPrinter(reporter: Reporter, title: string): OperationPrinter {
  return reporter.isTTY && !reporter.debugEnabled ? new LivePrinter(reporter, title) : new PlainPrinter(reporter, title);
}
