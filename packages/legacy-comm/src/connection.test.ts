import { concatBytes } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { broVal } from "../test/arbitrary.js";
import { cutAt } from "./chunks.test.js";
import { type Direction, LegacyConnectionDecoder, type LegacyRecord } from "./connection.js";
import { Caps, type LegacyMessage } from "./messages.js";
import { LegacySender } from "./sender.js";
import type { BroVal } from "./serial/model.js";

const version = (runtime: number, dataFormatVersion = 26): LegacyMessage => ({
  type: "version",
  protocolVersion: 7,
  cacheSize: 3000,
  dataFormatVersion,
  runtime,
  className: "",
  classTerminated: true,
});

/** A Bro-to-Bro conversation: handshake, then events, optionally compressed after the handshake. */
function conversation(
  events: BroVal[][],
  compress: boolean,
  dataFormat = 26,
): { dir: Direction; message: LegacyMessage }[] {
  const caps: LegacyMessage = {
    type: "caps",
    flags: Caps.compression | Caps.pid64 | Caps.newCacheStrategy,
    reserved: [0, 0],
  };
  const out: { dir: Direction; message: LegacyMessage }[] = [];
  for (const dir of ["orig", "resp"] as const) {
    out.push({ dir, message: version(dir === "orig" ? 1 : 2, dataFormat) }, { dir, message: caps });
  }
  out.push({ dir: "orig", message: { type: "request-events", events: ["T::ev"] } });
  out.push(
    { dir: "orig", message: { type: "phase-done" } },
    { dir: "resp", message: { type: "phase-done" } },
  );
  if (compress) out.push({ dir: "resp", message: { type: "compress" } });
  for (const args of events)
    out.push({
      dir: "resp",
      message: {
        type: "serial",
        pid64: true,
        serialization: { kind: "event", name: "T::ev", time: 0, args },
      },
    });
  out.push({ dir: "resp", message: { type: "remote-print", prints: [{ file: "f.txt", text: "hello\n" }] } });
  return out;
}

function wireOf(
  script: { dir: Direction; message: LegacyMessage }[],
  dataFormat = 26,
): Record<Direction, Uint8Array> {
  const senders = {
    orig: new LegacySender({ caching: true, dataFormat }),
    resp: new LegacySender({ caching: true, dataFormat }),
  };
  const parts: Record<Direction, Uint8Array[]> = { orig: [], resp: [] };
  for (const { dir, message } of script) parts[dir].push(senders[dir].encode(message));
  return { orig: concatBytes(parts.orig), resp: concatBytes(parts.resp) };
}

describe("a connection", () => {
  it("decodes what a sender encoded, with caching, 64-bit pids after the handshake and compression, however it is cut", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(broVal, { maxLength: 3 }), { maxLength: 4 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 10 }),
        (events, compress, cuts) => {
          const script = conversation(events, compress);
          const wire = wireOf(script);
          const d = new LegacyConnectionDecoder();
          // The orig side's handshake first, so phase tracking sees what a capture would.
          const got: LegacyRecord[] = [...d.push("orig", wire.orig)];
          for (const piece of cutAt(wire.resp, cuts)) got.push(...d.push("resp", piece));
          const reencoded = {
            orig: new LegacySender({ caching: true }),
            resp: new LegacySender({ caching: true }),
          };
          for (const dir of ["orig", "resp"] as const)
            expect(got.filter((r) => r.dir === dir).map((r) => r.message.type)).toEqual(
              script.filter((s) => s.dir === dir).map((s) => s.message.type),
            );
          for (const r of got) {
            expect(r.message.type).not.toBe("unknown");
            expect(concatBytes(reencoded[r.dir].chunks(r.message))).toEqual(concatBytes(r.chunks));
          }
          expect(d.pending("orig") + d.pending("resp")).toBe(0);
        },
      ),
      { numRuns: 120 },
    );
  });

  it("reads each side in the data format its VERSION announced (Bro 2.3/2.4 tables)", () => {
    fc.assert(
      fc.property(fc.array(fc.array(broVal, { maxLength: 3 }), { minLength: 1, maxLength: 3 }), (events) => {
        const script = conversation(events, false, 25);
        const wire = wireOf(script, 25);
        const d = new LegacyConnectionDecoder();
        const got = [...d.push("orig", wire.orig), ...d.push("resp", wire.resp)];
        expect(got.filter((r) => r.message.type === "unknown")).toEqual([]);
        const resent = new LegacySender({ caching: true, dataFormat: 25 });
        for (const r of got.filter((x) => x.dir === "resp"))
          expect(concatBytes(resent.chunks(r.message))).toEqual(concatBytes(r.chunks));
      }),
      { numRuns: 60 },
    );
  });

  it("reports an undecodable message and goes on with the next", () => {
    const sender = new LegacySender();
    const bad = concatBytes([
      Uint8Array.of(0, 0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0),
      Uint8Array.of(0, 0, 0, 2, 0x65, 0),
    ]);
    const good = sender.encode({ type: "request-logs" });
    const got = new LegacyConnectionDecoder().push("orig", concatBytes([bad, good]));
    expect(got.map((r) => r.message.type)).toEqual(["unknown", "request-logs"]);
    const first = got[0]!.message;
    expect(first.type === "unknown" && first.error?.kind).toBe("truncated");
  });

  it("stops a direction at a framing error and says where", () => {
    const got = new LegacyConnectionDecoder().push("resp", Uint8Array.of(0, 0, 0, 0, 1, 2, 3));
    expect(got).toHaveLength(1);
    const m = got[0]!.message;
    expect(m.type === "unknown" && m.error?.offset).toBe(0);
  });

  it("gives records, never exceptions, for arbitrary bytes in either direction", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom<Direction>("orig", "resp"), fc.uint8Array({ maxLength: 60 }))),
        (pieces) => {
          const d = new LegacyConnectionDecoder({ limits: { maxMessageBytes: 1 << 16 } });
          for (const [dir, bytes] of pieces) d.push(dir, bytes);
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe("resynchronising after lost bytes", () => {
  const hex = (chunks: readonly Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString("hex")).join("|");

  it("finds the next message after a gap or a mid-stream start, and never invents one", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(broVal, { maxLength: 3 }), { minLength: 2, maxLength: 5 }),
        fc.nat(),
        fc.nat(),
        (events, from, length) => {
          const wire = wireOf(conversation(events, false));
          const whole = new LegacyConnectionDecoder();
          whole.push("orig", wire.orig);
          const original = whole.push("resp", wire.resp);
          const start = from % wire.resp.length;
          const end = Math.min(wire.resp.length, start + (length % 200));
          const d = new LegacyConnectionDecoder();
          d.push("orig", wire.orig);
          const got = [...d.push("resp", wire.resp.subarray(0, start))];
          d.resync("resp");
          got.push(...d.push("resp", wire.resp.subarray(end)), ...d.finish("resp"));
          const known = new Set(original.map((r) => hex(r.chunks)));
          const after = original.filter((r) => r.offset >= end);
          for (const r of got)
            if (r.message.type !== "unknown")
              expect(
                known.has(hex(r.chunks)),
                `invented ${r.message.type} at ${r.offset} (lost ${start}-${end})`,
              ).toBe(true);
          // Messages that need no earlier object (the closing print has none) come back for sure.
          const print = after.find((r) => r.message.type === "remote-print");
          if (print)
            expect(
              got.some((r) => hex(r.chunks) === hex(print.chunks)),
              `print lost (lost ${start}-${end}): ${got.map((r) => `${r.message.type}@${r.offset}`).join(" ")}`,
            ).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives up on a compressed direction, saying why", () => {
    const wire = wireOf(conversation([[]], true));
    const d = new LegacyConnectionDecoder();
    d.push("orig", wire.orig);
    d.push("resp", wire.resp.subarray(0, wire.resp.length - 10));
    d.resync("resp");
    const got = d.push("resp", wire.resp.subarray(wire.resp.length - 5));
    expect(got).toHaveLength(1);
    const m = got[0]!.message;
    expect(m.type === "unknown" && m.error?.message).toMatch(/zlib stream cannot be resumed/);
  });
});

describe("resynchronising on hostile bytes", () => {
  it("judges a pending candidate again only once it can be complete (linear for byte-by-byte feeds)", () => {
    // A header chunk announcing a 1 MiB argument chunk that never comes, then bytes one at a time.
    const d = new LegacyConnectionDecoder();
    d.resync("resp");
    d.push("resp", Uint8Array.of(0, 0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0));
    for (let i = 0; i < 200_000; i++) d.push("resp", Uint8Array.of(0x41));
    expect(d.pending("resp")).toBe(16 + 200_000);
    const real = new LegacySender().encode({ type: "request-logs" });
    expect(d.finish("resp").length).toBe(0);
    expect(real.length).toBe(12);
  });
});
