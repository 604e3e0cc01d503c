import { type Data, portProtocolCode, typeTag } from "@brokerkit/data-model";
import { Writer } from "../writer.js";
import type { BinaryFormat } from "./format.js";
import { packReal } from "./real.js";

// Broker's value encoder: tag byte, big-endian body, varbyte lengths. Sets and
// tables are written in their canonical (Broker) order, as Broker's data path does.

/** Append one value to `w`. Throws EncodeError for what the format cannot carry (broker-1 infinities). */
export function writeData(w: Writer, v: Data, format: BinaryFormat): void {
  w.u8(typeTag(v));
  switch (v.type) {
    case "none":
      return;
    case "boolean":
      w.u8(v.value ? 1 : 0);
      return;
    case "count":
      w.u64(v.value);
      return;
    case "integer":
    case "timestamp":
    case "timespan":
      w.i64(v.value);
      return;
    case "real":
      if (Math.abs(v.value) >= 2 ** -1022 && Math.abs(v.value) <= Number.MAX_VALUE) w.f64(v.value);
      else w.u64(packReal(v.value, format)); // zeros, subnormals, NaN, infinities: CAF's special cases
      return;
    case "string":
      w.varbyte(v.binary.length);
      w.binary(v.binary);
      return;
    case "enum_value":
      w.varbyte(v.name.length);
      w.binary(v.name);
      return;
    case "address":
      w.binary(v.binary);
      return;
    case "subnet":
      w.binary(v.network.binary);
      w.u8(v.rawLength);
      return;
    case "port":
      w.u16(v.number);
      w.u8(portProtocolCode(v.protocol));
      return;
    case "set":
    case "vector":
      w.varbyte(v.elements.length);
      for (const e of v.elements) writeData(w, e, format);
      return;
    case "table":
      w.varbyte(v.entries.length);
      for (const [k, x] of v.entries) {
        writeData(w, k, format);
        writeData(w, x, format);
      }
      return;
  }
}

/** Broker's binary encoding of one value (default format "v1"). */
export function encodeData(value: Data, options?: { readonly format?: BinaryFormat }): Uint8Array {
  // One reused scratch writer: encoding is synchronous and never re-enters encodeData.
  scratch.reset();
  writeData(scratch, value, options?.format ?? "v1");
  return scratch.finish();
}

const scratch = new Writer(4096);
