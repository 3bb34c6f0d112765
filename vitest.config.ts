import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

const HEAVY = ['test/commands/run-flood.test.ts', 'test/sources/connection-abuse.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // At least two test files at once (vitest's default is one fewer than the cores): most of them wait on child
    // processes and sockets, so with one at a time the second core of a 2-core machine mostly idles.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // vi.waitFor and vi.waitUntil wait 10 s by default instead of vitest's 1 s (see the file).
    setupFiles: ['test/helpers/wait-timeout.ts'],
    projects: [
      { extends: true, test: { name: 'relay', include: ['test/**/*.test.ts'], exclude: ['test/sudo-plugin/**', ...HEAVY] } },
      // The real-sudo tests rewrite the machine's /etc/sudo.conf: one file at a time, after the rest.
      {
        extends: true,
        test: {
          name: 'sudo',
          include: ['test/sudo-plugin/**/*.test.ts'],
          poolOptions: { forks: { singleFork: true } },
          sequence: { groupOrder: 1 },
        },
      },
      // Floods that measure relay's memory or hold thousands of sockets: alone, after everything else, so
      // other test files' load on the machine cannot skew what they measure.
      {
        extends: true,
        test: { name: 'heavy', include: HEAVY, poolOptions: { forks: { singleFork: true } }, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
