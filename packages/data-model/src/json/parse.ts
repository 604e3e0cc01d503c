import { bytesToBinary, utf8ToBinary } from "../bytes.js";
import { JsonDecodeError } from "./errors.js";
import type { JsonNode } from "./tree.js";

// A small JSON parser over bytes. Beyond RFC 8259 it accepts what Broker's own
// encoder writes (so toJson output always parses back): the words nan, -nan,
// inf, -inf as numbers, the \v escape, and raw control or non-UTF-8 bytes
// inside strings. Nesting is bounded, since the input may be hostile.

export interface JsonParseOptions {
  /** Deepest array/object nesting (CAF's parser stops at 128). */
  readonly maxNesting?: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

class Parser {
  pos = 0;
  constructor(
    readonly src: Uint8Array,
    readonly maxNesting: number,
  ) {}

  fail(problem: string, at = this.pos): never {
    throw new JsonDecodeError("$", problem, at);
  }

  skipWs(): void {
    while (this.pos < this.src.length && WS.has(this.src[this.pos]!)) this.pos++;
  }

  word(w: string): boolean {
    for (let i = 0; i < w.length; i++) {
      if (this.src[this.pos + i] !== w.charCodeAt(i)) return false;
    }
    this.pos += w.length;
    return true;
  }

  value(depth: number): JsonNode {
    this.skipWs();
    const offset = this.pos;
    const c = this.src[this.pos];
    if (c === undefined) this.fail("unexpected end of JSON text");
    if (c === 0x7b || c === 0x5b) {
      if (depth >= this.maxNesting) this.fail(`nesting deeper than ${this.maxNesting}`);
      return c === 0x7b ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === 0x22) return { kind: "string", binary: this.string(), offset };
    if (this.word("true")) return { kind: "boolean", value: true, offset };
    if (this.word("false")) return { kind: "boolean", value: false, offset };
    if (this.word("null")) return { kind: "null", offset };
    for (const w of ["nan", "-nan", "inf", "-inf"]) {
      if (this.word(w)) return { kind: "number", text: w, syntax: "float", offset };
    }
    return this.number();
  }

  object(depth: number): JsonNode {
    const offset = this.pos++;
    const entries: [string, JsonNode][] = [];
    this.skipWs();
    if (this.src[this.pos] === 0x7d) {
      this.pos++;
      return { kind: "object", entries, offset };
    }
    for (;;) {
      this.skipWs();
      if (this.src[this.pos] !== 0x22) this.fail("expected a string key");
      const key = this.string();
      this.skipWs();
      if (this.src[this.pos] !== 0x3a) this.fail("expected ':'");
      this.pos++;
      entries.push([key, this.value(depth)]);
      this.skipWs();
      const c = this.src[this.pos++];
      if (c === 0x7d) return { kind: "object", entries, offset };
      if (c !== 0x2c) this.fail("expected ',' or '}'", this.pos - 1);
    }
  }

  array(depth: number): JsonNode {
    const offset = this.pos++;
    const items: JsonNode[] = [];
    this.skipWs();
    if (this.src[this.pos] === 0x5d) {
      this.pos++;
      return { kind: "array", items, offset };
    }
    for (;;) {
      items.push(this.value(depth));
      this.skipWs();
      const c = this.src[this.pos++];
      if (c === 0x5d) return { kind: "array", items, offset };
      if (c !== 0x2c) this.fail("expected ',' or ']'", this.pos - 1);
    }
  }

  number(): JsonNode {
    const start = this.pos;
    const src = this.src;
    const digits = () => {
      const s = this.pos;
      while (this.pos < src.length && src[this.pos]! >= 0x30 && src[this.pos]! <= 0x39) this.pos++;
      return this.pos - s;
    };
    if (src[this.pos] === 0x2d) this.pos++;
    const intStart = this.pos;
    if (digits() === 0) this.fail("expected a JSON value", start);
    if (src[intStart] === 0x30 && this.pos - intStart > 1) this.fail("leading zero in number", start);
    let syntax: "float" | "integer" = "integer";
    if (src[this.pos] === 0x2e) {
      this.pos++;
      if (digits() === 0) this.fail("expected digits after '.'");
      syntax = "float";
    }
    if (src[this.pos] === 0x65 || src[this.pos] === 0x45) {
      this.pos++;
      if (src[this.pos] === 0x2b || src[this.pos] === 0x2d) this.pos++;
      if (digits() === 0) this.fail("expected exponent digits");
      syntax = "float";
    }
    return { kind: "number", text: bytesToBinary(src, start, this.pos), syntax, offset: start };
  }

  string(): string {
    const src = this.src;
    const start = ++this.pos;
    // Fast path: no escapes.
    let i = start;
    while (i < src.length && src[i] !== 0x22 && src[i] !== 0x5c) i++;
    if (src[i] === 0x22) {
      this.pos = i + 1;
      return bytesToBinary(src, start, i);
    }
    let out = bytesToBinary(src, start, i);
    this.pos = i;
    for (;;) {
      const c = src[this.pos];
      if (c === undefined) this.fail("unterminated string", start - 1);
      if (c === 0x22) {
        this.pos++;
        return out;
      }
      if (c !== 0x5c) {
        let j = this.pos;
        while (j < src.length && src[j] !== 0x22 && src[j] !== 0x5c) j++;
        out += bytesToBinary(src, this.pos, j);
        this.pos = j;
        continue;
      }
      const e = src[this.pos + 1];
      this.pos += 2;
      switch (e) {
        case 0x22:
          out += '"';
          break;
        case 0x5c:
          out += "\\";
          break;
        case 0x2f:
          out += "/";
          break;
        case 0x62:
          out += "\b";
          break;
        case 0x66:
          out += "\f";
          break;
        case 0x6e:
          out += "\n";
          break;
        case 0x72:
          out += "\r";
          break;
        case 0x74:
          out += "\t";
          break;
        case 0x76:
          out += "\v";
          break;
        case 0x75: {
          let cp = this.hex4();
          if (cp >= 0xd800 && cp <= 0xdbff && src[this.pos] === 0x5c && src[this.pos + 1] === 0x75) {
            const save = this.pos;
            this.pos += 2;
            const lo = this.hex4();
            if (lo >= 0xdc00 && lo <= 0xdfff) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            else this.pos = save;
          }
          out += utf8ToBinary(String.fromCodePoint(cp));
          break;
        }
        default:
          this.fail("invalid escape", this.pos - 2);
      }
    }
  }

  hex4(): number {
    const t = bytesToBinary(this.src, this.pos, Math.min(this.pos + 4, this.src.length));
    if (!/^[0-9a-fA-F]{4}$/.test(t)) this.fail("expected 4 hex digits after \\u");
    this.pos += 4;
    return Number.parseInt(t, 16);
  }
}

/** Parse JSON bytes (or text, UTF-8 encoded first) into a lossless tree. */
export function parseJson(input: Uint8Array | string, options?: JsonParseOptions): JsonNode {
  const bytes = typeof input === "string" ? new TextEncoder().encode(input) : input;
  const p = new Parser(bytes, options?.maxNesting ?? 128);
  const root = p.value(0);
  p.skipWs();
  if (p.pos !== bytes.length) p.fail("trailing characters after the JSON value");
  return root;
}
