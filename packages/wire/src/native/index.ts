export * from "./connection.js";
export * from "./messages.js";
