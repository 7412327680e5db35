import { defineConfig } from 'vitest/config';

// Lab and VM tests create namespaces and boot kernels: they must not share
// names, so each test file owns its own prefix; files run in parallel on CI's 2 cores.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
