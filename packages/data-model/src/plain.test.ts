import { describe, expect, it } from "vitest";
import {
  address,
  count,
  integer,
  none,
  real,
  set,
  string,
  stringFromBytes,
  table,
  vector,
} from "./constructors.js";
import { equals } from "./order.js";
import { fromPlain, toPlain } from "./plain.js";

describe("plain JS conversion", () => {
  it("maps the unambiguous JS types", () => {
    const v = fromPlain([
      null,
      true,
      5n,
      1.5,
      "é",
      new Uint8Array([0xff]),
      new Set([2n, 1n, 2n]),
      new Map([["k", [undefined]]]),
    ]);
    const expected = vector([
      none(),
      { type: "boolean", value: true },
      integer(5),
      real(1.5),
      string("é"),
      stringFromBytes(new Uint8Array([0xff])),
      set([integer(1), integer(2)]),
      table([[string("k"), vector([none()])]]),
    ]);
    expect(equals(v, expected)).toBe(true);
  });

  it("passes Data values through, so explicit constructors resolve ambiguity", () => {
    const v = fromPlain([count(5), address("::1")]);
    expect(equals(v, vector([count(5), address("::1")]))).toBe(true);
  });

  it("toPlain inverts fromPlain, keeping non-UTF-8 strings as bytes", () => {
    const v = vector([count(5), stringFromBytes(new Uint8Array([0xc3])), string("ok"), set([real(1)])]);
    const plain = toPlain(v) as unknown[];
    expect(plain[1]).toBeInstanceOf(Uint8Array);
    expect(plain[2]).toBe("ok");
    expect(equals(fromPlain(toPlain(v)), v)).toBe(true);
  });

  it("rejects values with no Broker type", () => {
    expect(() => fromPlain({ a: 1 } as never)).toThrow(TypeError);
    expect(() => fromPlain(Symbol("x") as never)).toThrow(TypeError);
  });
});
