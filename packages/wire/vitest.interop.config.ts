import { defineConfig } from "vitest/config";

export default defineConfig({ test: { include: ["src/**/*.interop.test.ts"], testTimeout: 120_000 } });
