// Real captures: the TCP connections found equal the manifests', with no gaps.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { corpusDir, manifests } from "../../../test-support/corpus.js";
import { readTcpConnections } from "./index.js";

describe("corpus captures", () => {
  for (const sub of ["broker-1.4", "broker-current", "legacy-comm"]) {
    for (const { name, manifest } of manifests(sub)) {
      const expected = manifest.tcp_connections as { client: string; server: string }[] | undefined;
      if (!Array.isArray(expected) || typeof manifest.pcap !== "string") continue;
      it(`${sub}/${name}: connections and no gaps`, () => {
        const conns = readTcpConnections(readFileSync(join(corpusDir(), sub, manifest.pcap as string)));
        const found = conns.map((c) => ({
          client: `${c.orig.ip}:${c.orig.port}`,
          server: `${c.resp.ip}:${c.resp.port}`,
        }));
        for (const e of expected) expect(found).toContainEqual({ client: e.client, server: e.server });
        for (const c of conns) expect(c.chunks.filter((k) => k.gapBefore > 0)).toEqual([]);
      });
    }
  }
});
