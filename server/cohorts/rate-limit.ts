// A token bucket per key (client address or session): `capacity` requests at once, refilled at
// `refillPerSecond`. Pure apart from the injected clock; old buckets are evicted past `maxKeys`.

export interface TokenBucketOptions {
  capacity: number
  refillPerSecond: number
  /** @default 10_000 */
  maxKeys?: number
  now?: () => number
}

export interface TakeResult {
  ok: boolean
  /** When refused: how long until one token is back. */
  retryAfterMs: number
  remaining: number
}

export interface RateLimiter {
  take(key: string, cost?: number): TakeResult
  readonly size: number
}

export function createTokenBucket(options: TokenBucketOptions): RateLimiter {
  const now = options.now ?? Date.now
  const maxKeys = options.maxKeys ?? 10_000
  const buckets = new Map<string, { tokens: number; at: number }>()
  return {
    get size() {
      return buckets.size
    },
    take(key, cost = 1) {
      const t = now()
      let bucket = buckets.get(key)
      if (bucket) {
        buckets.delete(key) // re-insert below: Map order is then least recently used first
        bucket.tokens = Math.min(options.capacity, bucket.tokens + ((t - bucket.at) / 1000) * options.refillPerSecond)
        bucket.at = t
      } else {
        bucket = { tokens: options.capacity, at: t }
        if (buckets.size >= maxKeys) {
          const oldest = buckets.keys().next().value
          if (oldest !== undefined) {
            buckets.delete(oldest)
          }
        }
      }
      buckets.set(key, bucket)
      if (bucket.tokens >= cost) {
        bucket.tokens -= cost
        return { ok: true, retryAfterMs: 0, remaining: Math.floor(bucket.tokens) }
      }
      const retryAfterMs = Math.ceil(((cost - bucket.tokens) / options.refillPerSecond) * 1000)
      return { ok: false, retryAfterMs, remaining: 0 }
    },
  }
}
