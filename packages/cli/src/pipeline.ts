import { readFileChunks, streamTcp, type TcpChunk, type TcpFlow } from "@brokerkit/capture";
import { ConnectionDecoder } from "./decode.js";
import type { Protocol } from "./detect.js";
import type { Progress } from "./progress.js";
import type { DecodedRecord } from "./record.js";

/** How reading one capture file ended. */
export type FileOutcome =
  /** `cutPackets`: packets the capture's snap length cut short (their lost bytes are gaps). */
  | { readonly status: "ok"; readonly cutPackets: number }
  /** Could not be opened or read, or is not a pcap/pcapng file: nothing was decoded. */
  | { readonly status: "unreadable" | "not-capture"; readonly message: string }
  /** Damaged or truncated: everything before `offset` was decoded. */
  | {
      readonly status: "truncated";
      readonly offset: number;
      readonly message: string;
      readonly cutPackets: number;
    };

export interface DecodeHandlers {
  /** Each decoded message (and gap), in capture order, as soon as it is complete. */
  onRecord(r: DecodedRecord): void;
  /** Each reassembled chunk (for statistics). */
  onChunk?(flow: TcpFlow, chunk: TcpChunk): void;
  /** A connection is over, with the protocol it was found to speak. */
  onConnectionEnd?(flow: TcpFlow, protocol: Protocol): void;
  progress?: (size: number) => Progress;
}

/**
 * Decode a capture file as a stream: the file is read in chunks, TCP is
 * reassembled incrementally and each connection is decoded as its bytes
 * arrive, so memory stays bounded whatever the file's size.
 */
export function decodeCaptureFile(file: string, h: DecodeHandlers): FileOutcome {
  let chunks: ReturnType<typeof readFileChunks>;
  try {
    chunks = readFileChunks(file);
  } catch (e) {
    return { status: "unreadable", message: `cannot read ${file}: ${(e as Error).message}` };
  }
  const progress = h.progress?.(chunks.size);
  const decoders = new Map<number, ConnectionDecoder>();
  const emit = (records: DecodedRecord[]) => {
    for (const r of records) h.onRecord(r);
  };
  let result: ReturnType<typeof streamTcp>;
  try {
    result = streamTcp(chunks, {
      onChunk(flow, chunk) {
        h.onChunk?.(flow, chunk);
        let d = decoders.get(flow.id);
        if (!d) {
          d = new ConnectionDecoder(flow);
          decoders.set(flow.id, d);
        }
        const records = d.push(chunk);
        if (records.length > 0) {
          progress?.clear();
          emit(records);
        }
      },
      onEnd(flow) {
        const d = decoders.get(flow.id);
        if (!d) return;
        decoders.delete(flow.id);
        const records = d.finish();
        if (records.length > 0) progress?.clear();
        emit(records);
        h.onConnectionEnd?.(flow, d.protocol ?? "unknown");
      },
      onProgress: (n) => progress?.update(n),
    });
  } catch (e) {
    progress?.clear();
    return { status: "unreadable", message: `cannot read ${file}: ${(e as Error).message}` };
  }
  progress?.clear();
  const error = result.error;
  const cutPackets = result.cutPackets;
  if (!error) return { status: "ok", cutPackets };
  if (result.packets === 0 && error.expected.startsWith("a pcap or pcapng"))
    return { status: "not-capture", message: `${file}: not a capture file: ${error.message}` };
  return {
    status: "truncated",
    offset: error.offset,
    message: `${file}: stopped at byte ${error.offset} of ${chunks.size} after ${result.packets} packets: ${error.message}`,
    cutPackets,
  };
}
