export * from "./api.js";
export * from "./client.js";
export * from "./frames.js";
export * from "./inflate.js";
