/**
 * Which generation's binary rules to follow. The value layout is the same;
 * they differ in how reals are packed (see real.ts):
 * - "broker-1": Broker 1.x on CAF 0.17 (Zeek 3.x);
 * - "v1": format::bin::v1 of Broker 2.x and later (Zeek 4+).
 */
export type BinaryFormat = "broker-1" | "v1";
