// Polls a stack's events, newest-first pages from CloudFormation, handed out oldest-first and only
// once, starting from this operation's own events (those after `since`).
import type { StackEvent } from "@aws-sdk/client-cloudformation";
import type { CfnApi } from "../aws/clients";

export interface StackActivity {
  time: Date;
  logicalId: string;
  resourceType: string;
  status: string;
  reason?: string;
  physicalId?: string;
}

export class StackEventPoller {
  private readonly seen = new Set<string>();

  constructor(
    private readonly cfn: CfnApi,
    private readonly stackName: string,
    private readonly since: Date,
  ) {}

  /** New events since the last poll, oldest first. Pages back until it reaches known or older events. */
  async poll(): Promise<StackActivity[]> {
    const fresh: StackEvent[] = [];
    let token: string | undefined;
    pages: do {
      const res = await this.cfn.describeStackEvents({ StackName: this.stackName, NextToken: token });
      for (const event of res.StackEvents ?? []) {
        const id = event.EventId ?? `${event.LogicalResourceId}-${event.ResourceStatus}-${event.Timestamp?.toISOString()}`;
        if (this.seen.has(id) || (event.Timestamp && event.Timestamp < this.since)) break pages;
        fresh.push(event);
        this.seen.add(id);
      }
      token = res.NextToken;
    } while (token);
    return fresh.reverse().map(toActivity);
  }
}

function toActivity(e: StackEvent): StackActivity {
  return {
    time: e.Timestamp ?? new Date(0),
    logicalId: e.LogicalResourceId ?? "",
    resourceType: e.ResourceType ?? "",
    status: e.ResourceStatus ?? "",
    reason: e.ResourceStatusReason,
    physicalId: e.PhysicalResourceId,
  };
}

/** The first resource that failed for a real reason (not the cascade of "cancelled" ones). */
export function rootCause(events: StackActivity[]): StackActivity | undefined {
  const failed = events.filter((e) => e.status.endsWith("_FAILED") && e.resourceType !== "AWS::CloudFormation::Stack");
  return (
    failed.find((e) => e.reason && !/cancelled|canceled/i.test(e.reason)) ??
    failed[0] ??
    events.find((e) => e.status.endsWith("_FAILED"))
  );
}
