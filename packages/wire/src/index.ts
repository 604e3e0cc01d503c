export * from "./broker1/index.js";
export * from "./data/index.js";
export { DecodeError, type DecodeErrorKind } from "./errors.js";
export { DEFAULT_LIMITS, type DecodeLimits, resolveLimits } from "./limits.js";
export * from "./native/index.js";
export { Reader } from "./reader.js";
export * from "./websocket/index.js";
export { Writer } from "./writer.js";
export * from "./zeek/index.js";
