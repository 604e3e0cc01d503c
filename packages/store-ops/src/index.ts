export * from "./appliers.js";
export * from "./clone.js";
export * from "./command.js";
export * from "./events.js";
export * from "./master.js";
export * from "./memory.js";
export * as ops from "./operations.js";
export * from "./record-log.js";
export * from "./replay.js";
