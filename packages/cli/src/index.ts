export { type DecodedRecord, decodeConnection, isoNs, recordToJsonLine } from "./decode.js";
export { detectProtocol, type Protocol } from "./detect.js";
