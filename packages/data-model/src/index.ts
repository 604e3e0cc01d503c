export * from "./bytes.js";
export * from "./constructors.js";
export { hash } from "./hash.js";
export { formatAddressBinary, parseAddressText } from "./ip.js";
export { type FromJsonOptions, fromJson, fromJsonTree } from "./json/decode.js";
export {
  dataMessageToJsonBinary,
  jsonTypeName,
  quoteJson,
  toJson,
  toJsonBinary,
  toJsonBytes,
} from "./json/encode.js";
export { JsonDecodeError } from "./json/errors.js";
export { type JsonParseOptions, parseJson } from "./json/parse.js";
export * from "./json/schema.js";
export type { JsonNode } from "./json/tree.js";
export { compare, compareLegacy, compareReal, equals } from "./order.js";
export { fromPlain, type Plain, toPlain } from "./plain.js";
export { formatRealFixed } from "./printf.js";
export { toText, toTextBinary, toTextBytes } from "./text.js";
export * from "./value.js";
