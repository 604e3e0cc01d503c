// Replays the server side of a real Zeek WebSocket session to our client and
// checks that the client sends what the real client sent: its subscriptions,
// then the same data messages, in masked frames.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { concatDirection, readTcpConnections } from "@brokerkit/capture";
import { toJsonBinary } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { corpusDir, hasSubfolder } from "../../../../test-support/corpus.js";
import { decodeApiMessage } from "./api.js";
import { connect, type WebSocketConstructorLike } from "./client.js";
import { WebSocketStreamDecoder } from "./frames.js";
import { startScriptedServer } from "./test-server.js";

const texts = (bytes: Uint8Array) =>
  new WebSocketStreamDecoder()
    .push(bytes)
    .filter((m) => m.opcode === 1 && !m.compressed)
    .map((m) => m.payload);

describe("client against a replayed Zeek session", () => {
  const files = hasSubfolder("zeek-websocket")
    ? readdirSync(join(corpusDir(), "zeek-websocket")).filter((f) => f.endsWith(".pcap"))
    : [];
  it("has the Zeek WebSocket capture wherever that folder exists", () => {
    if (hasSubfolder("zeek-websocket")) expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(`${file}: our client sends what the real client sent`, async () => {
      const [conn] = readTcpConnections(readFileSync(join(corpusDir(), "zeek-websocket", file)));
      const clientSent = texts(concatDirection(conn!, "orig")).map((t) => decodeApiMessage(t));
      const serverSent = texts(concatDirection(conn!, "resp")).map((t) => new TextDecoder().decode(t));
      const subscriptions = clientSent[0]!;
      expect(subscriptions.type).toBe("subscriptions");

      // The server: after the subscriptions, everything the real server sent, in order.
      const server = await startScriptedServer((c, _m, i) => {
        if (i === 0) for (const t of serverSent) c.sendText(t);
      });
      const client = connect(server.url, {
        topics: subscriptions.type === "subscriptions" ? subscriptions.topics : [],
        WebSocket: WebSocket as unknown as WebSocketConstructorLike,
      });
      const published = clientSent.slice(1).filter((m) => m.type === "data-message");
      for (const m of published) if (m.type === "data-message") client.publish(m.topic, m.value);
      expect(published.length).toBeGreaterThan(0);
      let received = 0;
      const expectedData = serverSent.filter((t) => decodeApiMessage(t).type === "data-message").length;
      expect(expectedData).toBeGreaterThan(0);
      for await (const m of client) {
        if (m.type === "data-message" && ++received === expectedData) break;
      }
      // Let the published messages arrive before comparing.
      for (let i = 0; i < 100 && server.connections[0]!.received.length < clientSent.length; i++)
        await new Promise((r) => setTimeout(r, 10));
      await server.close();

      const ours = server.connections[0]!.received;
      expect(ours.every((m) => m.frames.every((f) => f.mask !== undefined))).toBe(true);
      const decoded = ours.filter((m) => m.opcode === 1).map((m) => decodeApiMessage(m.payload));
      expect(decoded[0]).toEqual(subscriptions);
      const norm = (m: ReturnType<typeof decodeApiMessage>) =>
        m.type === "data-message" ? `${m.topic} ${toJsonBinary(m.value)}` : JSON.stringify(m);
      expect(decoded.slice(1).map(norm)).toEqual(published.map(norm));
      expect(received).toBe(expectedData);
    });
  }
});
