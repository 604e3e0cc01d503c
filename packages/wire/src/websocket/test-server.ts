// A WebSocket server for tests, on 127.0.0.1, built on this package's own
// framing so a test can see exactly what the client put on the wire.
import { createHash } from "node:crypto";
import { createServer, type Socket } from "node:net";
import { encodeWebSocketFrame, type WebSocketMessage, WebSocketStreamDecoder } from "./frames.js";

export interface ScriptedConnection {
  /** Every message the client sent, with its frames (to check masking). */
  readonly received: WebSocketMessage[];
  sendText(text: string): void;
  end(): void;
}

export async function startScriptedServer(
  onMessage: (conn: ScriptedConnection, m: WebSocketMessage, index: number) => void,
): Promise<{ url: string; connections: ScriptedConnection[]; close(): Promise<void> }> {
  const connections: ScriptedConnection[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const decoder = new WebSocketStreamDecoder(false);
    let upgraded = false;
    const conn: ScriptedConnection = {
      received: [],
      sendText: (text) =>
        socket.write(
          encodeWebSocketFrame({
            fin: true,
            rsv: 0,
            opcode: 1,
            payload: new TextEncoder().encode(text),
            lengthForm: 7,
          }),
        ),
      end: () => socket.destroy(),
    };
    connections.push(conn);
    socket.on("data", (chunk) => {
      for (const m of decoder.push(new Uint8Array(chunk))) {
        conn.received.push(m);
        if (m.opcode === 8) socket.end();
        else onMessage(conn, m, conn.received.length - 1);
      }
      if (!upgraded && decoder.httpHead) {
        upgraded = true;
        const key = /sec-websocket-key: *(\S+)/i.exec(decoder.httpHead)?.[1] ?? "";
        const accept = createHash("sha1")
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest("base64");
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
      }
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  const port = (server.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}/v1/messages/json`,
    connections,
    close: () =>
      new Promise((res) => {
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}
