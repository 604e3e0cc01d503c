export { type Atom, atom, atomText } from "./atom.js";
export * from "./basp.js";
export * from "./caf-message.js";
export * from "./caf-reader.js";
export * from "./caf-writer.js";
export * from "./connection.js";
export { type NodeId, nodeIdText } from "./node-id.js";
export { signatureTypes } from "./signature.js";
export { baspPayloadText, cafMessageText, commandText, nodeMessageText } from "./text.js";
