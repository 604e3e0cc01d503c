import { isPeerMessage, MsgType } from "./messages.js";

const u32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/**
 * How sure the first bytes of a direction are the Bro communication protocol:
 * "start" when they are its opening VERSION message (an 8-byte header chunk
 * of type 1, then protocol version 6 or 7 with a plausible data format
 * version), "mid" when they are a header chunk of a type peers exchange
 * (a capture that began mid-connection), undefined otherwise. There is no
 * banner or magic number, so this is all content can tell.
 */
export function detectLegacyComm(bytes: Uint8Array): "start" | "mid" | undefined {
  if (bytes.length < 12 || u32(bytes, 0) !== 8) return undefined;
  const type = bytes[4]!;
  if (type === MsgType.version && bytes.length >= 28) {
    const len = u32(bytes, 12);
    const protocol = u32(bytes, 16);
    const format = u32(bytes, 24);
    if (len >= 16 && len <= 4096 && (protocol === 6 || protocol === 7) && format <= 64) return "start";
    return undefined;
  }
  if (!isPeerMessage(type)) return undefined;
  // A compressed direction stores headers with a zero trailer: 12-byte chunks.
  return "mid";
}
