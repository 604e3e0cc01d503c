import { type Data, portProtocolCode } from "@brokerkit/data-model";
import { Writer } from "../writer.js";
import type { BinaryFormat } from "./format.js";
import { packReal } from "./real.js";

// Broker's value encoder: tag byte, big-endian body, varbyte lengths. Sets and
// tables are written in their canonical (Broker) order, as Broker's data path does.
// One switch on the type name writes the tag with the body (no tag lookup), the
// common types come first, and each value reserves its bytes once.

const MIN_NORMAL = 2 ** -1022;

/** Append one value to `w`. Throws EncodeError for what the format cannot carry (broker-1 infinities). */
export function writeData(w: Writer, v: Data, format: BinaryFormat): void {
  switch (v.type) {
    case "string":
      w.taggedBinary(5, v.binary);
      return;
    case "count":
      w.taggedU64(2, v.value);
      return;
    case "vector":
      writeElements(w, 14, v.elements, format);
      return;
    case "integer":
      w.taggedI64(3, v.value);
      return;
    case "timestamp":
      w.taggedI64(9, v.value);
      return;
    case "timespan":
      w.taggedI64(10, v.value);
      return;
    case "real": {
      const x = v.value;
      const a = x < 0 ? -x : x;
      if (a >= MIN_NORMAL && a <= Number.MAX_VALUE) w.taggedF64(4, x);
      else w.taggedU64(4, packReal(x, format)); // zeros, subnormals, NaN, infinities: CAF's special cases
      return;
    }
    case "address":
      w.taggedFixedBinary(6, v.binary, 16);
      return;
    case "port":
      w.port(8, v.number, portProtocolCode(v.protocol));
      return;
    case "enum_value":
      w.taggedBinary(11, v.name);
      return;
    case "table": {
      const entries = v.entries;
      w.taggedLength(13, entries.length);
      for (let i = 0; i < entries.length; i++) {
        const e = entries[i]!;
        writeData(w, e[0], format);
        writeData(w, e[1], format);
      }
      return;
    }
    case "set":
      writeElements(w, 12, v.elements, format);
      return;
    case "subnet":
      w.taggedFixedBinary(7, v.network.binary, 16);
      w.u8(v.rawLength);
      return;
    case "boolean":
      w.u8(1);
      w.u8(v.value ? 1 : 0);
      return;
    case "none":
      w.u8(0);
      return;
  }
}

function writeElements(w: Writer, tag: number, elements: readonly Data[], format: BinaryFormat): void {
  w.taggedLength(tag, elements.length);
  for (let i = 0; i < elements.length; i++) writeData(w, elements[i]!, format);
}

/** Broker's binary encoding of one value (default format "v1"). */
export function encodeData(value: Data, options?: { readonly format?: BinaryFormat }): Uint8Array {
  // One reused scratch writer: encoding is synchronous and never re-enters encodeData.
  scratch.reset();
  writeData(scratch, value, options?.format ?? "v1");
  return scratch.finish();
}

const scratch = new Writer(4096);
