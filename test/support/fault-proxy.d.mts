// Types of test/support/fault-proxy.mjs.
export type FaultKind = "throttle" | "5xx" | "4xx" | "html502" | "reset-before" | "reset-after" | "delay" | "hold";

export interface FaultRule {
  kind: FaultKind;
  /** The API action (e.g. "StartBuild") or a pattern; every action when absent. */
  action?: string | RegExp;
  /** Let this many matching requests through first. */
  skip?: number;
  /** Hit at most this many matching requests (default: all). */
  times?: number;
  /** Probability of hitting a matching request (default 1). */
  rate?: number;
  /** For "delay": how long. */
  ms?: number;
  /** Matching requests seen, and those hit (set by the proxy). */
  seen?: number;
  hits?: number;
}

export interface RecordedRequest {
  action: string;
  body: string;
  fault: FaultKind | null;
  at: number;
}

export interface StackHold {
  ms: number;
  /** Not started yet: waiting for ExecuteChangeSet or DeleteStack. */
  armed: boolean;
  /** Date.now() when the operation started, and when the stack shows as settled. */
  startedAt?: number;
  releasedAt?: number;
}

export interface FaultProxy {
  endpoint: string;
  readonly requests: RecordedRequest[];
  readonly rules: FaultRule[];
  add(rule: FaultRule): FaultRule;
  of(action: string): RecordedRequest[];
  count(action: string): number;
  /** Holds the stack of the next ExecuteChangeSet/DeleteStack *_IN_PROGRESS for `ms` after it. */
  holdStack(ms: number): StackHold;
  clear(): void;
  /** Awaited before each request is handled (e.g. to send Ctrl-C while a call is in flight). */
  onRequest?: (action: string, body: string) => Promise<void> | void;
  close(): Promise<void>;
}

export declare function faultProxy(target: string, options?: { random?: () => number }): Promise<FaultProxy>;
