// A pure counter of deploy progress: how many resources have settled out of how many will change.
import type { StackActivity } from "./events";

export class ProgressCounter {
  private readonly done = new Set<string>();
  private readonly inFlight = new Map<string, StackActivity>();
  private finished = false;

  /**
   * @param total resources expected to change (from the change set); undefined when not known (a
   * delete: nothing says how many resources the stack has without another call and permission).
   */
  constructor(public total?: number) {}

  add(event: StackActivity): void {
    if (event.resourceType === "AWS::CloudFormation::Stack") return;
    if (event.status.endsWith("_IN_PROGRESS")) {
      this.inFlight.set(event.logicalId, event);
    } else {
      this.inFlight.delete(event.logicalId);
      this.done.add(event.logicalId);
      if (this.total !== undefined) this.total = Math.max(this.total, this.done.size);
    }
  }

  /** The stack settled successfully: everything expected is done, whether or not each event was seen. */
  finish(): void {
    this.finished = true;
    this.inFlight.clear();
  }

  get completed(): number {
    return this.finished && this.total !== undefined ? Math.max(this.total, this.done.size) : this.done.size;
  }

  get current(): StackActivity[] {
    return [...this.inFlight.values()];
  }

  /** "3/4 resources", or without a known total "3 resources deleted" (`doneWord`: "deleted", "done"). */
  format(doneWord = "done"): string {
    if (this.total !== undefined) return `${this.completed}/${this.total} resources`;
    // Finished without a single resource event to count (moto sends none): say so, not "0 resources".
    if (this.finished && this.completed === 0) return "done";
    return `${this.completed} resource${this.completed === 1 ? "" : "s"} ${doneWord}`;
  }
}
