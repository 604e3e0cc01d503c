export { toBrokerData } from "./broker.js";
export {
  type Chunk,
  ChunkDecoder,
  encodeChunk,
  FLAG_PARTIAL,
  MAX_CHUNK_PAYLOAD,
} from "./chunks.js";
export { ChunkDeflater, ChunkInflater, MIN_COMPRESS_SIZE } from "./compression.js";
export {
  type Direction,
  decodeLegacyConnection,
  LegacyConnectionDecoder,
  type LegacyDecodeOptions,
  type LegacyRecord,
} from "./connection.js";
export { detectLegacyComm } from "./detect.js";
export * from "./log.js";
export * from "./messages.js";
export {
  describe,
  describeEvent,
  describeInterval,
  escapeBytes,
  formatAddr,
  formatDouble,
  portParts,
} from "./print.js";
export { LegacySender, type LegacySenderOptions } from "./sender.js";
export * from "./serial/codes.js";
export type * from "./serial/model.js";
export { typeOf } from "./serial/model.js";
export {
  DATA_FORMAT_VERSION,
  DEFAULT_CACHE_CAPACITY,
  newSerialState,
  readSerialization,
  type SerialReadOptions,
  type SerialState,
} from "./serial/read.js";
export {
  newSerialSendState,
  type SerialSendState,
  type SerialWriteOptions,
  writeSerialization,
} from "./serial/write.js";
export { StateAccessError, SynchronizedState } from "./sync.js";
export * from "./values.js";
