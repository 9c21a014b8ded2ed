// How often the follows poll, as pure values, so their latency and call rate can be tested.
//
// The status (DescribeStacks) is what says a stack is done, so it is read on every tick, and the tick
// never waits more than STACK_TICK_MAX_MS: completion is noticed within that, about a second on average.
// The events (DescribeStackEvents) only feed the printer: while they flow they are read on every tick
// (every second); after STACK_QUIET_MS without a new one, at most every STACK_QUIET_EVENTS_MS. So a
// long, quiet stretch costs 30 status reads and 10 event reads a minute (the old follow: 12 + 12, at
// the price of noticing completion up to 5 s late); a busy one 60 + 60, as before.

/** The tick right after events arrived. */
export const STACK_TICK_MIN_MS = 1000;
/** The longest tick: the bound on how late a settled stack is noticed (plus one round trip). */
export const STACK_TICK_MAX_MS = 2000;
/** No new event for this long: the stack is quiet, and its events are read less often. */
export const STACK_QUIET_MS = 3000;
/** While quiet, events are read when this long has passed since the last read (on the next tick). */
export const STACK_QUIET_EVENTS_MS = 5000;
/** Change sets take seconds: first look after half a second, then back off to the cap. */
export const CHANGE_SET_FIRST_MS = 500;
export const CHANGE_SET_MAX_TICK_MS = 1000;

/** The next wait of a backoff that grows by half up to `max`. */
export function backoff(delay: number, max: number): number {
  return Math.min(Math.round(delay * 1.5), max);
}

/**
 * The stack follow's schedule. Time is counted in the ticks it asked for (not the wall clock), so a
 * test with an instant sleep sees the same sequence as a real run.
 */
export class StackPollSchedule {
  private delay = STACK_TICK_MIN_MS;
  private elapsed = 0;
  private lastEvent = 0;
  private lastEventsRead = -Infinity;

  /** Whether this tick reads the events: always while they flow, sparsely once the stack is quiet. */
  readEventsNow(): boolean {
    const quiet = this.elapsed - this.lastEvent >= STACK_QUIET_MS;
    return !quiet || this.elapsed - this.lastEventsRead >= STACK_QUIET_EVENTS_MS;
  }

  /** Records this tick's event read (how many new events it found). */
  eventsRead(fresh: number): void {
    this.lastEventsRead = this.elapsed;
    if (fresh > 0) this.lastEvent = this.elapsed;
  }

  /** The wait before the next tick: back to the minimum after news, growing by half to the cap otherwise. */
  next(fresh: number): number {
    const wait = this.delay;
    this.elapsed += wait;
    this.delay = fresh > 0 ? STACK_TICK_MIN_MS : backoff(this.delay, STACK_TICK_MAX_MS);
    return wait;
  }
}
