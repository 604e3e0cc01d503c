import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CaptureError, concatDirection, readPackets, readTcpConnections } from "./index.js";
import { writePcap, writePcapng } from "./write.js";

const packet = fc.record({
  timestampNs: fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }).map((s) => s * 1_000_000_000n),
  data: fc.uint8Array({ maxLength: 60 }),
});

// An Ethernet + IPv4 + TCP frame.
function tcpFrame(
  src: [number, number],
  dst: [number, number],
  seq: number,
  flags: number,
  payload: Uint8Array,
): Uint8Array {
  const f = new Uint8Array(14 + 20 + 20 + payload.length);
  const v = new DataView(f.buffer);
  v.setUint16(12, 0x0800);
  f[14] = 0x45;
  v.setUint16(16, 40 + payload.length);
  f[23] = 6;
  f.set([127, 0, 0, src[0]], 26);
  f.set([127, 0, 0, dst[0]], 30);
  v.setUint16(34, src[1]);
  v.setUint16(36, dst[1]);
  v.setUint32(38, seq >>> 0);
  f[46] = 0x50;
  f[47] = flags;
  f.set(payload, 54);
  return f;
}

describe("capture readers", () => {
  it("read back what was written as pcap (µs and ns, both byte orders)", () => {
    fc.assert(
      fc.property(
        fc.array(packet, { maxLength: 8 }),
        fc.boolean(),
        fc.boolean(),
        (packets, nanos, little) => {
          const read = [...readPackets(writePcap(packets, { nanos, littleEndian: little }))];
          expect(read.map((p) => [p.timestampNs, [...p.data]])).toEqual(
            packets.map((p) => [p.timestampNs, [...p.data]]),
          );
        },
      ),
    );
  });

  it("read back what was written as pcapng with several interfaces", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(packet, fc.integer({ min: 0, max: 1 })), { maxLength: 8 }),
        fc.boolean(),
        (items, little) => {
          const interfaces = [
            { linkType: 1, tsresol: 6 },
            { linkType: 101, tsresol: 9 },
          ];
          const packets = items.map(([p, i]) => ({ ...p, interfaceId: i }));
          const read = [...readPackets(writePcapng(packets, interfaces, { littleEndian: little }))];
          expect(read.map((p) => [p.timestampNs, p.linkType, [...p.data]])).toEqual(
            packets.map((p) => [p.timestampNs, interfaces[p.interfaceId]!.linkType, [...p.data]]),
          );
        },
      ),
    );
  });

  it("give packets or a CaptureError for arbitrary and truncated input", () => {
    const valid = writePcap([{ timestampNs: 1n, data: new Uint8Array(30) }]);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 80 }),
          fc.nat(valid.length).map((n) => valid.subarray(0, n)),
        ),
        (b) => {
          try {
            for (const _ of readPackets(b)) {
              // consume
            }
          } catch (e) {
            expect(e).toBeInstanceOf(CaptureError);
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe("hostile pcapng", () => {
  it("rejects blocks too short for their type instead of reading past them", () => {
    const head = writePcapng([], [{ linkType: 1 }]);
    for (const type of [1, 3, 6]) {
      const block = new Uint8Array(12);
      const v = new DataView(block.buffer);
      v.setUint32(0, type, true);
      v.setUint32(4, 12, true);
      v.setUint32(8, 12, true);
      const file = new Uint8Array([...head, ...block]);
      expect(() => [...readPackets(file)]).toThrow(CaptureError);
    }
  });

  it("mutated pcapng files give packets or a CaptureError", () => {
    const valid = writePcapng([{ timestampNs: 5n, data: new Uint8Array(20) }], [{ linkType: 1 }]);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 255 }), (cut, at, flip) => {
        const b = valid.slice(0, 12 + (cut % (valid.length - 11)));
        b[at % b.length]! ^= flip;
        try {
          for (const _ of readPackets(b)) {
            // consume
          }
        } catch (e) {
          expect(e).toBeInstanceOf(CaptureError);
        }
      }),
      { numRuns: 5000 },
    );
  });
});

describe("TCP reassembly", () => {
  const client: [number, number] = [1, 40000];
  const server: [number, number] = [2, 47757];

  it("rebuilds a stream from shuffled, duplicated and overlapping segments", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        fc.integer(),
        (stream, cuts, isn) => {
          const points = [...new Set(cuts.map((c) => c % stream.length))].sort((a, b) => a - b);
          const segments: [number, number][] = [];
          let start = 0;
          for (const p of [...points, stream.length]) {
            if (p > start) segments.push([start, p]);
            start = p;
          }
          // Duplicates and overlaps: re-send some segments extended into the next.
          const sent = [
            ...segments,
            ...segments
              .filter((_, i) => i % 3 === 0)
              .map(([a, b]) => [a, Math.min(stream.length, b + 5)] as [number, number]),
          ];
          sent.sort((x, y) => ((x[0] * 7919 + y[1]) % 5) - 2);
          const frames = [tcpFrame(client, server, isn, 0x02, new Uint8Array())];
          for (const [a, b] of sent)
            frames.push(tcpFrame(client, server, isn + 1 + a, 0x18, stream.subarray(a, b)));
          const pcap = writePcap(frames.map((data, i) => ({ timestampNs: BigInt(i), data })));
          const [conn] = readTcpConnections(pcap);
          expect([...concatDirection(conn!, "orig")]).toEqual([...stream]);
          expect(conn!.chunks.every((c) => c.gapBefore === 0)).toBe(true);
        },
      ),
    );
  });

  it("reports a lost segment as a gap of exactly its size and keeps the rest", () => {
    const data = new Uint8Array(30).map((_, i) => i);
    const frames = [
      tcpFrame(client, server, 100, 0x02, new Uint8Array()),
      tcpFrame(client, server, 101, 0x18, data.subarray(0, 10)),
      tcpFrame(client, server, 121, 0x18, data.subarray(20, 30)),
      tcpFrame(client, server, 131, 0x11, new Uint8Array()),
    ];
    const [conn] = readTcpConnections(writePcap(frames.map((d, i) => ({ timestampNs: BigInt(i), data: d }))));
    expect(conn!.chunks.map((c) => [c.gapBefore, c.data.length])).toEqual([
      [0, 10],
      [10, 10],
    ]);
    expect(conn!.closed).toBe(true);
  });

  it("names the SYN sender orig, and starts mid-connection at the first byte seen", () => {
    const frames = [
      tcpFrame(server, client, 5000, 0x18, new Uint8Array([1, 2])),
      tcpFrame(client, server, 9, 0x18, new Uint8Array([3])),
    ];
    const [conn] = readTcpConnections(writePcap(frames.map((d, i) => ({ timestampNs: BigInt(i), data: d }))));
    expect(conn!.orig).toEqual({ ip: "127.0.0.2", port: 47757 });
    expect([...concatDirection(conn!, "resp")]).toEqual([3]);
  });
});
