import { count, DATA_TYPES, equals, JsonDecodeError, string, vector } from "@brokerkit/data-model";
import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ApiAck,
  ApiDataMessage,
  ApiError,
  ApiSubscriptions,
  decodeApiMessage,
  encodeApiMessageBinary,
} from "./api.js";

describe("WebSocket JSON API messages", () => {
  it("decodes the older CAF-made JSON with spaces (the Zeek fixture's ack)", () => {
    const m = decodeApiMessage(
      '{"type": "ack", "endpoint": "cfc03c41-7983-5fe2-b22e-6894100e6305", "version": "2.8.0-dev"}',
    );
    expect(m).toEqual({
      type: "ack",
      endpoint: "cfc03c41-7983-5fe2-b22e-6894100e6305",
      version: "2.8.0-dev",
    });
    expect(encodeApiMessageBinary(m)).toBe(
      '{"type":"ack","endpoint":"cfc03c41-7983-5fe2-b22e-6894100e6305","version":"2.8.0-dev"}',
    );
  });

  it("decodes subscriptions, errors and data messages, and encodes them as Broker does", () => {
    expect(decodeApiMessage('["/a", "/b"]')).toEqual({ type: "subscriptions", topics: ["/a", "/b"] });
    const err =
      '{"type":"error","code":"deserialization_failed","context":"input #14 contained invalid data"}';
    expect(encodeApiMessageBinary(decodeApiMessage(err))).toBe(err);
    const data =
      '{"type":"data-message","topic":"/t","@data-type":"vector","data":[{"@data-type":"count","data":1}]}';
    const m = decodeApiMessage(data);
    expect(m.type === "data-message" && equals(m.value, vector([count(1)]))).toBe(true);
    expect(encodeApiMessageBinary(m)).toBe(data);
  });

  it("rejects what is not an API message with a path", () => {
    expect(() => decodeApiMessage('{"type":"event"}')).toThrow(/\$\.type/);
    expect(() => decodeApiMessage("[1]")).toThrow(/\$\[0\]/);
    expect(() =>
      decodeApiMessage('{"type":"data-message","topic":"/t","@data-type":"real","data":3}'),
    ).toThrow(/real/);
  });

  // Reals are left out: CAF reads %f text back not correctly rounded (see data-model).
  it("round-trips data messages, and the parsed JSON satisfies the TypeBox schemas", () => {
    fc.assert(
      fc.property(
        fc.string(),
        arbitraryData({ maxDepth: 2, types: DATA_TYPES.filter((t) => t !== "real") }),
        (topic, value) => {
          const m = { type: "data-message" as const, topic, value };
          const text = encodeApiMessageBinary(m);
          const back = decodeApiMessage(new Uint8Array(Buffer.from(text, "latin1")));
          expect(back.type === "data-message" && back.topic).toBe(topic);
          expect(encodeApiMessageBinary(back)).toBe(text);
        },
      ),
      { numRuns: 300 },
    );
    expect(Value.Check(ApiAck, { type: "ack", endpoint: "x", version: "y" })).toBe(true);
    expect(Value.Check(ApiError, { type: "error", code: "type_clash" })).toBe(false);
    expect(Value.Check(ApiSubscriptions, ["/a"])).toBe(true);
    expect(
      Value.Check(
        ApiDataMessage,
        JSON.parse(encodeApiMessageBinary({ type: "data-message", topic: "/t", value: string("x") })),
      ),
    ).toBe(true);
  });
});

describe("every API message round-trips", () => {
  it("subscriptions, acks and errors decode to what was encoded", () => {
    const message = fc.oneof(
      fc.record({
        type: fc.constant("subscriptions" as const),
        topics: fc.array(fc.string(), { maxLength: 5 }),
      }),
      fc.record({ type: fc.constant("ack" as const), endpoint: fc.string(), version: fc.string() }),
      fc.record({
        type: fc.constant("error" as const),
        code: fc.constantFrom("type_clash", "deserialization_failed", "invalid_data"),
        context: fc.string(),
      }),
    );
    fc.assert(
      fc.property(message, (m) => {
        // Lone surrogates cannot travel in UTF-8 text; skip them.
        fc.pre(
          !JSON.stringify(m).match(/\\ud[89a-f]/i) &&
            ![...JSON.stringify(m)].some((c) => c >= "\ud800" && c <= "\udfff"),
        );
        expect(decodeApiMessage(new Uint8Array(Buffer.from(encodeApiMessageBinary(m), "latin1")))).toEqual(m);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("hostile input", () => {
  it("arbitrary bytes and arbitrary JSON give an API message or a JsonDecodeError, nothing else", () => {
    const dataish = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: "small" },
        fc.record({
          "@data-type": fc.constantFrom(
            "count",
            "integer",
            "real",
            "string",
            "address",
            "subnet",
            "port",
            "timestamp",
            "timespan",
            "set",
            "table",
            "vector",
            "enum-value",
            "none",
            "bogus",
          ),
          data: fc.oneof(fc.jsonValue(), fc.array(tie("v"), { maxLength: 3 })),
        }),
        fc.jsonValue(),
      ),
    })).v;
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.jsonValue().map((j) => JSON.stringify(j) ?? "null"),
      dataish.map((d) => JSON.stringify({ type: "data-message", topic: "/t", ...(d as object) })),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        try {
          decodeApiMessage(input);
        } catch (e) {
          expect(e).toBeInstanceOf(JsonDecodeError);
        }
      }),
      { numRuns: 10000 },
    );
  });
});
