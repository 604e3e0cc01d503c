// biome-ignore-all lint/suspicious/noExplicitAny: manifests are untyped JSON
// Current-Broker captures: every frame decodes as the manifest's frame list
// says, data values equal what was sent, and re-encoding gives the captured bytes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import { equals, toText } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder, manifests } from "../../../../test-support/corpus.js";
import { dataFromCurrentValue } from "../../../../test-support/manifest-values.js";
import { DEFAULT_LIMITS } from "../limits.js";
import { decodeStoreCommand, encodeStoreCommand } from "./command.js";
import { decodeNativeConnection } from "./connection.js";
import { encodeNativeFrame } from "./messages.js";
import { nativeMessageText } from "./text.js";

const hex = (binary: string) => Buffer.from(binary, "latin1").toString("hex");

describe("current-Broker native captures", () => {
  // Native captures are the ones whose manifest lists native frames (WebSocket ones list JSON messages).
  const files = manifests("broker-current").filter((f) => (f.manifest.pcap_frame_summary as any)?.frames);
  it("has native captures wherever that folder exists", () => {
    if (hasSubfolder("broker-current")) expect(files.length).toBeGreaterThan(0);
  });

  for (const { name, manifest } of files) {
    const m = manifest as any;
    let cache:
      | {
          conn: ReturnType<typeof readTcpConnections>[number];
          frames: ReturnType<typeof decodeNativeConnection>;
        }[]
      | undefined;
    const load = () => {
      cache ??= readTcpConnections(readFileSync(join(corpusDir(), "broker-current", m.pcap))).map((c) => ({
        conn: c,
        frames: decodeNativeConnection(c),
      }));
      return cache;
    };

    it(`${name}: every frame decodes and re-encodes to the captured bytes`, () => {
      for (const { conn, frames } of load()) {
        expect(frames.filter((f) => f.message.kind === "unknown").map((f) => f.message)).toEqual([]);
        for (const dir of ["orig", "resp"] as const) {
          const bytes = Buffer.concat(
            frames.filter((f) => f.dir === dir).map((f) => encodeNativeFrame(f.message)),
          );
          expect(bytes.equals(Buffer.from(concatDirection(conn, dir)))).toBe(true);
        }
      }
    });

    it(`${name}: every frame reads as text (a data value, such as an empty string, may read as nothing)`, () => {
      for (const { frames } of load())
        for (const { message } of frames)
          if (message.kind !== "envelope" || message.payload.type !== "data")
            expect(nativeMessageText(message)).not.toBe("");
    });

    it(`${name}: frames equal the manifest's frame list`, () => {
      const listed = (m.pcap_frame_summary.frames as any[]).filter((f) => typeof f.type === "string");
      const got = load().flatMap(({ conn, frames }, stream) =>
        // Bytes that are not frames have no type in the manifest either.
        frames
          .filter((f) => f.message.kind !== "unframed")
          .map((f) => {
            const from = f.dir === "orig" ? conn.orig : conn.resp;
            const msg = f.message;
            const base = {
              stream,
              from: `${from.ip}:${from.port}`,
              type: msg.kind === "envelope" ? msg.payload.type : msg.kind,
            };
            return msg.kind === "envelope"
              ? {
                  ...base,
                  ttl: msg.ttl,
                  sender: hex(msg.sender),
                  receiver: hex(msg.receiver),
                  topic: msg.topic,
                }
              : base;
          }),
      );
      const want = listed.map((f) => {
        const base = { stream: f.stream, from: f.from, type: f.type };
        return f.sender_id_hex
          ? {
              ...base,
              ttl: f.ttl,
              sender: f.sender_id_hex,
              receiver: f.receiver_id_hex,
              topic: Buffer.from(f.topic ?? "<$>", "utf8").toString("latin1"),
            }
          : base;
      });
      const key = (x: { stream: number; from: string; type: string }) => `${x.stream} ${x.from} ${x.type}`;
      expect(got.map(key).sort()).toEqual(want.map(key).sort());
      for (const w of want.filter(
        (x) => "sender" in x && x.type !== "routing_update" && x.type !== "ping" && x.type !== "pong",
      )) {
        expect(got).toContainEqual(w);
      }
    });

    it(`${name}: every store command decodes and re-encodes exactly`, () => {
      for (const { frames } of load()) {
        for (const f of frames) {
          if (f.message.kind !== "envelope" || f.message.payload.type !== "command") continue;
          const raw = f.message.payload.raw;
          const cmd = decodeStoreCommand(raw, DEFAULT_LIMITS);
          expect(Buffer.from(encodeStoreCommand(cmd)).toString("latin1")).toBe(raw);
        }
      }
    });

    if (Array.isArray(m.messages)) {
      it(`${name}: every data message sent is on the wire with its topic and value`, () => {
        const data = load()
          .flatMap((d) => d.frames)
          .flatMap((f) =>
            f.message.kind === "envelope" && f.message.payload.type === "data" ? [f.message] : [],
          );
        const seen = new Map<string, number>();
        let checked = 0;
        for (const s of m.messages as any[]) {
          if (!s.value || typeof s.topic !== "string") continue;
          const topic = Buffer.from(s.topic, "utf8").toString("latin1");
          const k = seen.get(topic) ?? 0;
          seen.set(topic, k + 1);
          const hit = data.filter((e) => e.topic === topic)[k];
          expect(hit, s.label).toBeDefined();
          const expected = dataFromCurrentValue(s.received_value ?? s.value);
          const value = hit!.payload.type === "data" ? hit!.payload.value : undefined;
          expect(value && toText(value), s.label).toBe(toText(expected));
          expect(value && equals(value, expected), s.label).toBe(true);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      });
    }
  }
});
