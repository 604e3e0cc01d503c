import { describe, expect, it } from "vitest";
import {
  address,
  boolean,
  count,
  enumValue,
  integer,
  none,
  port,
  real,
  set,
  string,
  stringFromBytes,
  subnet,
  subnetUnchecked,
  table,
  timespan,
  timestamp,
  vector,
} from "./constructors.js";
import { toText, toTextBytes } from "./text.js";

// Examples from Broker's own tests, as collected in the spec digest §2.
describe("toText", () => {
  it.each([
    [none(), "nil"],
    [boolean(true), "T"],
    [boolean(false), "F"],
    [count(42), "42"],
    [count(5123123123), "5123123123"],
    [count(2n ** 64n - 1n), "18446744073709551615"],
    [integer(-42), "-42"],
    [integer(-(2n ** 63n)), "-9223372036854775808"],
    [real(4.2), "4.200000"],
    [real(-4.2), "-4.200000"],
    [real(1e18), "1000000000000000000.000000"],
    [string("foo"), "foo"],
    [string("\ttab"), "\ttab"],
    [address("1.2.3.4"), "1.2.3.4"],
    [address("::"), "::"],
    [address("2001:db8::"), "2001:db8::"],
    [subnet("10.0.0.0/8"), "10.0.0.0/8"],
    [subnet("::/0"), "::/0"],
    [subnet("fc00::/7"), "fc00::/7"],
    [subnet("1.2.3.4/32"), "1.2.3.4/32"],
    [port(65535, "tcp"), "65535/tcp"],
    [port(53, "udp"), "53/udp"],
    [port(8, "icmp"), "8/icmp"],
    [port(0, "unknown"), "0/?"],
    [timestamp(12_000_000_000n), "12000000000ns"],
    [timespan(-1_000_000n), "-1000000ns"],
    [timespan(86402000003000n), "86402000003000ns"],
    [enumValue("foo"), "foo"],
    [set([]), "{}"],
    [set([count(3), count(1), count(2)]), "{1, 2, 3}"],
    [set([string("foo"), string("bar"), string("baz")]), "{bar, baz, foo}"],
    [
      table([
        [string("c"), count(3)],
        [string("a"), count(1)],
        [string("b"), count(2)],
      ]),
      "{a -> 1, b -> 2, c -> 3}",
    ],
    [vector([]), "()"],
    [vector([count(42), count(43), count(44)]), "(42, 43, 44)"],
    [vector([vector([boolean(true)])]), "((T))"],
    [vector([string("a, b")]), "(a, b)"], // not escaped, not invertible
  ] as const)("case %# renders as expected", (value, text) => {
    expect(toText(value)).toBe(text);
  });

  it("renders the Python test's mixed table in Broker's order (boolean < count < port < vector)", () => {
    const t = table([
      [boolean(true), integer(42)],
      [port(22, "tcp"), boolean(false)],
      [vector([integer(1), integer(2), integer(3)]), vector([integer(4), integer(5), integer(6)])],
      [count(13), string("test")],
    ]);
    expect(toText(t)).toBe("{T -> 42, 13 -> test, 22/tcp -> F, (1, 2, 3) -> (4, 5, 6)}");
  });

  it("prints IPv4 subnet lengths as raw - 96, wrapping like Broker's 8-bit arithmetic", () => {
    expect(toText(subnetUnchecked(address("10.0.0.0"), 24))).toBe("10.0.0.0/184");
    expect(toText(subnetUnchecked(address("10.1.2.3"), 104))).toBe("10.1.2.3/8"); // unmasked host bits kept
  });

  it("keeps raw bytes in toTextBytes and replaces invalid UTF-8 in toText", () => {
    const v = stringFromBytes(new Uint8Array([0x61, 0xff, 0x00, 0x62]));
    expect([...toTextBytes(v)]).toEqual([0x61, 0xff, 0x00, 0x62]);
    expect(toText(v)).toBe("a\uFFFD\u0000b");
    expect(toText(string("\uFEFFbom"))).toBe("\uFEFFbom");
  });
});
