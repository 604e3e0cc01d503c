import { count, enumValue, equals, integer, string, toText, vector } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeData } from "../data/decode.js";
import { encodeData } from "../data/encode.js";
import { asZeekMessage, networkTimestamp, zeekEvent, zeekMessageToData } from "./messages.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex").toUpperCase();

describe("Zeek messages", () => {
  it('builds the spec\'s event ping(42, "hi") with network timestamp 12 s, byte for byte', () => {
    const e = zeekEvent("ping", [integer(42), string("hi")], { networkTimestamp: 12_000_000_000n });
    expect(hex(encodeData(zeekMessageToData(e)))).toBe(
      "0E03020000000000000001020000000000000001" +
        "0E03050470696E67" +
        "0E0203000000000000002A05026869" +
        "0E010E020200000000000000010900000002CB417800",
    );
    expect(networkTimestamp(asZeekMessage(zeekMessageToData(e)) as never)).toBe(12_000_000_000n);
  });

  it("builds Broker 1.x's event layout without metadata", () => {
    expect(toText(zeekMessageToData(zeekEvent("bk_ping", [])))).toBe("(1, 1, (bk_ping, ()))");
  });

  it("classifies every layout and rebuilds it exactly, extra elements included", () => {
    const values = [
      vector([
        count(1),
        count(2),
        vector([enumValue("Conn::LOG"), enumValue("Log::WRITER_ASCII"), vector([]), vector([])]),
      ]),
      vector([
        count(1),
        count(3),
        vector([enumValue("Conn::LOG"), enumValue("Log::WRITER_ASCII"), string("conn"), string("\x00\x01")]),
      ]),
      vector([count(1), count(4), vector([string("Site::local_nets"), vector([])]), string("ignored")]),
      vector([
        count(1),
        count(5),
        vector([
          zeekMessageToData(zeekEvent("a", [])),
          vector([count(1), count(4), vector([string("x"), count(1)])]),
        ]),
      ]),
      vector([
        count(1),
        count(1),
        vector([string("e"), vector([]), vector([vector([count(200), string("user")])]), count(9)]),
      ]),
    ];
    for (const v of values) {
      const m = asZeekMessage(v);
      expect(m, toText(v)).toBeDefined();
      expect(equals(zeekMessageToData(m!), v)).toBe(true);
    }
  });

  it("rejects what Broker's valid() rejects", () => {
    const bad = [
      vector([count(2), count(1), vector([string("e"), vector([])])]), // protocol version 2
      vector([count(1), count(1), vector([enumValue("e"), vector([])])]), // name not a string
      vector([count(1), count(1), vector([string("e"), vector([]), vector([vector([count(1), count(5)])])])]), // timestamp key without a timestamp
      vector([count(1), count(3), vector([enumValue("a"), enumValue("b"), string("p")])]), // LogWrite too short
      vector([
        count(1),
        count(5),
        vector([zeekMessageToData(zeekEvent("ok", [])), vector([count(1), count(9), vector([])])]),
      ]), // one bad element
      vector([count(1), count(1)]),
      string("not a vector"),
    ];
    for (const v of bad) expect(asZeekMessage(v), toText(v)).toBeUndefined();
  });

  it("round-trips arbitrary events through the binary codec", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.array(arbitraryData({ maxDepth: 2, noSubnormal: true }), { maxLength: 4 }),
        fc.option(fc.bigInt({ min: 0n, max: 2n ** 62n })),
        (name, args, ts) => {
          const v = zeekMessageToData(
            zeekEvent(name, args, ts === null ? undefined : { networkTimestamp: ts }),
          );
          const back = asZeekMessage(decodeData(encodeData(v)));
          expect(back?.type).toBe("event");
          expect(equals(zeekMessageToData(back!), v)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
