export { type DecodeDataOptions, decodeData, readData } from "./decode.js";
export { encodeData, writeData } from "./encode.js";
export type { BinaryFormat } from "./format.js";
export { EncodeError, packReal, unpackReal } from "./real.js";
export { DataStreamDecoder } from "./stream.js";
