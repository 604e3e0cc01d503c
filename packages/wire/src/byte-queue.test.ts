import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ByteQueue } from "./byte-queue.js";

describe("ByteQueue", () => {
  it("holds exactly the bytes appended and not yet consumed, at their stream offsets", () => {
    const op = fc.oneof(
      fc.record({ append: fc.uint8Array({ maxLength: 700 }) }),
      fc.record({ consume: fc.nat() }),
      fc.constant({ clear: true as const }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const q = new ByteQueue();
        let model: number[] = [];
        let offset = 0; // stream offset of model[0]
        for (const o of ops) {
          if ("append" in o) {
            q.append(o.append);
            model.push(...o.append);
          } else if ("consume" in o) {
            const n = o.consume % (model.length + 1);
            q.consumeTo(q.start + n);
            model = model.slice(n);
            offset += n;
          } else {
            q.clear();
            offset += model.length;
            model = [];
          }
          expect([...q.pending()]).toEqual(model);
          expect(q.length).toBe(model.length);
          expect(q.offsetOf(q.start)).toBe(offset);
        }
      }),
    );
  });

  it("grows geometrically: a long message in small pieces is copied into O(log n) buffers", () => {
    const q = new ByteQueue();
    const buffers = new Set<Uint8Array>();
    const piece = new Uint8Array(1448).fill(7);
    for (let i = 0; i < 3000; i++) {
      q.append(piece);
      buffers.add(q.bytes);
    }
    expect(q.length).toBe(3000 * 1448);
    expect(buffers.size).toBeLessThanOrEqual(Math.ceil(Math.log2(3000 * 1448)));
    expect(q.bytes.length).toBeLessThanOrEqual(4 * q.length);
  });

  it("reports how far pending bytes moved, so held indices stay right", () => {
    const q = new ByteQueue();
    q.append(new Uint8Array(200).map((_, i) => i));
    q.consumeTo(150); // 50 left: bytes 150..199
    const moved = q.append(new Uint8Array(100));
    expect(moved).toBe(150);
    expect(q.bytes[160 - moved]).toBe(160);
  });
});
