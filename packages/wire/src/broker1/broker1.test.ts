import { arbitraryData } from "@brokerkit/data-model/arbitrary";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError } from "../errors.js";
import { Writer } from "../writer.js";
import { atom, atomText } from "./atom.js";
import { type BaspMessage, BaspStreamDecoder, encodeBaspMessage } from "./basp.js";
import type { ActorHandle, CafValue } from "./caf-message.js";
import { CafWriter } from "./caf-writer.js";
import { nodeMessagesOf } from "./connection.js";
import { type NodeId, nodeIdText } from "./node-id.js";
import { signatureTypes } from "./signature.js";

const hex = (h: string) => new Uint8Array(Buffer.from(h.replace(/[\s|]/g, ""), "hex"));
const HOST = "bffadf3ac9f1142f6446ca706c9bb0f69b114400";
const nodeHex = (pid: number) => `00003e9aab9bac79${pid.toString(16).padStart(8, "0")}${HOST}`;

function decodeAll(bytes: Uint8Array): BaspMessage[] {
  return new BaspStreamDecoder().push(bytes).map((f) => f.message);
}

describe("CAF primitives", () => {
  it.each([
    ["", 0xfn],
    ["ok", 0xfd30n],
    ["peer", 0xfd6aab7n],
    ["update", 0xfeb5a66e6an],
    ["SpawnServ", 0x03ddd66f3376adfbn],
    ["ConfigServ", 0xf374cebbac76adfbn],
  ])("atom %j is 0x%s", (text, value) => {
    expect(atom(text).value).toBe(value);
    expect(atomText(value)).toBe(text);
  });

  it("splits signatures, keeping template arguments whole", () => {
    expect(signatureTypes("@<>")).toEqual([]);
    expect(signatureTypes("@<>+@atom+caf::stream<broker::node_message>")).toEqual([
      "@atom",
      "caf::stream<broker::node_message>",
    ]);
    expect(signatureTypes("nonsense")).toBeUndefined();
  });
});

describe("BASP (spec §10.1 walk-through)", () => {
  const serverHandshake = `00 0000 00 00000034 0000000000000003 0000000000000000 0000000000000000 ${nodeHex(15610)} 01 09 62726f6b65722e7632 0000000000000006 00`;
  const peerRequest =
    "02 0000 00 00000093 1000000000000000 0000000000000006 0000000000000006" +
    ` 01 0000000000000006 ${nodeHex(15612)}` +
    ` 0000 24 ${Buffer.from("@<>+@atom+broker::filter_type+@actor").toString("hex")}` +
    ` 000000000fd6aab7 01 11 ${Buffer.from("/bk/from-listener").toString("hex")} 0000000000000006 ${nodeHex(15612)}`;

  it("decodes the server handshake", () => {
    const [m] = decodeAll(hex(serverHandshake));
    expect(m!.header).toMatchObject({ operation: 0, payloadLength: 52, operationData: 3n });
    expect(m!.payload).toMatchObject({
      kind: "server_handshake",
      appIds: ["broker.v2"],
      publishedActor: 6n,
      signatures: [],
    });
    if (m!.payload.kind === "server_handshake")
      expect(nodeIdText(m!.payload.node)).toBe(`${HOST.toUpperCase()}#15610`);
  });

  it("decodes the peering request ('peer', filter, core) and re-encodes it byte for byte", () => {
    const bytes = hex(peerRequest);
    const [m] = decodeAll(bytes);
    expect(m!.payload.kind).toBe("direct_message");
    if (m!.payload.kind !== "direct_message") return;
    const [a, f, core] = m!.payload.message.elements;
    expect(a).toMatchObject({ type: "@atom", value: { text: "peer" } });
    expect(f).toEqual({ type: "broker::filter_type", value: ["/bk/from-listener"] });
    expect(core).toMatchObject({ type: "@actor", value: { id: 6n } });
    expect(Buffer.from(encodeBaspMessage(m!)).equals(Buffer.from(bytes))).toBe(true);
  });

  it("decodes a stream of messages fed one byte at a time", () => {
    const all = hex(serverHandshake + peerRequest);
    const d = new BaspStreamDecoder();
    const out = [];
    for (const b of all) out.push(...d.push(new Uint8Array([b])));
    expect(out.map((f) => f.offset)).toEqual([0, 84]);
    expect(d.pending).toBe(0);
  });

  it("keeps undecodable payloads as unknown, exactly, and goes on with the next message", () => {
    const broken = "02 0000 00 00000004 1000000000000000 0000000000000006 0000000000000006 00 0000 ff";
    const [m, next] = decodeAll(hex(broken + serverHandshake));
    expect(m!.payload.kind).toBe("unknown");
    expect(next!.payload.kind).toBe("server_handshake");
    expect(Buffer.from(encodeBaspMessage(m!)).toString("hex")).toBe(broken.replace(/\s/g, ""));
  });
});

const node: fc.Arbitrary<NodeId> = fc.oneof(
  fc.constant({ kind: "none" as const }),
  fc.record({
    kind: fc.constant("default" as const),
    processId: fc.nat(),
    hostId: fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => String.fromCharCode(...b)),
  }),
);
const handle: fc.Arbitrary<ActorHandle> = fc.record({
  id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  node,
});

// A downstream batch of node messages, as Broker 1.4 peers exchange them.
const batch = fc
  .tuple(
    handle,
    fc.array(
      fc.tuple(
        fc.string(),
        arbitraryData({ noInfinity: true, noSubnormal: true, maxDepth: 2 }),
        fc.integer({ min: 0, max: 65535 }),
      ),
      { maxLength: 4 },
    ),
    fc.bigInt({ min: 0n, max: 2n ** 62n }),
  )
  .map(([sender, items, id]): BaspMessage => {
    const nodeMessages = items.map(([topic, data, ttl]) => ({
      content: { kind: "data" as const, topic, data },
      ttl,
      receivers: [],
    }));
    return {
      header: {
        operation: 2,
        padding: 0,
        flags: 0,
        payloadLength: 0,
        operationData: 0x3000000000000000n,
        sourceActor: 6n,
        destActor: 6n,
      },
      payload: {
        kind: "direct_message",
        stages: [],
        message: {
          typeNumber: 0,
          signature: "@<>+@downstream_msg",
          elements: [
            {
              type: "@downstream_msg",
              value: {
                slots: { sender: 3, receiver: 3 },
                sender,
                kind: "batch",
                size: nodeMessages.length,
                xs: {
                  typeNumber: 0,
                  signature: "@<>+std::vector<broker::node_message>",
                  elements: [{ type: "std::vector<broker::node_message>", value: nodeMessages }],
                },
                id,
              },
            },
          ],
        },
      },
    };
  });

describe("BASP properties", () => {
  it("decode(encode(m)) re-encodes to the same bytes and keeps every node message", () => {
    fc.assert(
      fc.property(batch, (m) => {
        const bytes = encodeBaspMessage(m);
        const [back] = decodeAll(bytes);
        expect(back!.payload.kind).toBe("direct_message");
        expect(Buffer.from(encodeBaspMessage(back!)).equals(Buffer.from(bytes))).toBe(true);
        expect(nodeMessagesOf(back!).length).toBe(nodeMessagesOf(m).length);
      }),
      { numRuns: 500 },
    );
  });

  it("never yields a message from a strict prefix of one", () => {
    fc.assert(
      fc.property(batch, fc.nat(), (m, cut) => {
        const bytes = encodeBaspMessage(m);
        expect(new BaspStreamDecoder().push(bytes.subarray(0, cut % bytes.length))).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it("turns arbitrary bytes into messages (possibly unknown) or a DecodeError, nothing else", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        try {
          new BaspStreamDecoder({ maxMessageBytes: 1 << 16 }).push(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it("does not misread a batch in Broker 1.2/1.3's layout (node messages without receivers): it is unknown", () => {
    // What a Broker 1.3 peer sends for the same batch, by its sources: the 1.4 layout minus the receivers.
    const broker13 = (m: BaspMessage): Uint8Array => {
      const p = m.payload as Extract<BaspMessage["payload"], { kind: "direct_message" }>;
      const d = (p.message.elements[0] as Extract<CafValue, { type: "@downstream_msg" }>).value;
      if (d.kind !== "batch") throw new Error("a batch");
      const body = new Writer();
      const c = new CafWriter(body);
      body.varbyte(0);
      body.u16(0);
      c.string("@<>+@downstream_msg");
      body.u16(d.slots.sender);
      body.u16(d.slots.receiver);
      c.handle(d.sender);
      body.u8(0);
      body.u32(d.size);
      body.u16(0);
      c.string("@<>+std::vector<broker::node_message>");
      const nodes = nodeMessagesOf(m);
      body.varbyte(nodes.length);
      for (const n of nodes) {
        if (n.content.kind !== "data") throw new Error("data");
        body.u8(0);
        c.string(n.content.topic);
        c.data(n.content.data);
        body.u16(n.ttl);
      }
      body.i64(d.id);
      const payload = body.finish();
      const out = encodeBaspMessage(m).slice(0, 32 + payload.length);
      new DataView(out.buffer).setUint32(4, payload.length);
      out.set(payload, 32);
      return out;
    };
    fc.assert(
      fc.property(batch, (m) => {
        const bytes = broker13(m);
        const [back] = decodeAll(bytes);
        // An empty batch is the same in both layouts (which checks broker13 against the real encoder).
        if (nodeMessagesOf(m).length === 0)
          expect(Buffer.from(bytes).equals(Buffer.from(encodeBaspMessage(m)))).toBe(true);
        else expect(back!.payload.kind).toBe("unknown");
      }),
      { numRuns: 3000 },
    );
  });

  it("finds data messages inside batches", () => {
    const m = fc.sample(batch, { numRuns: 1, seed: 1 })[0]!;
    expect(nodeMessagesOf(m).every((n) => n.content.kind === "data")).toBe(true);
  });
});
