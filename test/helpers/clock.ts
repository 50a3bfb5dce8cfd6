import type { Clock } from '../../src/core/clock';

/** A clock that stands still until a test moves it; wall and monotonic time move together. */
export class ManualClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly startMs = Date.parse('2026-01-01T00:00:00Z')) {}

  now(): number {
    return this.startMs + this.offsetMs;
  }

  monotonic(): number {
    return this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}
