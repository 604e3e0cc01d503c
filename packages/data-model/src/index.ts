export * from "./bytes.js";
export * from "./constructors.js";
export { formatAddressBinary, parseAddressText } from "./ip.js";
export { compare, compareReal, equals } from "./order.js";
export * from "./value.js";
