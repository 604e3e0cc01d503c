export { decodeConnection } from "./decode.js";
export { detectProtocol, type Protocol } from "./detect.js";
export { type DecodedRecord, isoNs, recordToJsonLine } from "./record.js";
