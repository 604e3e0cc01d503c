import type { TcpChunk, TcpConnection, TcpFlow } from "@brokerkit/capture";
import { binaryToUtf8, concatBytes, type Data } from "@brokerkit/data-model";
import { DETECT_BYTES, detectFromPrefix, type Protocol } from "./detect.js";
import {
  broker1Decoder,
  type Dir,
  type Emit,
  legacyDecoder,
  nativeDecoder,
  type ProtocolDecoder,
  webSocketDecoder,
} from "./protocols.js";
import { type DecodedRecord, isoNs } from "./record.js";

/**
 * Decodes one TCP connection chunk by chunk, as reassembly delivers it:
 * detects the protocol from the first bytes (holding at most a few KiB until
 * it can), then returns each message as soon as its last byte arrives. A gap
 * becomes a `gap` record and the protocol decoder resynchronises at the next
 * message it can trust; so does a direction the capture joined midway.
 */
export class ConnectionDecoder {
  private decoder: ProtocolDecoder | undefined;
  private detected: Protocol | undefined;
  private held: TcpChunk[] = [];
  private heldBytes = 0;
  private readonly prefix = { orig: [] as Uint8Array[], resp: [] as Uint8Array[] };
  private readonly prefixBytes = { orig: 0, resp: 0 };
  private readonly midStream = { orig: false, resp: false };
  private out: DecodedRecord[] = [];
  private readonly name: string;
  /** Capture time of the latest chunk: the date of a message a decoder could not date itself. */
  private lastNs: bigint | undefined;

  constructor(private readonly flow: Pick<TcpFlow, "orig" | "resp">) {
    this.name = `${flow.orig.ip}:${flow.orig.port}>${flow.resp.ip}:${flow.resp.port}`;
  }

  /** The protocol, once detected. */
  get protocol(): Protocol | undefined {
    return this.detected;
  }

  push(chunk: TcpChunk): DecodedRecord[] {
    this.lastNs = chunk.timestampNs;
    if (this.detected === undefined) {
      if (chunk.midStream) this.midStream[chunk.dir] = true;
      this.held.push(chunk);
      this.heldBytes += chunk.data.length;
      const limit = this.midStream[chunk.dir] ? DETECT_BYTES.midStream : DETECT_BYTES.start[chunk.dir];
      if (this.prefixBytes[chunk.dir] < limit) {
        this.prefix[chunk.dir].push(chunk.data.subarray(0, limit - this.prefixBytes[chunk.dir]));
        this.prefixBytes[chunk.dir] += Math.min(chunk.data.length, limit - this.prefixBytes[chunk.dir]);
      }
      // One side may stay silent: past 1 MiB held, decide with what there is.
      this.detect(this.heldBytes > 1 << 20);
    } else this.take(chunk);
    return this.drainOut();
  }

  /** The connection is over: decode what was held back. */
  finish(): DecodedRecord[] {
    if (this.detected === undefined) this.detect(true);
    this.decoder?.finish();
    return this.drainOut();
  }

  private drainOut(): DecodedRecord[] {
    const out = this.out;
    this.out = [];
    return out;
  }

  private detect(final: boolean): void {
    const protocol = detectFromPrefix(
      {
        orig: concatBytes(this.prefix.orig),
        resp: concatBytes(this.prefix.resp),
        midStream: this.midStream,
        respPort: this.flow.resp.port,
      },
      final,
    );
    if (protocol === undefined) return;
    this.detected = protocol;
    const emit: Emit = (dir, ns, kind, text, topic, data) => this.record(dir, ns, kind, text, topic, data);
    if (protocol === "broker-1") this.decoder = broker1Decoder(emit);
    else if (protocol === "broker-native") this.decoder = nativeDecoder(emit);
    else if (protocol === "broker-websocket") this.decoder = webSocketDecoder(emit);
    else if (protocol === "bro-legacy") this.decoder = legacyDecoder(emit);
    else
      this.record(
        "orig",
        this.held[0]?.timestampNs,
        "unknown",
        protocol === "tls"
          ? "TLS-encrypted (Broker's default): only peerings run with disable_ssl can be decoded"
          : "not a Broker protocol",
      );
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    this.prefix.orig = [];
    this.prefix.resp = [];
    for (const c of held) this.take(c);
  }

  private take(chunk: TcpChunk): void {
    if (chunk.gapBefore > 0) {
      this.record(
        chunk.dir,
        chunk.timestampNs,
        "gap",
        `${chunk.gapBefore} bytes missing`,
        undefined,
        undefined,
        {
          size: chunk.gapBefore,
        },
      );
    }
    if (!this.decoder) return;
    if (chunk.gapBefore > 0 || chunk.midStream) this.decoder.resync(chunk.dir);
    this.decoder.push(chunk);
  }

  private record(
    dir: Dir,
    ns: bigint | undefined,
    kind: string,
    text: string,
    topic?: string,
    data?: Data,
    extra?: { size: number },
  ): void {
    const at = ns ?? this.lastNs ?? 0n;
    const r: { -readonly [K in keyof DecodedRecord]: DecodedRecord[K] } = {
      ts: isoNs(at),
      timestampNs: at,
      conn: this.name,
      dir,
      protocol: this.detected ?? "unknown",
      kind,
      text,
    };
    if (topic !== undefined) r.topic = binaryToUtf8(topic);
    if (extra !== undefined) r.size = extra.size;
    if (data !== undefined) r.data = data;
    this.out.push(r);
  }
}

/** Every message of one TCP connection held in memory, in capture order. */
export function decodeConnection(conn: TcpConnection): DecodedRecord[] {
  const d = new ConnectionDecoder(conn);
  return [...conn.chunks.flatMap((c) => d.push(c)), ...d.finish()];
}
