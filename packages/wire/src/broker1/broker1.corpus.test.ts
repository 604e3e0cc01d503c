// Real Broker 1.4 captures: every BASP message decodes (as the manifest lists
// it, where it does), every data message sent is found with its topic and
// value, store commands decode, and re-encoding reproduces each direction's bytes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import { type Data, equals, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../../test-support/corpus.js";
import { dataFromBroker14Typed } from "../../../../test-support/manifest-values.js";
import { decodeData } from "../data/decode.js";
import { encodeData } from "../data/encode.js";
import { BASP_OPERATIONS, encodeBaspMessage } from "./basp.js";
import { decodeBroker1Connection, nodeMessagesOf } from "./connection.js";
import { baspPayloadText } from "./text.js";

// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped JSON
type Obj = Record<string, any>;

const files = manifests("broker-1.4").filter((f) => typeof f.manifest.pcap === "string");

/** What a CAF 0.17 receiver holds for a value handed to Broker (reals change as CAF 0.17 packs them). */
const asReceived = (v: Data) => decodeData(encodeData(v, { format: "broker-1" }), { format: "broker-1" });

describe("Broker 1.4 captures", () => {
  it("has captures wherever the corpus has a broker-1.4 folder", () => {
    if (hasSubfolder("broker-1.4")) expect(files.length).toBeGreaterThan(0);
  });

  for (const { name, manifest } of files) {
    const m = manifest as Obj;
    const conns = readTcpConnections(readFileSync(join(corpusDir(), "broker-1.4", m.pcap)));
    const decoded = conns.map((c) => ({ conn: c, messages: decodeBroker1Connection(c) }));
    const all = decoded.flatMap((d) => d.messages);

    it(`${name}: every message reads as text, none as a bare type signature`, () => {
      for (const { message } of all) expect(baspPayloadText(message.payload)).not.toMatch(/^$|@<>/);
    });

    it(`${name}: every BASP message decodes, and re-encoding gives the captured bytes`, () => {
      expect(all.length).toBeGreaterThan(0);
      expect(all.filter((x) => x.message.payload.kind === "unknown").map((x) => x.message.payload)).toEqual(
        [],
      );
      for (const { conn, messages } of decoded) {
        for (const dir of ["orig", "resp"] as const) {
          const parts = messages.filter((x) => x.dir === dir).map((x) => encodeBaspMessage(x.message));
          expect(Buffer.concat(parts).equals(Buffer.from(concatDirection(conn, dir)))).toBe(true);
        }
      }
    });

    if (Array.isArray(m.basp_messages)) {
      it(`${name}: BASP headers equal the manifest's list`, () => {
        const expected = (m.basp_messages as Obj[]).map((b) => ({
          op: b.op,
          frame: b.frame,
          dir: String(b.dir).startsWith("server") ? "resp" : "orig",
          payloadLength: b.payload_len,
          operationData: BigInt(b.operation_data),
          sourceActor: BigInt(b.source_actor),
          destActor: BigInt(b.dest_actor),
        }));
        const got = all.map((x) => ({
          op: BASP_OPERATIONS[x.message.header.operation],
          frame: x.frame,
          dir: x.dir,
          payloadLength: x.message.header.payloadLength,
          operationData: x.message.header.operationData,
          sourceActor: x.message.header.sourceActor,
          destActor: x.message.header.destActor,
        }));
        const key = (e: { frame: number | undefined; dir: string; op: string | undefined }) =>
          `${e.frame}-${e.dir}-${e.op}`;
        expect(got.map(key).sort()).toEqual(expected.map(key).sort());
        for (const e of expected) expect(got).toContainEqual(e);
      });
    }

    if (Array.isArray(m.sent)) {
      it(`${name}: every data message sent is on the wire with its topic and value`, () => {
        const data = all.flatMap((x) => nodeMessagesOf(x.message)).map((n) => n.content);
        const direct = all.flatMap((x) =>
          x.message.payload.kind === "direct_message"
            ? x.message.payload.message.elements.flatMap((e) =>
                e.type === "broker::data_message" ? [e.value] : [],
              )
            : [],
        );
        // Messages on one topic arrive in the order they were sent.
        const seen = new Map<string, number>();
        for (const s of m.sent as Obj[]) {
          if (!s.received) continue; // never delivered (e.g. after the CAF 0.17 infinity hang): not on the wire
          const expected = s.wire?.typed
            ? dataFromBroker14Typed(s.wire.typed)
            : asReceived(dataFromBroker14Typed(s.typed));
          const topic = Buffer.from(s.topic, "utf8").toString("latin1");
          const found = [...data.filter((c) => c.kind === "data"), ...direct].filter(
            (c) => c.topic === topic,
          );
          const k = seen.get(topic) ?? 0;
          seen.set(topic, k + 1);
          const hit = found[k];
          expect(hit, `seq ${s.seq} ${s.topic}`).toBeDefined();
          const value = hit && "data" in hit ? hit.data : undefined;
          expect(value && toText(value), `seq ${s.seq}`).toBe(toText(expected));
          expect(value && equals(value, expected), `seq ${s.seq}`).toBe(true);
        }
      });
    }

    if (Array.isArray(m.command_messages)) {
      it(`${name}: store commands decode as the manifest lists them`, () => {
        const commands = all
          .flatMap((x) => nodeMessagesOf(x.message))
          .flatMap((n) => (n.content.kind === "command" ? [n.content] : []));
        expect(commands.map((c) => c.command.kind)).toEqual(
          (m.command_messages as Obj[]).map((c) => c.command.cmd),
        );
        for (const [i, c] of (m.command_messages as Obj[]).entries()) {
          const got = commands[i]!.command;
          if (c.command.key)
            expect("key" in got && toText(got.key)).toBe(toText(dataFromBroker14Typed(c.command.key)));
          if (c.command.value)
            expect("value" in got && toText(got.value)).toBe(toText(dataFromBroker14Typed(c.command.value)));
        }
      });
    }
  }
});
