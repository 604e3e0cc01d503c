// Resynchronisation after lost bytes, for the framings whose real captures are
// not in the project's fixtures (Broker 1.x is exercised on real streams in
// cli's reassembly test): a stream of messages loses a random range, and the
// decoder, told to resync, must give exactly the messages after the loss that
// it can trust, in order, whatever the chunking.
import { count, string, vector } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BaspStreamDecoder, encodeBaspMessage } from "./broker1/basp.js";
import { NativeConnectionDecoder } from "./native/connection.js";
import { encodeNativeFrame, type NativeMessage } from "./native/messages.js";
import { encodeWebSocketFrame, WebSocketStreamDecoder } from "./websocket/frames.js";

interface Stream {
  bytes: Uint8Array;
  messages: { from: number; to: number; trusted: boolean; id: string }[];
}

function concat(parts: { bytes: Uint8Array; trusted: boolean; id: string }[]): Stream {
  const total = parts.reduce((n, p) => n + p.bytes.length, 0);
  const bytes = new Uint8Array(total);
  const messages: Stream["messages"] = [];
  let at = 0;
  for (const p of parts) {
    bytes.set(p.bytes, at);
    messages.push({ from: at, to: at + p.bytes.length, trusted: p.trusted, id: p.id });
    at += p.bytes.length;
  }
  return { bytes, messages };
}

// The ids a resyncing decoder must give after losing [cut, cut + lost): untouched
// messages from the first trusted one after the loss.
function expectedAfter(s: Stream, cut: number, lost: number): string[] {
  const after = s.messages.filter((m) => m.from >= cut + lost);
  const first = after.findIndex((m) => m.trusted);
  return first < 0 ? [] : after.slice(first).map((m) => m.id);
}

function pieces(b: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, b.length]) {
    out.push(b.subarray(from, p));
    from = p;
  }
  return out;
}

const loss = fc.tuple(fc.nat(), fc.integer({ min: 1, max: 300 }), fc.array(fc.nat(), { maxLength: 6 }));

const id16 = (n: number) => String.fromCharCode(...new Array(16).fill(n));

describe("native resync", () => {
  const frames = Array.from({ length: 30 }, (_, i): { m: NativeMessage; trusted: boolean } =>
    i % 7 === 3
      ? {
          m: {
            kind: "envelope",
            sender: id16(1),
            receiver: id16(0),
            ttl: 20,
            topic: "t/ping",
            payload: { type: "ping", raw: "\x00\x01" },
          },
          trusted: false,
        }
      : {
          m: {
            kind: "envelope",
            sender: id16(1),
            receiver: id16(0),
            ttl: 20,
            topic: `zeek/event/${i}`,
            payload: { type: "data", value: vector([count(BigInt(i)), string("x".repeat(i * 3))]) },
          },
          trusted: true,
        },
  );
  const stream = concat(
    frames.map((f, i) => ({ bytes: encodeNativeFrame(f.m), trusted: f.trusted, id: String(i) })),
  );

  it("resumes at the next data or routing envelope after lost bytes", () => {
    fc.assert(
      fc.property(loss, ([at, lost, cuts]) => {
        const cut = at % stream.bytes.length;
        const d = new NativeConnectionDecoder();
        // The handshake is over in this stream: push the part before the loss in operational phase.
        const before = d.push({ dir: "orig", data: stream.bytes.subarray(0, cut) });
        d.resync("orig");
        const after = pieces(stream.bytes.subarray(cut + lost), cuts).flatMap((data) =>
          d.push({ dir: "orig", data }),
        );
        const topics = after.map((f) => (f.message.kind === "envelope" ? f.message.topic : f.message.kind));
        expect(topics).toEqual(
          expectedAfter(stream, cut, lost)
            .map((i) => frames[Number(i)]!.m)
            .map((m) => (m.kind === "envelope" ? m.topic : m.kind)),
        );
        expect(after.every((f) => f.phase === "operational")).toBe(true);
        void before;
      }),
    );
  });
});

describe("WebSocket resync", () => {
  const enc = new TextEncoder();
  const texts = Array.from({ length: 25 }, (_, i) =>
    i % 6 === 5
      ? { text: "", opcode: 9, trusted: false } // a ping
      : {
          text: JSON.stringify({
            type: "data-message",
            topic: `t/${i}`,
            "@data-type": "count",
            data: i * 1000,
          }),
          opcode: 1,
          trusted: true,
        },
  );
  for (const client of [true, false]) {
    const stream = concat(
      texts.map((t, i) => ({
        bytes: encodeWebSocketFrame({
          fin: true,
          rsv: 0,
          opcode: t.opcode,
          payload: enc.encode(t.text),
          lengthForm: 7,
          ...(client ? { mask: new Uint8Array([i, 7, 13, 99]) } : {}),
        }),
        trusted: t.trusted,
        id: String(i),
      })),
    );
    it(`resumes at the next JSON text frame after lost bytes (${client ? "client" : "server"} frames)`, () => {
      fc.assert(
        fc.property(loss, ([at, lost, cuts]) => {
          const cut = at % stream.bytes.length;
          const d = new WebSocketStreamDecoder(true);
          d.push(stream.bytes.subarray(0, cut));
          d.resync();
          const after = pieces(stream.bytes.subarray(cut + lost), cuts).flatMap((b) => d.push(b));
          const want = expectedAfter(stream, cut, lost).map((i) => texts[Number(i)]!.text);
          expect(after.map((m) => new TextDecoder().decode(m.payload))).toEqual(want);
        }),
      );
    });
  }
});

describe("BASP resync", () => {
  it("passes over heartbeats and garbage until a message that decodes strictly", () => {
    const heartbeat = encodeBaspMessage({
      header: {
        operation: 6,
        padding: 0,
        flags: 0,
        payloadLength: 0,
        operationData: 0n,
        sourceActor: 0n,
        destActor: 0n,
      },
      payload: { kind: "heartbeat" },
    });
    const handshake = encodeBaspMessage({
      header: {
        operation: 0,
        padding: 0,
        flags: 0,
        payloadLength: 0,
        operationData: 3n,
        sourceActor: 0n,
        destActor: 0n,
      },
      payload: {
        kind: "server_handshake",
        node: { kind: "default", hostId: "\x01".repeat(20), processId: 42 },
        appIds: ["broker.v2"],
        publishedActor: 6n,
        signatures: [],
      },
    });
    const d = new BaspStreamDecoder();
    d.resync();
    const garbage = new Uint8Array([2, 0, 0, 0, 0, 0, 0, 9, 1, 2, 3]);
    const got = [...d.push(garbage), ...d.push(heartbeat), ...d.push(handshake), ...d.push(heartbeat)];
    expect(got.map((f) => f.message.payload.kind)).toEqual(["server_handshake", "heartbeat"]);
    expect(d.skipped).toBe(garbage.length + heartbeat.length);
  });
});
