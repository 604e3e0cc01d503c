import { equals, string } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeNativeConnection, NativeConnectionDecoder } from "./connection.js";
import { decodeNativeFrame, type Envelope, encodeNativeFrame } from "./messages.js";

const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s/g, ""), "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();
const ID = "00000000000040008000000000000000";

// Spec §5.7 and Broker's wire_format.test.cc.
const WORKED: [string, string, "handshake" | "operational", string][] = [
  ["hello", `00000017 06 5A45454B ${ID} 01 01`, "handshake", "hello"],
  ["probe", "00000005 07 5A45454B", "handshake", "probe"],
  ["version_select", `00000016 08 5A45454B ${ID} 01`, "handshake", "version_select"],
  ["originator_syn", "00000008 0A 01 05 2F74657374", "handshake", "originator_syn"],
  ["responder_syn_ack", "0000000B 0B 01 08 2F666F6F2F626172", "handshake", "responder_syn_ack"],
  ["originator_ack", "00000001 0C", "handshake", "originator_ack"],
  [
    "drop_conn",
    `00000033 09 5A45454B ${ID} 02 1C 756E737570706F727465642076657273696F6E73206F666665726564`,
    "handshake",
    "drop_conn",
  ],
  [
    "ping foo",
    `0000002B ${ID} C0551E8D392B509BA47BAE46F75BEFAC 04 0001 0003 3C243E 666F6F`,
    "operational",
    "envelope",
  ],
  [
    "data envelope",
    "00000038 5746D8EE36445BD29F54D5A44C26C2A1 C0551E8D392B509BA47BAE46F75BEFAC 01 0010 0006 666F6F626172 050B68656C6C6F20776F726C64",
    "operational",
    "envelope",
  ],
];

// A whole peering from the worked examples: handshake both ways, then a data envelope.
const worked = (name: string) => bytes(WORKED.find((x) => x[0] === name)![1]);
const PEERING = [
  { dir: "orig" as const, data: worked("hello") },
  { dir: "resp" as const, data: worked("probe") },
  {
    dir: "orig" as const,
    data: new Uint8Array(Buffer.concat([worked("version_select"), worked("originator_syn")])),
  },
  { dir: "resp" as const, data: worked("responder_syn_ack") },
  { dir: "orig" as const, data: worked("originator_ack") },
  { dir: "resp" as const, data: worked("data envelope") },
];

describe("native protocol frames", () => {
  it.each(WORKED)("%s decodes and re-encodes byte for byte", (_, h, phase, kind) => {
    const frame = bytes(h);
    const m = decodeNativeFrame(frame.subarray(4), phase);
    expect(m.kind).toBe(kind);
    expect(hex(encodeNativeFrame(m))).toBe(hex(frame));
  });

  it("reads the data envelope's fields", () => {
    const m = decodeNativeFrame(bytes(WORKED[8]![1]).subarray(4), "operational") as Envelope;
    expect(m.topic).toBe("foobar");
    expect(m.ttl).toBe(16);
    expect(m.payload.type === "data" && equals(m.payload.value, string("hello world"))).toBe(true);
  });

  it("switches to envelopes after originator_ack, as a capture shows it", () => {
    const frames = decodeNativeConnection({ chunks: PEERING });
    expect(frames.map((f) => f.message.kind)).toEqual([
      "hello",
      "probe",
      "version_select",
      "originator_syn",
      "responder_syn_ack",
      "originator_ack",
      "envelope",
    ]);
  });

  it("decodes the same frames when fed a byte at a time through the streaming decoder", () => {
    const whole = decodeNativeConnection({ chunks: PEERING }).map((f) => f.message);
    const d = new NativeConnectionDecoder();
    const streamed = PEERING.flatMap((c) =>
      [...c.data].flatMap((b) => d.push({ dir: c.dir, data: new Uint8Array([b]) })),
    ).map((f) => f.message);
    expect(streamed).toEqual(whole);
    expect(whole).toHaveLength(7);
  });

  it("round-trips data envelopes with arbitrary values and topics", () => {
    fc.assert(
      fc.property(
        arbitraryData({ noSubnormal: true, maxDepth: 2 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: 0, max: 65535 }),
        (value, topic, ttl) => {
          const e: Envelope = {
            kind: "envelope",
            sender: "\x01".repeat(16),
            receiver: "\0".repeat(16),
            ttl,
            topic: String.fromCharCode(...topic),
            payload: { type: "data", value },
          };
          const frame = encodeNativeFrame(e);
          const back = decodeNativeFrame(frame.subarray(4), "operational") as Envelope;
          expect(back.topic).toBe(e.topic);
          expect(back.payload.type === "data" && equals(back.payload.value, value)).toBe(true);
          expect(hex(encodeNativeFrame(back))).toBe(hex(frame));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("turns any bytes into messages, unknown frames or unframed bytes — never an exception", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.uint8Array({ maxLength: 120 }), (a, b) => {
        const frames = decodeNativeConnection(
          {
            chunks: [
              { dir: "orig", data: a },
              { dir: "resp", data: b },
            ],
          },
          { maxMessageBytes: 1000 },
        );
        for (const dir of ["orig", "resp"] as const) {
          const all = Buffer.concat(
            frames.filter((f) => f.dir === dir).map((f) => encodeNativeFrame(f.message)),
          );
          const input = Buffer.from(dir === "orig" ? a : b);
          expect(input.subarray(0, all.length).equals(all)).toBe(true); // complete frames re-encode exactly
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("every native message round-trips", () => {
  const bin = (min: number, max: number) =>
    fc.uint8Array({ minLength: min, maxLength: max }).map((b) => String.fromCharCode(...b));
  const id = bin(16, 16);
  const filter = fc.array(bin(0, 12), { maxLength: 4 });
  const handshake = fc.oneof(
    fc.record({
      kind: fc.constant("hello" as const),
      magic: fc.nat(),
      sender: id,
      minVersion: fc.nat(255),
      maxVersion: fc.nat(255),
    }),
    fc.record({ kind: fc.constant("probe" as const), magic: fc.nat() }),
    fc.record({
      kind: fc.constant("version_select" as const),
      magic: fc.nat(),
      sender: id,
      version: fc.nat(255),
    }),
    fc.record({
      kind: fc.constant("drop_conn" as const),
      magic: fc.nat(),
      sender: id,
      code: fc.nat(255),
      description: bin(0, 40),
    }),
    fc.record({ kind: fc.constantFrom("originator_syn" as const, "responder_syn_ack" as const), filter }),
    fc.record({ kind: fc.constant("originator_ack" as const) }),
  );
  const payload = fc.oneof(
    fc.record({ type: fc.constant("routing_update" as const), filter }),
    fc.record({
      type: fc.constantFrom("ping" as const, "pong" as const, "command" as const),
      raw: bin(0, 30),
    }),
  );
  const envelope = fc.record({
    kind: fc.constant("envelope" as const),
    sender: id,
    receiver: id,
    ttl: fc.nat(65535),
    topic: bin(0, 20),
    payload,
  });

  it("handshake messages and envelopes of every type decode to what was encoded", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          handshake.map((m) => ["handshake", m] as const),
          envelope.map((m) => ["operational", m] as const),
        ),
        ([phase, m]) => {
          const frame = encodeNativeFrame(m);
          const back = decodeNativeFrame(frame.subarray(4), phase);
          expect(back).toEqual(m);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
