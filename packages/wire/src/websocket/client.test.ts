import { count, equals, string } from "@brokerkit/data-model";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { zeekEvent, zeekMessageToData } from "../zeek/messages.js";
import { decodeApiMessage, encodeApiMessageBinary } from "./api.js";
import { connect, type IncomingMessage, type WebSocketConstructorLike } from "./client.js";
import { startScriptedServer } from "./test-server.js";

const WS = WebSocket as unknown as WebSocketConstructorLike;
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const ACK = '{"type":"ack","endpoint":"e","version":"8.0.0"}';

describe("connect()", () => {
  it("subscribes first, publishes masked data messages, and yields typed messages with their Zeek layout", async () => {
    const server = await startScriptedServer((conn, m, i) => {
      if (i === 0) conn.sendText(ACK);
      else conn.sendText(text(m.payload)); // echo
    });
    const client = connect(server.url, { topics: ["/zeek/event/"], WebSocket: WS });
    client.publish("/zeek/event/x", zeekEvent("ping", [string("hi"), count(1)]));
    expect(await client.ack).toEqual({ endpoint: "e", version: "8.0.0" });
    const got: IncomingMessage[] = [];
    for await (const m of client) {
      got.push(m);
      if (m.type === "data-message") break; // ends the iteration and closes
    }
    await server.close();
    const [first, second] = server.connections[0]!.received;
    expect(decodeApiMessage(first!.payload)).toEqual({ type: "subscriptions", topics: ["/zeek/event/"] });
    expect(server.connections[0]!.received.every((m) => m.frames.every((f) => f.mask !== undefined))).toBe(
      true,
    );
    expect(text(second!.payload)).toBe(
      encodeApiMessageBinary({
        type: "data-message",
        topic: "/zeek/event/x",
        value: zeekMessageToData(zeekEvent("ping", [string("hi"), count(1)])),
      }),
    );
    const data = got.find((m) => m.type === "data-message");
    expect(data?.type === "data-message" && data.zeek?.type === "event" && data.zeek.name.binary).toBe(
      "ping",
    );
  });

  it("reconnects with backoff and subscribes again", async () => {
    const server = await startScriptedServer((conn, _m, i) => {
      if (i === 0) {
        conn.sendText(ACK);
        if (server.connections.length === 1) setTimeout(() => conn.end(), 10);
        else conn.sendText('{"type":"data-message","topic":"/t","@data-type":"count","data":7}');
      }
    });
    const client = connect(server.url, {
      topics: ["/t"],
      WebSocket: WS,
      reconnect: { initialDelayMs: 5, maxAttempts: 3 },
    });
    for await (const m of client) {
      if (m.type === "data-message") {
        expect(equals(m.value, count(7))).toBe(true);
        break;
      }
    }
    await server.close();
    expect(server.connections.length).toBe(2);
    expect(decodeApiMessage(server.connections[1]!.received[0]!.payload)).toEqual({
      type: "subscriptions",
      topics: ["/t"],
    });
  });

  it("ends the iteration when the server goes away and no reconnect was asked for", async () => {
    const server = await startScriptedServer((conn) => conn.end());
    const client = connect(server.url, { topics: [], WebSocket: WS });
    const got = [];
    for await (const m of client) got.push(m);
    await server.close();
    expect(got).toEqual([]);
    await expect(client.ack).rejects.toThrow(/closed/);
  });
});
