/**
 * Bounds a decoder enforces so that hostile input cannot exhaust memory or
 * the stack. Broker itself has none; these defaults are generous for real
 * traffic (Zeek log batches, large tables) and small enough to be safe.
 */
export interface DecodeLimits {
  /** Deepest container nesting (a top-level scalar has depth 0). */
  readonly maxDepth: number;
  /** Most elements in one set or vector, or entries in one table. */
  readonly maxContainerLength: number;
  /** Longest string or enum name in bytes. */
  readonly maxStringBytes: number;
  /** Most values (scalars and containers) one decode call may produce. */
  readonly maxValues: number;
  /** Largest frame/message body a stream decoder accepts, in bytes. */
  readonly maxMessageBytes: number;
}

export const DEFAULT_LIMITS: DecodeLimits = Object.freeze({
  maxDepth: 64,
  maxContainerLength: 1 << 24,
  maxStringBytes: 1 << 26,
  maxValues: 1 << 24,
  maxMessageBytes: 1 << 26,
});

export function resolveLimits(partial?: Partial<DecodeLimits>): DecodeLimits {
  return partial ? { ...DEFAULT_LIMITS, ...partial } : DEFAULT_LIMITS;
}
