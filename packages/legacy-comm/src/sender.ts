import { concatBytes } from "@brokerkit/data-model";
import { encodeChunk } from "./chunks.js";
import { ChunkDeflater } from "./compression.js";
import type { LogLayout } from "./log.js";
import { codeOf, encodeArgs, encodeHeader, type LegacyMessage } from "./messages.js";
import { newSerialSendState, type SerialSendState, writeSerialization } from "./serial/write.js";

export interface LegacySenderOptions {
  /** Cache objects and send references (Bro toward caching peers); off by default, as Broccoli does. */
  readonly caching?: boolean;
  /** Keep the 0x4000 cache-stable bit in class codes of objects built without one. */
  readonly cacheStableBit?: boolean;
  readonly logLayout?: LogLayout;
  /** Physical chunk size limit before FLAG_PARTIAL splitting. */
  readonly maxChunkPayload?: number;
  /** The data format version to write: 26 (Bro 2.5/2.6, the default), 25 (Bro 2.3/2.4), 21-23 (Bro 2.0-2.2). */
  readonly dataFormat?: number;
}

/**
 * Encodes the messages of one direction, keeping what the peer was sent
 * (its object cache) and switching on compression after a COMPRESS message.
 * Fed the messages a LegacyConnectionDecoder produced, it reproduces the
 * sender's logical chunks exactly.
 */
export class LegacySender {
  private readonly serial: SerialSendState = newSerialSendState();
  private deflater: ChunkDeflater | undefined;

  constructor(private readonly options: LegacySenderOptions = {}) {}

  /** The message's logical chunks, uncompressed: its header chunk and, for most types, one argument chunk. */
  chunks(m: LegacyMessage): Uint8Array[] {
    const code = codeOf(m);
    if (code === undefined) return m.type === "unknown" && m.args ? [m.args] : [];
    const header = encodeHeader(code, m.header);
    const args =
      m.type === "serial"
        ? writeSerialization(m.serialization, this.serial, {
            pid64: m.pid64,
            caching: this.options.caching ?? false,
            cacheStableBit: this.options.cacheStableBit ?? false,
            ...(this.options.dataFormat === undefined ? {} : { dataFormat: this.options.dataFormat }),
          })
        : encodeArgs(m, this.options.logLayout);
    return args ? [header, args] : [header];
  }

  /** The message as wire bytes: framed, split where too long, compressed once COMPRESS was sent. */
  encode(m: LegacyMessage): Uint8Array {
    const parts = this.chunks(m).map((c) =>
      encodeChunk(this.deflater ? this.deflater.deflate(c) : c, this.options.maxChunkPayload),
    );
    if (m.type === "compress") this.deflater = new ChunkDeflater();
    return concatBytes(parts);
  }
}
