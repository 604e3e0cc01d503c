// Reassembly and resynchronisation on real Broker 1.4 streams: each fixture
// connection is cut into random segments that are then duplicated, reordered,
// overlapped and dropped, written as a pcap and decoded again. Every message
// no drop touched must come out, in order, and every drop must be reported as
// a gap of its size. (After a gap the decoder resumes at the next message it
// can trust: a handshake, direct or routed message. Heartbeats, monitor and
// down messages before that one are passed over by design; see wire's
// BaspStreamDecoder.)
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  concatDirection,
  readTcpConnections,
  streamTcp,
  type TcpChunk,
  type TcpConnection,
  tcpFrame,
  writePcap,
} from "@brokerkit/capture";
import { Broker1ConnectionDecoder, decodeBroker1Connection, encodeBaspMessage } from "@brokerkit/wire";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConnectionDecoder } from "./decode.js";
import type { DecodedRecord } from "./record.js";

const dir = fileURLToPath(new URL("../../../fixtures/broker-1.4/", import.meta.url));
const captures = readdirSync(dir).filter((f) => f.endsWith(".pcap"));

type Dir = "orig" | "resp";
interface Seg {
  readonly dir: Dir;
  readonly from: number;
  readonly to: number;
  readonly dropped: boolean;
}
const TRUSTED = new Set([0, 2, 3]); // BASP operations resync may resume at

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

// Messages (bytes and where they lie) of one direction of the clean stream.
function messagesOf(conn: TcpConnection, d: Dir) {
  return decodeBroker1Connection(conn)
    .filter((m) => m.dir === d)
    .map((m) => {
      const bytes = encodeBaspMessage(m.message);
      return { from: m.offset, to: m.offset + bytes.length, op: m.message.header.operation, key: hex(bytes) };
    });
}

// The mutated capture: SYN handshake, then the segments in the given order, with the ACK
// each side would send (covering what the peer sent before, captured or not).
function capture(
  conn: TcpConnection,
  streams: Record<Dir, Uint8Array>,
  order: Seg[],
  extra: Seg[],
): Uint8Array {
  const isn = { orig: 1000, resp: 7000 };
  const ends = { orig: conn.orig, resp: conn.resp };
  const frame = (d: Dir, seq: number, ack: number, flags: number, payload: Uint8Array) => {
    const src = ends[d];
    const dst = ends[d === "orig" ? "resp" : "orig"];
    return tcpFrame({
      linkType: 1,
      src: src.ip,
      dst: dst.ip,
      srcPort: src.port,
      dstPort: dst.port,
      seq,
      ack,
      flags,
      payload,
    });
  };
  const frames = [
    frame("orig", isn.orig - 1, 0, 0x02, new Uint8Array()),
    frame("resp", isn.resp - 1, isn.orig, 0x12, new Uint8Array()),
  ];
  // What each side has received (so may acknowledge): a prefix of the peer's segments in stream order.
  const got = { orig: new Set<number>(), resp: new Set<number>() };
  const prefix = { orig: 0, resp: 0 };
  const reach = new Map<string, number>(); // segment start -> end, per direction
  for (const s of order) reach.set(`${s.dir}:${s.from}`, s.to);
  const ack = (d: Dir) => {
    for (;;) {
      const end = got[d].has(prefix[d]) ? reach.get(`${d}:${prefix[d]}`) : undefined;
      if (end === undefined) return prefix[d];
      prefix[d] = end;
    }
  };
  for (const s of [...order, ...extra]) {
    got[s.dir].add(s.from);
    if (s.dropped) continue;
    const peer: Dir = s.dir === "orig" ? "resp" : "orig";
    frames.push(
      frame(s.dir, isn[s.dir] + s.from, isn[peer] + ack(peer), 0x18, streams[s.dir].subarray(s.from, s.to)),
    );
  }
  return writePcap(frames.map((data, i) => ({ timestampNs: BigInt(i) * 1000n, data })));
}

function decodeMessages(file: Uint8Array) {
  const out = { orig: [] as string[], resp: [] as string[] };
  const records: DecodedRecord[] = [];
  const wire = new Broker1ConnectionDecoder();
  let cli: ConnectionDecoder | undefined;
  streamTcp([file], {
    onChunk(flow, chunk: TcpChunk) {
      cli ??= new ConnectionDecoder(flow);
      records.push(...cli.push(chunk));
      if (chunk.gapBefore > 0 || chunk.midStream) wire.resync(chunk.dir);
      for (const m of wire.push(chunk)) out[m.dir].push(hex(encodeBaspMessage(m.message)));
    },
  });
  if (cli) records.push(...cli.finish());
  return { out, records };
}

describe("reassembly of damaged real streams", () => {
  for (const name of captures) {
    const conn = readTcpConnections(readFileSync(`${dir}${name}`)).find((c) => c.chunks.length > 0)!;
    const streams = { orig: concatDirection(conn, "orig"), resp: concatDirection(conn, "resp") };
    const messages = { orig: messagesOf(conn, "orig"), resp: messagesOf(conn, "resp") };

    it(`${name}: untouched messages in order, each drop a gap of its size`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 200, maxLength: 200 }),
          fc.array(fc.nat(99), { minLength: 200, maxLength: 200 }),
          (sizes, dice) => {
            let k = 0;
            const roll = () => dice[k++ % dice.length]!;
            const segs: Seg[] = [];
            for (const d of ["orig", "resp"] as const) {
              let at = 0;
              let i = 0;
              while (at < streams[d].length) {
                const to = Math.min(streams[d].length, at + sizes[i++ % sizes.length]!);
                // Never the last segment: a loss at the very end has nothing after it to reveal it.
                segs.push({ dir: d, from: at, to, dropped: to < streams[d].length && roll() < 4 });
                at = to;
              }
            }
            // Capture order: directions interleaved by position, with neighbours swapped now and then.
            const order = [...segs].sort(
              (a, b) => a.from / streams[a.dir].length - b.from / streams[b.dir].length,
            );
            for (let i = 1; i < order.length; i++)
              if (roll() < 10) [order[i - 1], order[i]] = [order[i]!, order[i - 1]!];
            // Duplicates and overlaps (into the next segment, when that one was not dropped).
            const extra: Seg[] = [];
            for (let i = 0; i < segs.length; i++) {
              const s = segs[i]!;
              const next = segs[i + 1];
              if (s.dropped || roll() >= 8) continue;
              const to =
                next && next.dir === s.dir && !next.dropped ? Math.min(next.to, s.to + roll()) : s.to;
              extra.push({ ...s, to });
            }
            const file = capture(conn, streams, order, extra);
            const { out, records } = decodeMessages(file);

            for (const d of ["orig", "resp"] as const) {
              const drops = segs.filter((s) => s.dir === d && s.dropped);
              const touched = (m: { from: number; to: number }) =>
                drops.some((s) => s.from < m.to && m.from < s.to);
              const expected: string[] = [];
              let resyncing = false;
              for (const m of messages[d]) {
                if (touched(m)) {
                  resyncing = true;
                  continue;
                }
                if (resyncing && !TRUSTED.has(m.op)) continue;
                resyncing = false;
                expected.push(m.key);
              }
              expect(out[d]).toEqual(expected);

              const gaps: number[] = [];
              for (const s of segs.filter((x) => x.dir === d)) {
                if (!s.dropped) continue;
                const prev = segs.find((x) => x.dir === d && x.to === s.from);
                if (prev?.dropped) gaps[gaps.length - 1]! += s.to - s.from;
                else gaps.push(s.to - s.from);
              }
              expect(records.filter((r) => r.dir === d && r.kind === "gap").map((r) => r.size)).toEqual(gaps);
            }
          },
        ),
        { numRuns: 25 },
      );
    });
  }
});
