// Resynchronisation after lost bytes, for every framing (Broker 1.x is also
// exercised on real streams in cli's reassembly test): a stream of messages
// loses a random range, and the decoder, told to resync, must give exactly the
// messages after the loss that it can trust, in order, whatever the chunking,
// on both sides of the loss. Lengths beyond the limit are reported as such.
import { count, string, vector } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BaspHeader, type BaspMessage, BaspStreamDecoder, encodeBaspMessage } from "./broker1/basp.js";
import { DecodeError } from "./errors.js";
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

const baspHeader = (operation: number): BaspHeader => ({
  operation,
  padding: 0,
  flags: 0,
  payloadLength: 0,
  operationData: 0n,
  sourceActor: 0n,
  destActor: 6n,
});
const heartbeat: BaspMessage = { header: baspHeader(6), payload: { kind: "heartbeat" } };
const published = (i: number): BaspMessage => ({
  header: baspHeader(2),
  payload: {
    kind: "direct_message",
    stages: [],
    message: {
      typeNumber: 0,
      signature: "@<>+broker::data_message",
      elements: [
        {
          type: "broker::data_message",
          value: { topic: `/bk/${i}`, data: vector([count(BigInt(i)), string("y".repeat(i * 5))]) },
        },
      ],
    },
  },
});

describe("BASP resync (property)", () => {
  const messages = Array.from({ length: 30 }, (_, i) => (i % 5 === 2 ? heartbeat : published(i)));
  const stream = concat(
    messages.map((m, i) => ({ bytes: encodeBaspMessage(m), trusted: m !== heartbeat, id: String(i) })),
  );
  it("resumes at the next message that decodes strictly after lost bytes", () => {
    fc.assert(
      fc.property(loss, ([at, lost, cuts]) => {
        const cut = at % stream.bytes.length;
        const d = new BaspStreamDecoder();
        d.push(stream.bytes.subarray(0, cut));
        d.resync();
        const after = pieces(stream.bytes.subarray(cut + lost), cuts).flatMap((b) => d.push(b));
        const want = expectedAfter(stream, cut, lost).map((i) => messages[Number(i)]!.payload.kind);
        expect(after.map((f) => f.message.payload.kind)).toEqual(want);
        // Offsets count every byte pushed, the skipped ones included.
        const firstKept = stream.messages.find((m) => m.id === expectedAfter(stream, cut, lost)[0]);
        if (firstKept) expect(after[0]!.offset).toBe(firstKept.from - lost);
      }),
    );
  });
});

// Feeding the same bytes in different pieces, with the same resync between
// two of them, gives the very same frames (offsets and unknown ones included).
describe("chunking independence, with a resync in the middle", () => {
  const garbage = fc.uint8Array({ maxLength: 40 });
  const cutsOf = fc.array(fc.nat(), { maxLength: 8 });
  // A stream, its loss, any garbage arriving after the resync, and two ways to cut each side.
  const scenario = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 300 }), garbage, cutsOf, cutsOf);

  function check<F>(
    bytes: Uint8Array,
    make: () => { push(b: Uint8Array): F[]; resync(): void },
    [at, lost, junk, cutsA, cutsB]: [number, number, Uint8Array, number[], number[]],
  ): void {
    const cut = at % (bytes.length + 1);
    const before = bytes.subarray(0, cut);
    const after = Uint8Array.from([...junk, ...bytes.subarray(Math.min(bytes.length, cut + lost))]);
    const run = (split: (b: Uint8Array) => Uint8Array[]) => {
      const d = make();
      const out = split(before).flatMap((b) => d.push(b));
      d.resync();
      return [...out, ...split(after).flatMap((b) => d.push(b))];
    };
    const whole = run((b) => [b]);
    expect(run((b) => pieces(b, cutsA))).toEqual(whole);
    expect(run((b) => pieces(b, cutsB))).toEqual(whole);
    expect(run((b) => Array.from(b, (x) => Uint8Array.of(x)))).toEqual(whole);
  }

  it("BASP", () => {
    const stream = concat(
      Array.from({ length: 12 }, (_, i) => ({
        bytes: encodeBaspMessage(i % 4 === 1 ? heartbeat : published(i)),
        trusted: i % 4 !== 1,
        id: String(i),
      })),
    );
    fc.assert(
      fc.property(scenario, (sc) => check(stream.bytes, () => new BaspStreamDecoder(), sc)),
      { numRuns: 200 },
    );
  });

  it("native", () => {
    const bytes = Uint8Array.from(
      Array.from({ length: 12 }, (_, i) =>
        encodeNativeFrame({
          kind: "envelope",
          sender: id16(1),
          receiver: id16(0),
          ttl: 20,
          topic: `t/${i}`,
          payload: i % 4 === 1 ? { type: "ping", raw: "\x01" } : { type: "data", value: count(BigInt(i)) },
        }),
      ).flatMap((b) => [...b]),
    );
    const make = () => {
      const d = new NativeConnectionDecoder();
      // Past the handshake, as a capture joined midway would be.
      d.resync("orig");
      return { push: (data: Uint8Array) => d.push({ dir: "orig", data }), resync: () => d.resync("orig") };
    };
    fc.assert(
      fc.property(scenario, (sc) => check(bytes, make, sc)),
      { numRuns: 200 },
    );
  });

  it("WebSocket", () => {
    const enc = new TextEncoder();
    const bytes = Uint8Array.from(
      Array.from({ length: 12 }, (_, i) =>
        encodeWebSocketFrame({
          fin: true,
          rsv: 0,
          opcode: i % 4 === 1 ? 9 : 1,
          payload: enc.encode(i % 4 === 1 ? "" : JSON.stringify({ topic: `t/${i}`, data: i })),
          lengthForm: 7,
        }),
      ).flatMap((b) => [...b]),
    );
    fc.assert(
      fc.property(scenario, (sc) => check(bytes, () => new WebSocketStreamDecoder(true), sc)),
      { numRuns: 200 },
    );
  });
});

describe("lengths beyond the limit", () => {
  // A header that claims 2^32 - 1 bytes: reported at once, nothing allocated for it.
  it("BASP: delivers the messages before it, then reports a DecodeError at the length field; resync goes on", () => {
    const ok = encodeBaspMessage(published(1));
    const huge = encodeBaspMessage(heartbeat);
    new DataView(huge.buffer, huge.byteOffset).setUint32(4, 0xffffffff);
    const d = new BaspStreamDecoder({ maxMessageBytes: 1 << 20 });
    const first = d.push(Uint8Array.from([...ok, ...huge]));
    expect(first.map((f) => f.message.payload.kind)).toEqual(["direct_message"]);
    let error: unknown;
    try {
      d.push(new Uint8Array(0));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).kind).toBe("limit");
    expect((error as DecodeError).offset).toBe(ok.length + 4);
    expect(d.pending).toBeLessThan(100);
    d.resync();
    expect(d.push(ok).map((f) => f.offset)).toEqual([ok.length + huge.length]);
  });

  it("native: the rest of the direction becomes one unframed message with a limit error", () => {
    const ok = encodeNativeFrame({ kind: "originator_ack" });
    const d = new NativeConnectionDecoder({ maxMessageBytes: 1000 });
    const got = d.push({ dir: "orig", data: Uint8Array.from([...ok, 0, 0, 0x10, 0, 1, 2, 3]) });
    expect(got.map((f) => f.message.kind)).toEqual(["originator_ack", "unframed"]);
    const bad = got[1]!.message;
    expect(bad.kind === "unframed" && bad.error.kind).toBe("limit");
    expect(got[1]!.offset).toBe(ok.length);
  });

  it("native: unframed bytes are dated by the chunk that holds their first byte, as frames are", () => {
    const ok = encodeNativeFrame({ kind: "originator_ack" });
    const d = new NativeConnectionDecoder({ maxMessageBytes: 1000 });
    const first = d.push({ dir: "orig", data: ok.subarray(0, 3), frame: 1, timestampNs: 10n });
    const rest = Uint8Array.from([...ok.subarray(3), 0x47, 0x45]);
    const got = [...first, ...d.push({ dir: "orig", data: rest, frame: 2, timestampNs: 20n })];
    got.push(...d.push({ dir: "orig", data: Uint8Array.of(0x54, 0x20, 1), frame: 3, timestampNs: 30n }));
    expect(got.map((f) => [f.message.kind, f.frame, f.timestampNs])).toEqual([
      ["originator_ack", 1, 10n],
      ["unframed", 2, 20n],
    ]);
  });

  it("WebSocket: a frame longer than the limit is a DecodeError before its payload arrives", () => {
    const d = new WebSocketStreamDecoder(true, { maxMessageBytes: 1000 });
    // FIN + text, 64-bit length form, 2^40 bytes announced.
    const header = Uint8Array.of(0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0);
    let error: unknown;
    try {
      d.push(header);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DecodeError);
    expect((error as DecodeError).kind).toBe("limit");
    expect((error as DecodeError).offset).toBe(2); // the extended length
    expect(d.pending).toBeLessThan(100);
  });
});
