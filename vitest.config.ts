// Test projects: `unit` (colocated, no network beyond loopback, fast). The cluster suite has its
// own config in test/cluster/, and the browser tests run under Playwright (test/e2e/).
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'web/**/*.test.ts', 'test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
    ],
  },
})
