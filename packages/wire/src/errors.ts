/** What went wrong, in a word a program can switch on. */
export type DecodeErrorKind =
  | "truncated" // the input ended before the value did (more bytes may complete it)
  | "invalid" // the bytes can never be a valid encoding
  | "limit" // a configured limit (depth, length, allocation) was exceeded
  | "trailing"; // bytes were left over after a complete value

/**
 * The only error decoders throw. `offset` is the byte position (from the start
 * of the input handed to the decoder) where decoding failed; `expected` says
 * what should have been there.
 */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
  constructor(
    readonly kind: DecodeErrorKind,
    readonly offset: number,
    readonly expected: string,
    detail?: string,
  ) {
    super(`${kind} at byte ${offset}: expected ${expected}${detail ? ` (${detail})` : ""}`);
  }
}
