export * from "./api.js";
export * from "./frames.js";
