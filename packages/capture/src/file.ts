import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** A capture file read in order, one chunk at a time (nothing else of it is held). */
export interface FileChunks extends Iterable<Uint8Array> {
  /** The file's size when it was opened (for progress). */
  readonly size: number;
}

/**
 * The bytes of a file as a stream of fresh chunks (callers may keep views of
 * them). Opening fails at once with the fs error; the file is closed when
 * the iteration ends, early or not.
 */
export function readFileChunks(path: string, chunkBytes = 1 << 20): FileChunks {
  const fd = openSync(path, "r");
  let size: number;
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory())
      throw Object.assign(new Error(`EISDIR: ${path} is a directory`), { code: "EISDIR" });
    size = stat.size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    size,
    *[Symbol.iterator]() {
      try {
        for (;;) {
          const chunk = new Uint8Array(chunkBytes);
          const n = readSync(fd, chunk, 0, chunkBytes, null);
          if (n === 0) return;
          yield n === chunkBytes ? chunk : chunk.subarray(0, n);
        }
      } finally {
        closeSync(fd);
      }
    },
  };
}
