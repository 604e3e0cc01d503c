import { describe, expect, it } from "vitest";
import { progressBar } from "./progress.js";

const target = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, columns: 80, write: (s: string) => written.push(s), written };
};

describe("progress bar", () => {
  it("draws nothing when the target is not a terminal", () => {
    const t = target(false);
    const p = progressBar(t, "big.pcap", 1000);
    for (let i = 0; i <= 1000; i += 7) p.update(i);
    p.clear();
    expect(t.written).toEqual([]);
  });

  it("on a terminal redraws one line only when the shown permille changes, and clears it", () => {
    const t = target(true);
    const p = progressBar(t, "big.pcap", 1_000_000);
    p.update(0);
    p.update(10); // still 0.0%
    p.update(500_000);
    p.update(1_000_000);
    expect(t.written).toHaveLength(3);
    expect(t.written.every((s) => s.startsWith("\rbig.pcap [") && !s.includes("\n"))).toBe(true);
    expect(t.written[1]).toContain("50.0%");
    expect(t.written[2]).toContain("100.0%");
    p.clear();
    expect(t.written.at(-1)).toBe("\r\x1b[K");
  });
});
