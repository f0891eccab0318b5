/**
 * A token bucket per client address: each client may make `burst` requests
 * at once and `perSecond` a second after that. Buckets live in memory, at
 * most MAX_CLIENTS of them (the least recently seen are dropped first: a
 * dropped client starts again with a full bucket, which is the safe way to
 * be wrong).
 */

/** Clients tracked at once. */
export const MAX_CLIENTS = 10_000;

export interface RateLimitOptions {
  /** Requests a second each client may keep up; 0 turns the limit off. */
  perSecond: number;
  /** Requests a client may make at once (default: twice `perSecond`, at least 1). */
  burst?: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(private readonly opts: RateLimitOptions, private readonly now: () => number = () => performance.now()) {
    this.burst = Math.max(1, opts.burst ?? Math.ceil(opts.perSecond * 2));
  }

  get enabled(): boolean {
    return this.opts.perSecond > 0;
  }

  /** Takes one request from `client`'s bucket: 0 when allowed, else the seconds to wait. */
  take(client: string): number {
    if (!this.enabled) return 0;
    const t = this.now();
    let b = this.buckets.get(client);
    if (b) {
      this.buckets.delete(client);
      b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.opts.perSecond);
      b.at = t;
    } else {
      b = { tokens: this.burst, at: t };
      if (this.buckets.size >= MAX_CLIENTS) this.buckets.delete(this.buckets.keys().next().value!);
    }
    // Re-inserted: the Map's order is the order clients were last seen.
    this.buckets.set(client, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.opts.perSecond));
  }
}
