// A pure counter of deploy progress: how many resources have settled out of how many will change.
import type { StackActivity } from "./events";

export class ProgressCounter {
  private readonly done = new Set<string>();
  private readonly inFlight = new Map<string, StackActivity>();

  /** @param total resources expected to change (from the change set), plus the stack itself. */
  constructor(public total: number) {}

  add(event: StackActivity): void {
    if (event.resourceType === "AWS::CloudFormation::Stack") return;
    if (event.status.endsWith("_IN_PROGRESS")) {
      this.inFlight.set(event.logicalId, event);
    } else {
      this.inFlight.delete(event.logicalId);
      this.done.add(event.logicalId);
      this.total = Math.max(this.total, this.done.size);
    }
  }

  get completed(): number {
    return this.done.size;
  }

  get current(): StackActivity[] {
    return [...this.inFlight.values()];
  }

  /** "3/4" */
  get formatted(): string {
    return `${this.completed}/${this.total}`;
  }
}
