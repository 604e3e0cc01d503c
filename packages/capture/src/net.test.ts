import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fragmentIpv4, ipPacket, linkFrame, tcpFrame } from "./frame.js";
import { Ipv4Fragments, tcpSegment } from "./net.js";
import { readPackets } from "./packets.js";
import { writePcap, writePcapng } from "./write.js";

const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((b) => b.join("."));
const v6 = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 })
  .map((ws) => ws.map((w) => w.toString(16)).join(":"));
const endpoints = fc.oneof(fc.tuple(v4, v4), fc.tuple(v6, v6));

const segment = fc.record({
  ends: endpoints,
  srcPort: fc.integer({ min: 0, max: 65535 }),
  dstPort: fc.integer({ min: 0, max: 65535 }),
  seq: fc.nat({ max: 0xffffffff }),
  ack: fc.nat({ max: 0xffffffff }),
  flags: fc.nat(255),
  payload: fc.uint8Array({ maxLength: 100 }),
});
const link = fc.record({
  linkType: fc.constantFrom(1, 0, 108, 113, 276, 101, 228, 229, 12, 14),
  vlans: fc.array(fc.nat(4095), { maxLength: 2 }),
});

// Text of an address as the reader gives it (IPv6 compressed by the data model).
const canonical = (s: string) => {
  const seg = tcpSegment(
    101,
    ipPacket({ src: s, dst: s, srcPort: 0, dstPort: 0, seq: 0, flags: 0, payload: new Uint8Array() }),
  );
  return seg!.src;
};

describe("link layers and IP", () => {
  it("every link type, IPv4 and IPv6, VLAN tags: segments written as pcap and pcapng read back identically", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(segment, link), { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (items, little) => {
          const frames = items.map(([s, l]) => ({
            linkType: l.linkType,
            data: tcpFrame({
              ...s,
              src: s.ends[0],
              dst: s.ends[1],
              linkType: l.linkType,
              vlans: l.linkType === 1 ? l.vlans : [],
            }),
          }));
          const want = items.map(([s]) => ({
            src: canonical(s.ends[0]),
            dst: canonical(s.ends[1]),
            srcPort: s.srcPort,
            dstPort: s.dstPort,
            seq: s.seq,
            ack: s.ack,
            flags: s.flags,
            payload: [...s.payload],
          }));
          const interfaces = [...new Set(frames.map((f) => f.linkType))].map((linkType) => ({ linkType }));
          const files = [
            writePcapng(
              frames.map((f, i) => ({
                timestampNs: BigInt(i) * 1000n,
                data: f.data,
                interfaceId: interfaces.findIndex((x) => x.linkType === f.linkType),
              })),
              interfaces,
              { littleEndian: little },
            ),
          ];
          // Classic pcap has one link type per file.
          if (interfaces.length === 1)
            files.push(
              writePcap(
                frames.map((f) => ({ timestampNs: 0n, data: f.data })),
                { linkType: frames[0]!.linkType, littleEndian: little },
              ),
            );
          for (const file of files) {
            const got = [...readPackets(file)].map((p) => {
              const s = tcpSegment(p.linkType, p.data)!;
              return { ...s, payload: [...s.payload] };
            });
            expect(got).toEqual(want);
          }
        },
      ),
    );
  });

  it("reassembles IPv4 fragments in any order and overlap into the segment sent", () => {
    fc.assert(
      fc.property(
        segment.filter((s) => !s.ends[0].includes(":")),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.nat(0xffff),
        (s, eighths, order, id) => {
          const whole = ipPacket({ ...s, src: s.ends[0], dst: s.ends[1], ipId: id });
          const parts = fragmentIpv4(whole, eighths * 8);
          // Shuffle, and send one fragment twice.
          const sent = [...parts, parts[order.length % parts.length]!];
          for (let i = 0; i < order.length; i++) {
            const j = order[i]! % sent.length;
            [sent[0], sent[j]] = [sent[j]!, sent[0]!];
          }
          const store = new Ipv4Fragments();
          const got = sent.map((f) => tcpSegment(101, f, store)).filter((x) => x !== undefined);
          expect(got.length).toBeGreaterThanOrEqual(1);
          const first = got[0]!;
          expect({ ...first, payload: [...first.payload] }).toEqual({
            ...tcpSegment(101, whole)!,
            payload: [...s.payload],
          });
          if (parts.length > 1) expect(tcpSegment(101, parts[0]!)).toBeUndefined(); // without a store: skipped
        },
      ),
    );
  });

  it("holds a bounded number of incomplete datagrams", () => {
    const store = new Ipv4Fragments({ maxDatagrams: 3 });
    for (let id = 0; id < 10; id++) {
      const whole = ipPacket({
        src: "10.0.0.1",
        dst: "10.0.0.2",
        srcPort: 1,
        dstPort: 2,
        seq: 0,
        flags: 0,
        payload: new Uint8Array(40),
        ipId: id,
      });
      expect(tcpSegment(101, linkFrame(101, fragmentIpv4(whole, 16)[0]!), store)).toBeUndefined();
    }
    expect(store.pending).toBe(3);
  });
});
