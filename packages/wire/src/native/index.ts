export * from "./command.js";
export * from "./connection.js";
export * from "./messages.js";
