import { binaryToUtf8, type Data } from "@brokerkit/data-model";
import { asZeekMessage, type ZeekMessage, zeekMessageToData } from "../zeek/messages.js";
import { decodeApiMessage, encodeApiMessageBinary, type WebSocketApiMessage } from "./api.js";

// A client for Broker's and Zeek's WebSocket JSON API. It takes the WebSocket
// implementation as an option (the global WebSocket in browsers and Node 22+,
// the `ws` package's WebSocket in Node 20), so this module stays platform-free.

/** The part of the WebSocket interface the client uses (browsers' and `ws`'s both fit). */
export interface WebSocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

export interface ConnectOptions {
  /** Topic prefixes to subscribe to (may be empty to only publish). */
  readonly topics: readonly string[];
  /** The WebSocket class; defaults to globalThis.WebSocket. */
  readonly WebSocket?: WebSocketConstructorLike;
  /** Reconnect with exponential backoff when the connection drops (not after close()). */
  readonly reconnect?: {
    readonly initialDelayMs?: number;
    readonly maxDelayMs?: number;
    readonly maxAttempts?: number;
  };
}

/** What the client yields: API messages, with a data message's Zeek layout when it has one. */
export type IncomingMessage =
  | Exclude<WebSocketApiMessage, { type: "data-message" }>
  | {
      readonly type: "data-message";
      readonly topic: string;
      readonly value: Data;
      readonly zeek?: ZeekMessage;
    }
  /** A text the server sent that is not an API message. */
  | { readonly type: "invalid"; readonly text: string; readonly error: Error };

export interface ZeekWebSocket extends AsyncIterable<IncomingMessage> {
  /** Resolves with the server's ack of the (first) connection. */
  readonly ack: Promise<{ endpoint: string; version: string }>;
  /** Send a data message: any Broker value, or a Zeek message such as an event. */
  publish(topic: string, payload: Data | ZeekMessage): void;
  /** Close for good: the iteration ends. */
  close(): void;
}

function textOf(data: unknown): Uint8Array | string {
  if (typeof data === "string") return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return String(data);
}

const isZeekMessage = (p: Data | ZeekMessage): p is ZeekMessage =>
  p.type === "event" ||
  p.type === "log_create" ||
  p.type === "log_write" ||
  p.type === "identifier_update" ||
  p.type === "batch";

export function connect(url: string, options: ConnectOptions): ZeekWebSocket {
  const WS = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (!WS)
    throw new TypeError(
      "connect: no WebSocket implementation (pass options.WebSocket, e.g. the ws package's)",
    );
  const queue: IncomingMessage[] = [];
  const waiting: ((r: IteratorResult<IncomingMessage>) => void)[] = [];
  const outbox: string[] = [];
  let socket: WebSocketLike | undefined;
  let open = false;
  let closedForGood = false;
  let attempts = 0;
  let resolveAck!: (a: { endpoint: string; version: string }) => void;
  let rejectAck!: (e: Error) => void;
  const ack = new Promise<{ endpoint: string; version: string }>((res, rej) => {
    resolveAck = res;
    rejectAck = rej;
  });
  ack.catch(() => {}); // a caller that never awaits the ack must not see an unhandled rejection

  const deliver = (m: IncomingMessage) => {
    const w = waiting.shift();
    if (w) w({ value: m, done: false });
    else queue.push(m);
  };
  const finish = () => {
    closedForGood = true;
    rejectAck(new Error("connection closed before the server's ack"));
    for (const w of waiting.splice(0)) w({ value: undefined, done: true });
  };

  const start = () => {
    const ws = new WS(url);
    socket = ws;
    ws.onopen = () => {
      open = true;
      attempts = 0;
      ws.send(binaryToUtf8(encodeApiMessageBinary({ type: "subscriptions", topics: options.topics })));
      for (const m of outbox.splice(0)) ws.send(m);
    };
    ws.onmessage = (ev) => {
      const raw = textOf(ev.data);
      let m: WebSocketApiMessage;
      try {
        m = decodeApiMessage(raw);
      } catch (e) {
        deliver({
          type: "invalid",
          text: typeof raw === "string" ? raw : new TextDecoder().decode(raw),
          error: e as Error,
        });
        return;
      }
      if (m.type === "ack") resolveAck({ endpoint: m.endpoint, version: m.version });
      if (m.type === "data-message") {
        const zeek = asZeekMessage(m.value);
        deliver(zeek ? { ...m, zeek } : m);
      } else if (m.type !== "subscriptions") {
        deliver(m);
      }
    };
    ws.onerror = () => {};
    ws.onclose = () => {
      open = false;
      const r = options.reconnect;
      if (closedForGood || !r || attempts >= (r.maxAttempts ?? Number.POSITIVE_INFINITY)) {
        if (!closedForGood) finish();
        return;
      }
      const delay = Math.min((r.initialDelayMs ?? 250) * 2 ** attempts++, r.maxDelayMs ?? 30_000);
      setTimeout(() => {
        if (!closedForGood) start();
      }, delay);
    };
  };
  start();

  const client: ZeekWebSocket = {
    ack,
    publish(topic, payload) {
      const value = isZeekMessage(payload) ? zeekMessageToData(payload) : payload;
      const text = binaryToUtf8(encodeApiMessageBinary({ type: "data-message", topic, value }));
      if (open && socket) socket.send(text);
      else outbox.push(text);
    },
    close() {
      if (closedForGood) return;
      socket?.close(1000, "");
      finish();
    },
    [Symbol.asyncIterator]() {
      return {
        next: () =>
          queue.length > 0
            ? Promise.resolve({ value: queue.shift()!, done: false })
            : closedForGood
              ? Promise.resolve({ value: undefined, done: true })
              : new Promise((res) => waiting.push(res)),
        return: () => {
          client.close();
          return Promise.resolve({ value: undefined, done: true });
        },
      };
    },
  };
  return client;
}
