/**
 * Thrown by fromJson. `path` is a JSON path to the offending node
 * (`$.data[2].key`), `offset` the byte offset in the JSON text where the
 * problem was found when the input was text.
 */
export class JsonDecodeError extends Error {
  override readonly name = "JsonDecodeError";
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly offset?: number,
  ) {
    super(`${path}: ${problem}${offset === undefined ? "" : ` (at byte ${offset})`}`);
  }
}
