/** When a crashed server is restarted: up to `max` crashes within `windowMs`, then it stays down. */
export class CrashPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly max = 5,
    private readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Record a crash; true when the server should be restarted. */
  crashed(): { restart: boolean; count: number } {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    return { restart: this.crashes.length <= this.max, count: this.crashes.length };
  }

  reset(): void {
    this.crashes = [];
  }
}
