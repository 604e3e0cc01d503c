/** Where a progress bar may draw: stderr, or a stand-in in tests. */
export interface ProgressTarget {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  /** `done` of the total bytes are read. */
  update(done: number): void;
  /** Remove the bar (before anything else is written to the same terminal line). */
  clear(): void;
}

const NONE: Progress = { update() {}, clear() {} };

/**
 * A one-line progress bar for reading `total` bytes, redrawn at most once per
 * permille; nothing at all unless the target is a terminal (piped stderr stays clean).
 */
export function progressBar(target: ProgressTarget, label: string, total: number): Progress {
  if (!target.isTTY || total <= 0) return NONE;
  let shown = -1;
  let drawn = false;
  return {
    update(done) {
      const permille = Math.min(1000, Math.floor((done / total) * 1000));
      if (permille === shown) return;
      shown = permille;
      const width = Math.max(10, Math.min(40, (target.columns ?? 80) - label.length - 20));
      const full = Math.round((permille / 1000) * width);
      const name = label.length > 40 ? `…${label.slice(-39)}` : label;
      target.write(
        `\r${name} [${"#".repeat(full)}${" ".repeat(width - full)}] ${(permille / 10).toFixed(1)}%\x1b[K`,
      );
      drawn = true;
    },
    clear() {
      if (drawn) target.write("\r\x1b[K");
      drawn = false;
      shown = -1;
    },
  };
}
