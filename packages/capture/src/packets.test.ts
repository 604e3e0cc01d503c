import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaptureError } from "./errors.js";
import { type Packet, PacketReader, readPackets } from "./packets.js";
import { unitsPerSecond, writePcap, writePcapng } from "./write.js";

// Some packets were longer on the wire than captured (a snap length cut them).
const packet = fc
  .record({
    timestampNs: fc.bigInt({ min: 0n, max: 2n ** 32n * 1_000_000_000n - 1n }),
    data: fc.uint8Array({ maxLength: 200 }),
    cut: fc.oneof(fc.constant(0), fc.nat(1500)),
  })
  .map(({ cut, ...p }) => ({ ...p, originalLength: p.data.length + cut }));

const shape = (ps: Iterable<Packet>) =>
  [...ps].map((p) => ({
    ts: p.timestampNs,
    link: p.linkType,
    iface: p.interfaceId,
    orig: p.originalLength,
    data: [...p.data],
  }));

// A file fed to the push reader in random pieces.
function pushInPieces(file: Uint8Array, cuts: number[]): Packet[] {
  const points = [...new Set(cuts.map((c) => c % (file.length + 1)))].sort((a, b) => a - b);
  const r = new PacketReader();
  const out: Packet[] = [];
  let from = 0;
  for (const p of [...points, file.length]) {
    out.push(...r.push(file.slice(from, p)));
    from = p;
  }
  r.end();
  return out;
}

describe("pcap", () => {
  it("reads back what was written (µs and ns, both byte orders), whole or in pieces", () => {
    fc.assert(
      fc.property(
        fc.array(packet, { maxLength: 10 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom(1, 0, 108, 113, 276, 101, 228, 229),
        fc.array(fc.nat(), { maxLength: 8 }),
        (packets, nanos, little, linkType, cuts) => {
          const file = writePcap(packets, { nanos, littleEndian: little, linkType });
          const unit = nanos ? 1n : 1000n;
          const want = packets.map((p) => ({
            ts: (p.timestampNs / unit) * unit,
            link: linkType,
            iface: 0,
            orig: p.originalLength,
            data: [...p.data],
          }));
          expect(shape(readPackets(file))).toEqual(want);
          expect(shape(pushInPieces(file, cuts))).toEqual(want);
        },
      ),
    );
  });
});

describe("pcapng", () => {
  const iface = fc.record({
    linkType: fc.constantFrom(1, 0, 108, 113, 276, 101, 228, 229),
    tsresol: fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0x80, max: 0x80 + 30 })),
  });

  it("reads back several interfaces, each with its link type and timestamp resolution, whole or in pieces", () => {
    fc.assert(
      fc.property(
        fc.array(iface, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(packet, fc.nat()), { maxLength: 10 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 8 }),
        (interfaces, items, little, cuts) => {
          const packets = items.map(([p, i]) => ({ ...p, interfaceId: i % interfaces.length }));
          const file = writePcapng(packets, interfaces, { littleEndian: little });
          const want = packets.map((p) => {
            const i = interfaces[p.interfaceId]!;
            const ups = unitsPerSecond(i.tsresol);
            const units = (p.timestampNs * ups) / 1_000_000_000n;
            return {
              ts: (units * 1_000_000_000n) / ups,
              link: i.linkType,
              iface: p.interfaceId,
              orig: p.originalLength,
              data: [...p.data],
            };
          });
          expect(shape(readPackets(file))).toEqual(want);
          expect(shape(pushInPieces(file, cuts))).toEqual(want);
        },
      ),
    );
  });

  it("reads sections of both byte orders one after the other", () => {
    const a = writePcapng([{ timestampNs: 1_000n, data: new Uint8Array([1]) }], [{ linkType: 1 }]);
    const b = writePcapng([{ timestampNs: 2_000n, data: new Uint8Array([2]) }], [{ linkType: 101 }], {
      littleEndian: false,
    });
    const read = [...readPackets(new Uint8Array([...a, ...b]))];
    expect(read.map((p) => [p.linkType, p.data[0]])).toEqual([
      [1, 1],
      [101, 2],
    ]);
  });
});

describe("damaged files", () => {
  it("give every complete packet, then a CaptureError at the offset where the file stops", () => {
    fc.assert(
      fc.property(
        fc.array(packet, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.boolean(),
        (packets, cut, ng) => {
          const file = ng ? writePcapng(packets, [{ linkType: 1 }]) : writePcap(packets);
          const headerEnd = ng ? 28 + 32 : 24; // section header and interface blocks, or the pcap header
          const end = (p: Packet) =>
            p.fileOffset + (ng ? 32 + ((p.data.length + 3) & ~3) : 16 + p.data.length);
          const whole = [...readPackets(file)];
          const boundaries = [...(ng ? [28] : []), headerEnd, ...whole.map(end)];
          const n = cut % file.length;
          const r = new PacketReader();
          let got: Packet[] = [];
          let error: unknown;
          try {
            got = r.push(file.subarray(0, n));
            r.end();
          } catch (e) {
            error = e;
          }
          expect(got.map((p) => p.frame)).toEqual(whole.filter((p) => end(p) <= n).map((p) => p.frame));
          if (boundaries.includes(n)) expect(error).toBeUndefined();
          else {
            expect(error).toBeInstanceOf(CaptureError);
            if (n > headerEnd)
              expect((error as CaptureError).offset).toBe(Math.max(...boundaries.filter((b) => b <= n)));
          }
        },
      ),
    );
  });
});
