import type { TcpConnection } from "@brokerkit/capture";

/** The protocols brokerkit decodes (legacy Bro communication will join as "bro-legacy"). */
export type Protocol = "broker-1" | "broker-native" | "broker-websocket" | "unknown";

const first = (conn: TcpConnection, dir: "orig" | "resp", n: number): Uint8Array => {
  const out = new Uint8Array(n);
  let at = 0;
  for (const c of conn.chunks) {
    if (c.dir !== dir || at >= n) continue;
    const take = c.data.subarray(0, n - at);
    out.set(take, at);
    at += take.length;
  }
  return out.subarray(0, at);
};

// A BASP handshake: operation 0 (server) or 1 (client), zero padding, then a
// payload length and, for the server handshake, a non-zero BASP version.
function looksLikeBasp(b: Uint8Array): boolean {
  if (b.length < 32 || b[0]! > 1 || b[1] !== 0 || b[2] !== 0) return false;
  const length = new DataView(b.buffer, b.byteOffset).getUint32(4);
  return length > 0 && length < 1 << 20;
}

// The native handshake: a small length prefix, then hello (6) or probe (7) and the "ZEEK" magic.
function looksLikeNative(b: Uint8Array): boolean {
  return (
    b.length >= 9 &&
    b[0] === 0 &&
    b[1] === 0 &&
    (b[4] === 6 || b[4] === 7) &&
    b[5] === 0x5a &&
    b[6] === 0x45 &&
    b[7] === 0x45 &&
    b[8] === 0x4b
  );
}

function looksLikeWebSocket(b: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(b).toLowerCase();
  return head.startsWith("get ") && head.includes("upgrade: websocket");
}

/**
 * Which protocol a TCP connection speaks, judged by its first bytes (ports are
 * configurable in Zeek, so they only break ties).
 */
export function detectProtocol(conn: TcpConnection): Protocol {
  const orig = first(conn, "orig", 512);
  const resp = first(conn, "resp", 64);
  if (looksLikeWebSocket(orig)) return "broker-websocket";
  if (looksLikeNative(orig) || looksLikeNative(resp)) return "broker-native";
  if (looksLikeBasp(orig) || looksLikeBasp(resp)) return "broker-1";
  if (conn.resp.port === 9999) return "broker-native";
  return "unknown";
}
