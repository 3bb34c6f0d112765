// Set up before every test file (vitest.config.ts, setupFiles): vi.waitFor and vi.waitUntil wait 10 s unless a
// call says otherwise. Vitest's own default, 1 s, fails on a loaded 2-core machine, and vitest has no setting
// for it. A wait that succeeds returns as soon as its condition holds, so the long bound costs nothing.
import { vi } from 'vitest';

export const WAIT_TIMEOUT_MS = 10_000;

type WaitOptions = number | { timeout?: number; interval?: number } | undefined;

const withTimeout = (options: WaitOptions) =>
  typeof options === 'number' ? { timeout: options } : { ...options, timeout: options?.timeout ?? WAIT_TIMEOUT_MS };

const { waitFor, waitUntil } = vi;
vi.waitFor = (callback, options) => waitFor(callback, withTimeout(options));
vi.waitUntil = (callback, options) => waitUntil(callback, withTimeout(options));
