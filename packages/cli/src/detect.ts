import type { TcpConnection } from "@brokerkit/capture";
import { detectLegacyComm, LegacyConnectionDecoder } from "@brokerkit/legacy-comm";
import { BaspStreamDecoder, NativeConnectionDecoder, WebSocketStreamDecoder } from "@brokerkit/wire";

/**
 * What a connection speaks: one of the protocols brokerkit decodes, `tls`
 * (recognised but opaque: Broker encrypts peerings unless `disable_ssl` is
 * set), or `unknown`.
 */
export const PROTOCOLS = [
  "broker-1",
  "broker-native",
  "broker-websocket",
  "bro-legacy",
  "tls",
  "unknown",
] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Bytes of each direction detection looks at, at most (a connection joined midway may need a whole message). */
export const DETECT_BYTES = { start: { orig: 512, resp: 64 }, midStream: 1 << 16 } as const;

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

// A TLS record header (RFC 8446 §5.1): content type 20-23, legacy version 3.0-3.4, a length
// within the record limit. No Broker framing can start so: it would announce hundreds of MB.
function looksLikeTls(b: Uint8Array): boolean {
  if (b.length < 5 || b[0]! < 20 || b[0]! > 23 || b[1] !== 3 || b[2]! > 4) return false;
  const length = (b[3]! << 8) | b[4]!;
  return length > 0 && length <= (1 << 14) + 2048;
}

function looksLikeWebSocket(b: Uint8Array): boolean {
  const head = new TextDecoder("latin1").decode(b).toLowerCase();
  return head.startsWith("get ") && head.includes("upgrade: websocket");
}

// A connection joined midway: the protocol whose resynchronisation finds a message it trusts.
function midStreamProtocol(orig: Uint8Array, resp: Uint8Array): Protocol | undefined {
  const finds = (decoder: { resync(): void; push(b: Uint8Array): unknown[] }, b: Uint8Array) => {
    decoder.resync();
    try {
      return decoder.push(b).length > 0;
    } catch {
      return false;
    }
  };
  for (const b of [orig, resp]) {
    if (finds(new BaspStreamDecoder(), b)) return "broker-1";
    const native = new NativeConnectionDecoder();
    if (finds({ resync: () => native.resync("orig"), push: (d) => native.push({ dir: "orig", data: d }) }, b))
      return "broker-native";
    if (finds(new WebSocketStreamDecoder(), b)) return "broker-websocket";
    const legacy = new LegacyConnectionDecoder();
    if (finds({ resync: () => legacy.resync("orig"), push: (d) => legacy.push("orig", d) }, b))
      return "bro-legacy";
  }
  return undefined;
}

export interface Prefix {
  readonly orig: Uint8Array;
  readonly resp: Uint8Array;
  /** Whether the capture missed the start of that direction. */
  readonly midStream: { readonly orig: boolean; readonly resp: boolean };
  readonly respPort: number;
}

/**
 * The protocol of a connection from the first bytes of each direction (ports
 * are configurable in Zeek, so they only break ties), or undefined while more
 * bytes could still decide it; `final` means no more bytes will come.
 */
export function detectFromPrefix(p: Prefix, final: boolean): Protocol | undefined {
  if (looksLikeWebSocket(p.orig)) return "broker-websocket";
  if (looksLikeNative(p.orig) || looksLikeNative(p.resp)) return "broker-native";
  if (looksLikeBasp(p.orig) || looksLikeBasp(p.resp)) return "broker-1";
  if (detectLegacyComm(p.orig) === "start" || detectLegacyComm(p.resp) === "start") return "bro-legacy";
  // A direction joined midway may start anywhere in a Broker message: there, TLS is the last guess.
  const tls = (midStream: boolean) =>
    (p.midStream.orig === midStream && looksLikeTls(p.orig)) ||
    (p.midStream.resp === midStream && looksLikeTls(p.resp));
  if (tls(false)) return "tls";
  if (p.midStream.orig || p.midStream.resp) {
    const found = midStreamProtocol(p.orig, p.resp);
    if (found) return found;
    const full = DETECT_BYTES.midStream;
    if (!final && (p.orig.length < full || p.resp.length < full)) return undefined;
  } else if (!final && (p.orig.length < DETECT_BYTES.start.orig || p.resp.length < DETECT_BYTES.start.resp)) {
    return undefined;
  }
  if (tls(true)) return "tls";
  if (p.respPort === 9999) return "broker-native";
  if (p.respPort === 47757) return "bro-legacy";
  return "unknown";
}

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

/** Which protocol a whole TCP connection speaks, judged by its first bytes. */
export function detectProtocol(conn: TcpConnection): Protocol {
  const midStream = {
    orig: conn.chunks.find((c) => c.dir === "orig")?.midStream === true,
    resp: conn.chunks.find((c) => c.dir === "resp")?.midStream === true,
  };
  const n = midStream.orig || midStream.resp ? DETECT_BYTES.midStream : 512;
  return detectFromPrefix(
    { orig: first(conn, "orig", n), resp: first(conn, "resp", n), midStream, respPort: conn.resp.port },
    true,
  )!;
}
