import { constants, createDeflate, inflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkDeflater, ChunkInflater, MIN_COMPRESS_SIZE } from "./compression.js";

/** What Bro's CompressedChunkedIO sends: one zlib stream, a sync flush per chunk, a little-endian length trailer. */
async function broCompress(chunks: Uint8Array[], level: number): Promise<Uint8Array[]> {
  const z = createDeflate({ level });
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (c.length < MIN_COMPRESS_SIZE) {
      out.push(Uint8Array.of(...c, 0, 0, 0, 0));
      continue;
    }
    const parts: Buffer[] = [];
    const onData = (d: Buffer) => parts.push(d);
    z.on("data", onData);
    z.write(c);
    await new Promise<void>((resolve) => z.flush(constants.Z_SYNC_FLUSH, () => resolve()));
    z.off("data", onData);
    const body = Buffer.concat(parts);
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32LE(c.length);
    out.push(new Uint8Array(Buffer.concat([body, trailer])));
  }
  z.close();
  return out;
}

const chunks = fc.array(
  fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 40 }),
    fc.uint8Array({ minLength: 30, maxLength: 3000 }).map((b) => b.map((x) => x & 7)),
  ),
  { minLength: 1, maxLength: 8 },
);

describe("compressed chunks", () => {
  it("inflates what zlib deflated as Bro does (one stream, sync flush per chunk)", async () => {
    await fc.assert(
      fc.asyncProperty(chunks, fc.integer({ min: 1, max: 9 }), async (plain, level) => {
        const inflater = new ChunkInflater();
        const wire = await broCompress(plain, level);
        expect(wire.map((c) => [...inflater.inflate(c)])).toEqual(plain.map((c) => [...c]));
      }),
      { numRuns: 60 },
    );
  });

  it("round-trips through its own deflater, which any zlib reads", () => {
    fc.assert(
      fc.property(chunks, (plain) => {
        const deflater = new ChunkDeflater();
        const inflater = new ChunkInflater();
        const wire = plain.map((c) => deflater.deflate(c));
        expect(wire.map((c) => [...inflater.inflate(c)])).toEqual(plain.map((c) => [...c]));
        // zlib itself reads the stream made of the compressed chunks.
        const stream = Buffer.concat(
          wire.filter((_, i) => plain[i]!.length >= MIN_COMPRESS_SIZE).map((c) => c.subarray(0, -4)),
        );
        const big = plain.filter((c) => c.length >= MIN_COMPRESS_SIZE);
        if (big.length)
          expect([...inflateSync(stream, { finishFlush: constants.Z_SYNC_FLUSH })]).toEqual(
            big.flatMap((c) => [...c]),
          );
      }),
    );
  });

  it("rejects a corrupt stream with a DecodeError", () => {
    const inflater = new ChunkInflater();
    const bad = Uint8Array.of(0x78, 0x9c, 0xff, 0xff, 0xff, 0, 0, 0xff, 0xff, 40, 0, 0, 0);
    expect(() => inflater.inflate(bad)).toThrow(/./);
    expect(() => new ChunkInflater().inflate(Uint8Array.of(1, 2))).toThrow(/trailer/);
  });
});
