// How stack activity looks: a live block on a terminal, one plain line per event in CI or a pipe.
// Printers only format; polling and counting happen elsewhere.
import { colors, type Reporter } from "../io/reporter";
import type { StackActivity } from "./events";
import { ProgressCounter } from "./progress";

export interface ActivityPrinter {
  /** `total`: resources expected to change, undefined when not known; `doneWord` counts them without one. */
  start(total?: number, doneWord?: string): void;
  activity(event: StackActivity): void;
  /** `succeeded`: the stack settled well, so every expected resource is done. */
  stop(succeeded?: boolean): void;
}

function clock(time: Date): string {
  return time.toISOString().slice(11, 19);
}

export function formatActivity(e: StackActivity, reporter: Pick<Reporter, "color">): string {
  const c = colors(reporter);
  const paint = e.status.endsWith("_FAILED") ? c.red : e.status.endsWith("_COMPLETE") ? c.green : c.yellow;
  const reason = e.reason && e.reason !== "User Initiated" ? `  ${c.dim(e.reason)}` : "";
  return `${clock(e.time)}  ${paint(e.status.padEnd(20))}  ${e.resourceType.padEnd(26)}  ${e.logicalId}${reason}`;
}

export class PlainPrinter implements ActivityPrinter {
  constructor(private readonly reporter: Reporter) {}
  start(): void {}
  activity(event: StackActivity): void {
    this.reporter.info(formatActivity(event, this.reporter));
  }
  stop(): void {}
}

/** Redraws "stack  done/total  elapsed" and the resources in flight; failures stay on screen. */
export class LivePrinter implements ActivityPrinter {
  private counter = new ProgressCounter();
  private doneWord = "done";
  private timer?: NodeJS.Timeout;
  private readonly started = Date.now();

  constructor(
    private readonly reporter: Reporter,
    private readonly title: string,
  ) {}

  start(total?: number, doneWord = "done"): void {
    this.counter = new ProgressCounter(total);
    this.doneWord = doneWord;
    this.draw();
    this.timer = setInterval(() => this.draw(), 1000);
    this.timer.unref();
  }

  activity(event: StackActivity): void {
    this.counter.add(event);
    if (event.status.endsWith("_FAILED")) this.reporter.info(formatActivity(event, this.reporter));
    this.draw();
  }

  stop(succeeded = false): void {
    if (this.timer) clearInterval(this.timer);
    if (succeeded) this.counter.finish();
    this.draw();
    this.reporter.endLive();
  }

  private draw(): void {
    const c = colors(this.reporter);
    const seconds = Math.round((Date.now() - this.started) / 1000);
    const lines = [`${c.bold(this.title)}  ${this.counter.format(this.doneWord)}  ${seconds}s`];
    for (const e of this.counter.current) lines.push(`  ${c.yellow("…")} ${e.logicalId} ${c.dim(e.resourceType)}`);
    this.reporter.live(lines);
  }
}

export function createPrinter(reporter: Reporter, title: string): ActivityPrinter {
  return reporter.isTTY && !reporter.debugEnabled ? new LivePrinter(reporter, title) : new PlainPrinter(reporter);
}
