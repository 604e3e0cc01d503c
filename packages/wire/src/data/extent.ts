import type { DecodeLimits } from "../limits.js";

// Where a value ends, found incrementally: a stream decoder feeds it whatever
// bytes have arrived and it walks tag by tag, remembering (in a stack of
// element counts) how far it got, so bytes that arrive one at a time are each
// looked at O(1) times. It does not build or check values — readData does that
// once the extent is known — it only has to be right about sizes. Whenever it
// meets something readData would reject (unknown tag, bad varbyte, a limit),
// it says "check": reading what is there then yields the error.

const FIXED_BODY = [0, 1, 8, 8, 8, -1, 16, 17, 3, 8, 8, -1, -1, -1, -1]; // -1: length-prefixed

export type ExtentStep =
  | { readonly kind: "complete"; readonly end: number } // the value spans [start, end)
  | { readonly kind: "more" } // wait for more bytes
  | { readonly kind: "check" }; // let readData look now

const MORE: ExtentStep = Object.freeze({ kind: "more" });
const CHECK: ExtentStep = Object.freeze({ kind: "check" });

export class ValueExtent {
  private pos = 0; // scanning has reached here (a value boundary inside the current value)
  private readonly remaining: number[] = []; // values still due in each open container
  private values = 0;
  // readData checks that a container's elements could fit (one byte each, two per
  // table entry) when it opens it, so it cannot get further before this position.
  private mustHave = 0;

  constructor(private readonly limits: DecodeLimits) {}

  /** Start on a new value at `start`. */
  reset(start: number): void {
    this.pos = start;
    this.remaining.length = 0;
    this.values = 0;
    this.mustHave = start;
  }

  /** The buffer's bytes moved `by` positions towards its start. */
  shift(by: number): void {
    this.pos -= by;
    this.mustHave -= by;
  }

  private check(end: number): ExtentStep {
    return end < this.mustHave ? MORE : CHECK;
  }

  /** Continue over `bytes[0, end)` (the same buffer positions as before, with more after). */
  scan(bytes: Uint8Array, end: number): ExtentStep {
    const stack = this.remaining;
    const limits = this.limits;
    for (;;) {
      if (this.values >= limits.maxValues) return this.check(end);
      let p = this.pos;
      if (p >= end) return MORE;
      const tag = bytes[p++]!;
      const fixed = FIXED_BODY[tag];
      if (fixed === undefined) return this.check(end);
      let children = 0;
      if (fixed >= 0) {
        if (end - p < fixed) return MORE;
        if (tag === 8 && bytes[p + 2]! > 3) return this.check(end); // port protocol: report it now
        p += fixed;
      } else {
        const isString = tag === 5 || tag === 11;
        if (!isString && stack.length >= limits.maxDepth) return this.check(end);
        // The varbyte, as Reader.varbyte reads it.
        let n = 0;
        let i = 0;
        for (; ; i++) {
          if (i === 5) return this.check(end);
          if (p >= end) return MORE;
          const b = bytes[p++]!;
          if (i === 4 && b > 0x0f) return this.check(end);
          n += (b & 0x7f) * 2 ** (7 * i);
          if ((b & 0x80) === 0) break;
        }
        if (isString) {
          if (n > limits.maxStringBytes) return this.check(end);
          if (end - p < n) return MORE;
          p += n;
        } else {
          if (n > limits.maxContainerLength) return this.check(end);
          children = tag === 13 ? 2 * n : n;
          if (p + children > this.mustHave) this.mustHave = p + children;
        }
      }
      // The step is whole: commit it.
      this.pos = p;
      this.values++;
      if (children > 0) {
        stack.push(children);
        continue;
      }
      // A finished value completes every container it was the last element of.
      for (;;) {
        const top = stack.length - 1;
        if (top < 0) return { kind: "complete", end: p };
        if (--stack[top]! > 0) break;
        stack.pop();
      }
    }
  }
}
