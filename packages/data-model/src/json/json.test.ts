import { Value } from "@sinclair/typebox/value";
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
  table,
  timespan,
  timestamp,
  vector,
} from "../constructors.js";
import { equals } from "../order.js";
import type { Data } from "../value.js";
import { fromJson } from "./decode.js";
import { dataMessageToJsonBinary, toJson, toJsonBytes } from "./encode.js";
import { JsonDecodeError } from "./errors.js";
import { JsonData } from "./schema.js";

const S = 1_000_000_000n;

// Encoder output from Broker's tests (format/json.test.cc) and the spec digest §6.2.
describe("toJson", () => {
  it.each([
    [none(), '{"@data-type":"none","data":{}}'],
    [boolean(true), '{"@data-type":"boolean","data":true}'],
    [count(100), '{"@data-type":"count","data":100}'],
    [count(2n ** 64n - 1n), '{"@data-type":"count","data":18446744073709551615}'],
    [integer(-10), '{"@data-type":"integer","data":-10}'],
    [real(42), '{"@data-type":"real","data":42.000000}'],
    [real(-10), '{"@data-type":"real","data":-10.000000}'],
    [real(Number.NaN), '{"@data-type":"real","data":nan}'],
    [real(Number.NEGATIVE_INFINITY), '{"@data-type":"real","data":-inf}'],
    [string('foo\n"bar'), '{"@data-type":"string","data":"foo\\n\\"bar"}'],
    [string("\b\f\r\t\v\\/\u0001"), '{"@data-type":"string","data":"\\b\\f\\r\\t\\v\\\\/\u0001"}'],
    [address("192.128.4.4"), '{"@data-type":"address","data":"192.128.4.4"}'],
    [address("2001:db8::"), '{"@data-type":"address","data":"2001:db8::"}'],
    [subnet("192.128.4.0/24"), '{"@data-type":"subnet","data":"192.128.4.0/24"}'],
    [port(8080, "tcp"), '{"@data-type":"port","data":"8080/tcp"}'],
    [port(0, "unknown"), '{"@data-type":"port","data":"0/?"}'],
    [timestamp(1404901004n * S), '{"@data-type":"timestamp","data":"2014-07-09T10:16:44.000"}'],
    [timestamp(1705247173137654321n), '{"@data-type":"timestamp","data":"2024-01-14T15:46:13.137"}'],
    // Broker truncates seconds toward zero and prints a negative millisecond remainder as .000.
    [timestamp(-1_500_000_000n), '{"@data-type":"timestamp","data":"1969-12-31T23:59:59.000"}'],
    [timestamp(-2n * S), '{"@data-type":"timestamp","data":"1969-12-31T23:59:58.000"}'],
    [timespan(0), '{"@data-type":"timespan","data":"0s"}'],
    [timespan(1), '{"@data-type":"timespan","data":"1ns"}'],
    [timespan(999), '{"@data-type":"timespan","data":"999ns"}'],
    [timespan(1000), '{"@data-type":"timespan","data":"1us"}'],
    [timespan(999_000_000), '{"@data-type":"timespan","data":"999ms"}'],
    [timespan(23n * S), '{"@data-type":"timespan","data":"23s"}'],
    [timespan(-90n * S), '{"@data-type":"timespan","data":"-90s"}'],
    [enumValue("Foo::BAR"), '{"@data-type":"enum-value","data":"Foo::BAR"}'],
    [set([]), '{"@data-type":"set","data":[]}'],
    [
      vector([integer(1), count(2), string("three")]),
      '{"@data-type":"vector","data":[{"@data-type":"integer","data":1},{"@data-type":"count","data":2},{"@data-type":"string","data":"three"}]}',
    ],
    [
      table([
        [string("b-key"), count(42)],
        [string("a-key"), integer(1)],
      ]),
      '{"@data-type":"table","data":[{"key":{"@data-type":"string","data":"a-key"},"value":{"@data-type":"integer","data":1}},{"key":{"@data-type":"string","data":"b-key"},"value":{"@data-type":"count","data":42}}]}',
    ],
  ] as const)("case %# encodes as Broker does", (value, json) => {
    expect(toJson(value)).toBe(json);
  });

  it("writes non-UTF-8 bytes raw, as Broker does", () => {
    const bytes = toJsonBytes(stringFromBytes(new Uint8Array([0xff, 0x00])));
    expect([...bytes.slice(-4)]).toEqual([0xff, 0x00, 0x22, 0x7d]);
  });

  it("encodes a data message with type, topic, then the value's fields", () => {
    expect(dataMessageToJsonBinary("/test/topic", count(42))).toBe(
      '{"type":"data-message","topic":"/test/topic","@data-type":"count","data":42}',
    );
  });
});

describe("fromJson", () => {
  const ok: [string, Data][] = [
    ['{"@data-type":"none"}', none()],
    ['{ "data" : 7, "@data-type" : "none" }', none()],
    ['{"@data-type":"count","data":18446744073709551615}', count(2n ** 64n - 1n)],
    ['{"@data-type":"integer","data":-9223372036854775808}', integer(-(2n ** 63n))],
    ['{"@data-type":"real","data":5.0}', real(5)],
    ['{"@data-type":"real","data":1e3}', real(1000)],
    ['{"@data-type":"real","data":nan}', real(Number.NaN)],
    ['{"@data-type":"string","data":"a\\u00e9\\ud83d\\ude00\\v"}', string("aé😀\v")],
    ['{"@data-type":"subnet","data":"10.1.2.3/8"}', subnet("10.0.0.0/8")],
    ['{"@data-type":"subnet","data":"10.0.0.0/33"}', subnet("::/0")], // Broker's silent fallback
    ['{"@data-type":"port","data":"80"}', port(80, "tcp")],
    ['{"@data-type":"port","data":"70000/tcp"}', port(4464, "tcp")],
    ['{"@data-type":"port","data":"53/sctp"}', port(53, "unknown")],
    ['{"@data-type":"timestamp","data":"2024-01-14T15:46:13.137"}', timestamp(1705247173137000000n)],
    ['{"@data-type":"timestamp","data":"2024-01-14T15:46:13.123456789Z"}', timestamp(1705247173123456789n)],
    ['{"@data-type":"timestamp","data":"2024-01-14T16:46:13+01:00"}', timestamp(1705247173n * S)],
    ['{"@data-type":"timespan","data":"-3min"}', timespan(-180n * S)],
    ['{"@data-type":"timespan","data":"2h"}', timespan(7200n * S)],
    [
      '{"@data-type":"set","data":[{"@data-type":"count","data":2},{"@data-type":"count","data":1}]}',
      set([count(1), count(2)]),
    ],
  ];
  it.each(ok)("decodes %s", (json, value) => {
    expect(equals(fromJson(json), value)).toBe(true);
  });

  it("takes parsed objects with bigint for 64-bit values", () => {
    expect(equals(fromJson({ "@data-type": "count", data: 2n ** 64n - 1n }), count(2n ** 64n - 1n))).toBe(
      true,
    );
    expect(equals(fromJson({ "@data-type": "real", data: 5 }), real(5))).toBe(true);
    expect(() => fromJson({ "@data-type": "count", data: 2 ** 60 })).toThrow(/precision/);
  });

  it.each([
    ['{"@data-type":"real","data":5}', "$.data", /real/],
    ['{"@data-type":"count","data":-1}', "$.data", /outside/],
    ['{"@data-type":"count","data":18446744073709551616}', "$.data", /outside/],
    ['{"@data-type":"integer","data":1.5}', "$.data", /integer/],
    [
      '{"@data-type":"vector","data":[{"@data-type":"bogus","data":1}]}',
      '$.data[0]["@data-type"]',
      /unknown type/,
    ],
    ['{"@data-type":"address","data":"1.2.3"}', "$.data", /address/],
    ['{"@data-type":"timespan","data":"1d"}', "$.data", /timespan/],
    ['{"@data-type":"timestamp","data":"yesterday"}', "$.data", /timestamp/],
    [
      '{"@data-type":"set","data":[{"@data-type":"real","data":0.0},{"@data-type":"real","data":-0.0}]}',
      "$.data[1]",
      /duplicate/,
    ],
    [
      '{"@data-type":"table","data":[{"key":{"@data-type":"none"},"value":{"@data-type":"none"}},{"key":{"@data-type":"none"}}]}',
      "$.data[1]",
      /key/,
    ],
    ["[1, 2", "$", /./],
    ['{"@data-type":"none"} x', "$", /trailing/],
  ])("rejects %s at %s", (json, path, problem) => {
    let error: unknown;
    try {
      fromJson(json);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(JsonDecodeError);
    expect((error as JsonDecodeError).path).toBe(path);
    expect((error as JsonDecodeError).message).toMatch(problem);
  });

  it("bounds nesting", () => {
    const deep = '{"@data-type":"vector","data":['.repeat(200) + "]}".repeat(200);
    expect(() => fromJson(deep)).toThrow(JsonDecodeError);
  });

  it("reads back Broker's own non-JSON output (raw bytes, \\v, nan)", () => {
    const v = vector([
      stringFromBytes(new Uint8Array([0xff, 0x0b, 0x01])),
      real(Number.NaN),
      real(Number.POSITIVE_INFINITY),
    ]);
    expect(equals(fromJson(toJsonBytes(v)), v)).toBe(true);
  });
});

describe("JsonData schema", () => {
  it("accepts the parsed form of Broker's JSON and rejects other shapes", () => {
    const v = vector([count(1), table([[string("k"), set([port(1, "udp")])]]), timespan(5), none()]);
    expect(Value.Check(JsonData, JSON.parse(toJson(v)))).toBe(true);
    expect(
      Value.Check(JsonData, { "@data-type": "vector", data: [{ "@data-type": "count", data: "1" }] }),
    ).toBe(false);
    expect(Value.Check(JsonData, { "@data-type": "table", data: [{ key: { "@data-type": "none" } }] })).toBe(
      false,
    );
  });
});
