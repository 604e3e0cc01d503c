import { describe, expect, it } from "vitest";
import { tcpFrame } from "./frame.js";
import { streamTcp } from "./index.js";
import { TCP_ACK, TCP_SYN } from "./net.js";
import type { TcpChunk, TcpFlow } from "./tcp.js";
import { writePcap } from "./write.js";

const A = { ip: "10.0.0.1", port: 40000 };
const B = { ip: "10.0.0.2", port: 9999 };
const seg = (
  from: typeof A,
  to: typeof A,
  seq: number,
  ack: number,
  flags: number,
  payload = new Uint8Array(),
) =>
  tcpFrame({
    linkType: 1,
    src: from.ip,
    dst: to.ip,
    srcPort: from.port,
    dstPort: to.port,
    seq,
    ack,
    flags,
    payload,
  });

function stream(frames: Uint8Array[]) {
  const events: string[] = [];
  const chunks: TcpChunk[] = [];
  const file = writePcap(frames.map((data, i) => ({ timestampNs: BigInt(i), data })));
  streamTcp([file], {
    onChunk(_: TcpFlow, c) {
      chunks.push(c);
      events.push(`chunk ${c.dir} ${c.data.length} gap ${c.gapBefore}${c.midStream ? " mid" : ""}`);
    },
    onEnd: (f, closed) => events.push(`end ${f.id} ${closed}`),
  });
  return { events, chunks };
}

describe("streaming reassembly", () => {
  it("reports a segment lost from the capture as soon as the peer acknowledges past it", () => {
    const bytes = (n: number) => new Uint8Array(n).fill(7);
    const { events } = stream([
      seg(A, B, 1000, 0, TCP_SYN),
      seg(B, A, 5000, 1001, TCP_SYN | TCP_ACK),
      seg(A, B, 1001, 5001, TCP_ACK, bytes(10)),
      // 1011..1020 is never captured
      seg(A, B, 1021, 5001, TCP_ACK, bytes(10)),
      seg(B, A, 5001, 1031, TCP_ACK), // the peer got it all
      seg(B, A, 5001, 1031, TCP_ACK, bytes(3)),
    ]);
    expect(events).toEqual([
      "chunk orig 10 gap 0",
      "chunk orig 10 gap 10",
      "chunk resp 3 gap 0",
      "end 0 false",
    ]);
  });

  it("counts packets a snap length cut short, whose lost bytes become a gap", () => {
    const frames = [
      seg(A, B, 1000, 0, TCP_SYN),
      seg(B, A, 5000, 1001, TCP_SYN | TCP_ACK),
      seg(A, B, 1001, 5001, TCP_ACK, new Uint8Array(100).fill(1)),
      seg(A, B, 1101, 5001, TCP_ACK, new Uint8Array(10).fill(2)),
      seg(B, A, 5001, 1111, TCP_ACK),
    ];
    // The first data packet kept only 40 of its 100 payload bytes.
    const cut = frames[2]!.length - 60;
    const file = writePcap(
      frames.map((data, i) => ({
        timestampNs: BigInt(i),
        data: i === 2 ? data.subarray(0, cut) : data,
        originalLength: data.length,
      })),
    );
    const gaps: number[] = [];
    const result = streamTcp([file], { onChunk: (_, c) => gaps.push(c.gapBefore) });
    expect(result.cutPackets).toBe(1);
    expect(gaps).toEqual([0, 60]);
  });

  it("marks directions the capture joined midway, and follows sequence numbers across 2^32", () => {
    const isn = 0xfffffff0;
    const { events, chunks } = stream([
      seg(A, B, isn, 0, TCP_ACK, new Uint8Array(32).fill(1)),
      seg(A, B, isn + 32, 0, TCP_ACK, new Uint8Array(32).fill(2)),
      seg(B, A, 77, isn + 64, TCP_ACK, new Uint8Array(4)),
    ]);
    expect(events).toEqual([
      "chunk orig 32 gap 0 mid",
      "chunk orig 32 gap 0",
      "chunk resp 4 gap 0 mid",
      "end 0 false",
    ]);
    expect(chunks[1]!.data[0]).toBe(2);
  });

  it("ends a connection at RST, and starts a new one when its ports are reused", () => {
    const { events } = stream([
      seg(A, B, 1, 0, TCP_SYN),
      seg(A, B, 2, 0, TCP_ACK, new Uint8Array(5)),
      seg(A, B, 7, 0, 0x04),
      seg(A, B, 7, 0, TCP_ACK), // late, ignored
      seg(A, B, 100, 0, TCP_SYN),
      seg(A, B, 101, 0, TCP_ACK, new Uint8Array(2)),
    ]);
    expect(events).toEqual(["chunk orig 5 gap 0", "end 0 true", "chunk orig 2 gap 0", "end 1 false"]);
  });

  it("tracks a bounded number of connections, ending the oldest", () => {
    const events: string[] = [];
    const frames = [1, 2, 3].map((i) =>
      seg({ ip: "10.0.0.9", port: 1000 + i }, B, 5, 0, TCP_ACK, new Uint8Array(i)),
    );
    streamTcp(
      [writePcap(frames.map((data, i) => ({ timestampNs: BigInt(i), data })))],
      {
        onChunk: (f, c) => events.push(`chunk ${f.id} ${c.data.length}`),
        onEnd: (f) => events.push(`end ${f.id}`),
      },
      { maxConnections: 2 },
    );
    expect(events).toEqual(["chunk 0 1", "chunk 1 2", "end 0", "chunk 2 3", "end 1", "end 2"]);
  });
});
