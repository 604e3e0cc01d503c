import { address, count, enumValue, equals, integer, port, string, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { decodeData } from "./decode.js";
import { encodeData } from "./encode.js";

describe("shared decoded leaves", () => {
  it("never hand out a cached leaf for different bytes (thousands of colliding slots)", () => {
    const values = [];
    for (let i = 0; i < 20_000; i++) {
      values.push(string(`s${i % 7000}`), enumValue(`E::${i % 5000}`), count(i % 3000), integer(i % 2500));
      values.push(address(`10.${i % 3}.${(i >> 2) & 255}.${i & 255}`), port(i % 9000, i % 4));
    }
    for (const v of values) expect(toText(decodeData(encodeData(v)))).toBe(toText(v));
  });

  it("are equal values, frozen like every decoded value", () => {
    for (const v of [
      count(5),
      integer(7),
      string("SF"),
      enumValue("Conn::LOG"),
      address("8.8.8.8"),
      port(53, "udp"),
    ]) {
      const a = decodeData(encodeData(v));
      const b = decodeData(encodeData(v));
      expect(equals(a, v) && equals(b, v)).toBe(true);
      expect(Object.isFrozen(a)).toBe(true);
    }
  });
});
