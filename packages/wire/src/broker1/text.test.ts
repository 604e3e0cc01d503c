import { count, string } from "@brokerkit/data-model";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atom } from "./atom.js";
import { BaspStreamDecoder } from "./basp.js";
import type { ActorHandle, CafMessage, CafValue } from "./caf-message.js";
import type { NodeId } from "./node-id.js";
import { baspPayloadText, cafMessageText, commandText, nodeMessageText } from "./text.js";

const node: NodeId = { kind: "default", processId: 4242, hostId: "\xab".repeat(20) };
const NODE = `${"AB".repeat(20)}#4242`;
const actor: ActorHandle = { id: 6n, node };
const message = (...elements: CafValue[]): CafMessage => ({
  typeNumber: 0,
  signature: `@<>${elements.map((e) => `+${e.type}`).join("")}`,
  elements,
});
const direct = (m: CafMessage) => baspPayloadText({ kind: "direct_message", stages: [], message: m });
const slots = { sender: 3, receiver: 2 };

describe("Broker 1.x messages as text", () => {
  it("prints a peering request as CAF prints a message: atoms in single quotes, strings in double", () => {
    const peer = message(
      { type: "@atom", value: atom("peer") },
      { type: "broker::filter_type", value: ["/zeek/", "caf\xc3\xa9"] },
      { type: "@actor", value: actor },
    );
    expect(direct(peer)).toBe(`('peer', ["/zeek/", "café"], actor 6@${NODE})`);
  });

  it("spells out stream traffic with its slots, ids and credit", () => {
    const upstream = (value: CafValue & { type: "@upstream_msg" }) => direct(message(value));
    expect(
      upstream({
        type: "@upstream_msg",
        value: {
          slots,
          sender: actor,
          kind: "ack_batch",
          newCapacity: 29,
          desiredBatchSize: 1,
          acknowledgedId: 7n,
        },
      }),
    ).toBe("ack_batch(3→2, id 7, capacity 29, batch size 1)");
    expect(upstream({ type: "@upstream_msg", value: { slots, sender: actor, kind: "drop" } })).toBe(
      "drop(3→2)",
    );
    const batch = message({
      type: "@downstream_msg",
      value: {
        slots,
        sender: actor,
        kind: "batch",
        size: 1,
        id: 1n,
        xs: message({
          type: "std::vector<broker::node_message>",
          value: [{ content: { kind: "data", topic: "/t", data: count(5n) }, ttl: 20, receivers: [] }],
        }),
      },
    });
    expect(direct(batch)).toBe('batch(3→2, id 1, ([("/t", 5)]))');
  });

  it("prints node ids, errors and store commands", () => {
    expect(
      baspPayloadText({
        kind: "down_message",
        source: node,
        dest: { kind: "none" },
        reason: { code: 4, category: atom("exit"), context: message() },
      }),
    ).toBe(`down ${NODE} → none error(4, 'exit')`);
    const publisher = { node, object: 1n };
    expect(commandText({ kind: "put", key: string("k"), value: count(1n), publisher })).toBe("put k 1");
    expect(commandText({ kind: "erase", key: string("k"), publisher })).toBe("erase k");
    expect(commandText({ kind: "clear" })).toBe("clear");
    expect(
      nodeMessageText({
        content: { kind: "command", topic: "s", command: { kind: "clear" } },
        ttl: 1,
        receivers: [],
      }),
    ).toBe('("s", clear)');
    expect(cafMessageText(message({ type: "@unit" }, { type: "@timespan", value: 5n }))).toBe("(unit, 5ns)");
  });

  it("renders whatever the decoder makes of arbitrary bytes, without throwing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const d = new BaspStreamDecoder();
        try {
          for (const f of d.push(bytes)) expect(typeof baspPayloadText(f.message.payload)).toBe("string");
        } catch {
          // A DecodeError from the framing (the decoder's own property tests cover it).
        }
      }),
      { numRuns: 2000 },
    );
  });
});
