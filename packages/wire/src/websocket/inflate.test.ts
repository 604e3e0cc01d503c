import { constants, createDeflateRaw, deflateRawSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { RawInflater } from "./inflate.js";

// What a permessage-deflate sender puts in a frame: the message's DEFLATE data up
// to a sync flush, without the final 00 00 FF FF (RFC 7692 §7.2.1).
function deflateMessages(
  messages: Uint8Array[],
  contextTakeover: boolean,
  level: number,
): Promise<Uint8Array[]> {
  if (!contextTakeover) {
    return Promise.resolve(
      messages.map((m) => deflateRawSync(m, { level, finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4)),
    );
  }
  return new Promise((resolve) => {
    const z = createDeflateRaw({ level });
    const out: Uint8Array[] = [];
    let i = 0;
    const next = () => {
      if (i === messages.length) return resolve(out);
      const chunks: Buffer[] = [];
      const onData = (c: Buffer) => chunks.push(c);
      z.on("data", onData);
      z.write(messages[i++]!);
      z.flush(constants.Z_SYNC_FLUSH, () => {
        z.off("data", onData);
        out.push(Buffer.concat(chunks).subarray(0, -4));
        next();
      });
    };
    next();
  });
}

const text = fc
  .array(
    fc.oneof(fc.constantFrom("zeek", "broker", '{"@data-type":"count","data":', "42}", " "), fc.string()),
    { maxLength: 40 },
  )
  .map((xs) => new TextEncoder().encode(xs.join("")));
const bytes = fc.uint8Array({ maxLength: 2000 });

describe("RawInflater", () => {
  it("inflates what zlib deflates, message by message, with and without context takeover", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(text, bytes), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 9 }),
        async (messages, takeover, level) => {
          const frames = await deflateMessages(messages, takeover, level);
          const inflater = new RawInflater(takeover);
          for (const [i, f] of frames.entries())
            expect(Buffer.from(inflater.inflateMessage(f)).equals(Buffer.from(messages[i]!))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("gives data or a DecodeError for arbitrary input, and bounds the output", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 60 }), (b) => {
        try {
          new RawInflater(true, 1 << 16).inflateMessage(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 5000 },
    );
    const bomb = deflateRawSync(new Uint8Array(1 << 20), { finishFlush: constants.Z_SYNC_FLUSH }).subarray(
      0,
      -4,
    );
    expect(() => new RawInflater(true, 1 << 16).inflateMessage(bomb)).toThrow(/limit/);
  });
});
