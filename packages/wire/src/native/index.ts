export * from "./command.js";
export * from "./connection.js";
export * from "./messages.js";
export * from "./text.js";
