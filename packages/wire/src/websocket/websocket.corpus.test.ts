// Captured WebSocket sessions (Zeek's and Broker's JSON API): every frame
// decodes and re-encodes to the captured bytes, client frames are masked, and
// every JSON data message decodes to Broker data whose JSON reads back the same.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import {
  type Data,
  fromJson,
  fromJsonTree,
  JsonDecodeError,
  type JsonNode,
  parseJson,
  toJsonBinary,
  toJsonBytes,
} from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import { corpusDir, hasSubfolder } from "../../../../test-support/corpus.js";
import { decodeApiMessage, encodeApiMessageBinary } from "./api.js";
import { encodeWebSocketFrame, WebSocketStreamDecoder } from "./frames.js";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function captures(): { sub: string; file: string; manifest?: Record<string, unknown> }[] {
  const out: { sub: string; file: string; manifest?: Record<string, unknown> }[] = [];
  for (const sub of ["zeek-websocket", "broker-current"]) {
    if (!hasSubfolder(sub)) continue;
    for (const f of readdirSync(join(corpusDir(), sub))
      .filter((n) => n.endsWith(".pcap"))
      .sort()) {
      const manifestPath = join(corpusDir(), sub, f.replace(/\.pcap$/, ".json"));
      let manifest: Record<string, unknown> | undefined;
      try {
        manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      } catch {
        manifest = undefined;
      }
      const bytes = readFileSync(join(corpusDir(), sub, f));
      // Only captures whose connections speak WebSocket (an HTTP upgrade to /v1/messages/json).
      if (
        Buffer.from(bytes).includes("Upgrade: websocket") ||
        Buffer.from(bytes).includes("upgrade: websocket")
      ) {
        out.push({ sub, file: f, ...(manifest ? { manifest } : {}) });
      }
    }
  }
  return out;
}

describe("WebSocket captures", () => {
  const files = captures();
  it("has WebSocket captures wherever the corpus has the WebSocket folders", () => {
    if (hasSubfolder("zeek-websocket")) expect(files.length).toBeGreaterThan(0);
  });

  for (const { sub, file, manifest } of files) {
    it(`${sub}/${file}: frames decode and re-encode exactly; JSON data messages round-trip`, () => {
      const conns = readTcpConnections(readFileSync(join(corpusDir(), sub, file)));
      let dataMessages = 0;
      const texts: { connection: number; dir: string; text: string }[] = [];
      for (const [ci, conn] of conns.entries()) {
        const server = new WebSocketStreamDecoder();
        server.push(concatDirection(conn, "resp"));
        if (!server.httpHead || server.refused) continue; // the server did not switch to WebSocket
        for (const dir of ["orig", "resp"] as const) {
          const bytes = concatDirection(conn, dir);
          const d = new WebSocketStreamDecoder();
          const messages = d.push(bytes);
          if (!d.httpHead) continue; // not upgraded (e.g. a rejected request)
          const head = Buffer.byteLength(d.httpHead, "latin1");
          const frames = messages.flatMap((m) => m.frames);
          const reencoded = Buffer.concat(frames.map(encodeWebSocketFrame));
          expect(reencoded.equals(Buffer.from(bytes.subarray(head, head + reencoded.length)))).toBe(true);
          for (const f of frames) expect(f.mask !== undefined).toBe(dir === "orig");
          for (const m of messages) {
            if (m.opcode !== 1 || m.compressed) continue;
            texts.push({ connection: ci + 1, dir, text: text(m.payload) });
            let tree: JsonNode;
            try {
              tree = parseJson(m.payload);
            } catch {
              continue; // not JSON: e.g. a client's deliberately malformed input
            }
            // Current Broker's server writes exactly what encodeApiMessageBinary writes.
            if (dir === "resp" && !text(m.payload).includes('": ')) {
              expect(encodeApiMessageBinary(decodeApiMessage(m.payload))).toBe(
                Buffer.from(m.payload).toString("latin1"),
              );
            }
            if (tree.kind !== "object" || !tree.entries.some(([k]) => k === "@data-type")) continue;
            let value: Data;
            try {
              value = fromJsonTree(tree);
            } catch (e) {
              // Clients' invalid inputs (Broker answered them with errors; data-model's corpus test checks which).
              if (e instanceof JsonDecodeError && dir === "orig") continue;
              throw e;
            }
            // JSON keeps 6 decimals and milliseconds, so compare JSON forms: re-encoded, it reads back the same.
            const json = toJsonBinary(value);
            expect(toJsonBinary(fromJson(toJsonBytes(value))), json).toBe(json);
            dataMessages++;
          }
        }
      }
      expect(dataMessages).toBeGreaterThan(0);
      // Where a manifest lists the text frames, they are exactly what was decoded, in order.
      const listed = (
        manifest?.messages as
          | { connection?: number; direction?: string; frame?: string; text?: string }[]
          | undefined
      )?.filter((m) => m.frame === "text" && typeof m.text === "string");
      if (listed && listed.length > 0) {
        const dirOf = (d: string) => (d.startsWith("client") ? "orig" : "resp");
        for (const c of new Set(listed.map((m) => m.connection))) {
          for (const dir of ["orig", "resp"]) {
            const want = listed
              .filter((m) => m.connection === c && dirOf(m.direction ?? "") === dir)
              .map((m) => m.text);
            const got = texts.filter((t) => t.connection === c && t.dir === dir).map((t) => t.text);
            expect(got.slice(0, want.length)).toEqual(want);
          }
        }
      }
    });
  }
});
