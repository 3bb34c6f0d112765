import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'relay', include: ['test/**/*.test.ts'], exclude: ['test/sudo-plugin/**'] } },
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
    ],
  },
});
