export * from "./basp.js";
export * from "./caf.js";
export * from "./connection.js";
