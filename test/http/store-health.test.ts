// /readyz when the state store cannot write: the outbox on a small tmpfs that the test fills. The alert's
// send succeeds but its removal from the outbox cannot be written: 503, naming the store and SQLite's words;
// once space is back and a write succeeds, 200 again. Needs mount (root); skipped with the reason elsewhere,
// failed under CI.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.ts';
import { ManualClock } from '../../src/clock.ts';
import type { Readiness } from '../../src/http/readiness.ts';
import type { HttpSink } from '../helpers/http-sink.ts';
import { nginxEvent, startLoopbackApp, type LoopbackApp } from './loopback-app.ts';
import { sample } from './prometheus-text.ts';

function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'ignore' });
}

const mountable = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-mount-probe-'));
  try {
    mountTmpfs(dir, '64k');
    execFileSync('umount', [dir]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** Writes until the filesystem says ENOSPC, down to the last byte. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [65_536, 4096, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw e;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(!mountable && process.env.CI !== 'true')(
  `/readyz with the state store on a full disk${mountable ? '' : ' (skipped: cannot mount a tmpfs here; needs root)'}`,
  () => {
    let dir: string;
    let t: LoopbackApp;
    let sink: HttpSink;
    let app: App;
    let clock: ManualClock;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'relay-full-'));
      mountTmpfs(dir, '1m');
      clock = new ManualClock(Date.parse('2026-11-23T10:00:00Z'));
      t = await startLoopbackApp(
        (s) => `
notifiers: { hook: "${s.url()}" }
rules: [{ name: r, match: { app: nginx }, notify: [hook], title: "{{message}}" }]
http: { address: "127.0.0.1:0" }
delivery: { backoff: 1m, shutdown_grace: 1s, sync_interval: 0 }`,
        { clock, stateDir: dir },
      );
      ({ app, sink } = t);
    });
    afterEach(async () => {
      await t.stop();
      execFileSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    });

    const get = (path: string) => t.get(path);
    const alert = (message: string) => app.accept(nginxEvent(clock, message));

    it('answers 503 naming the outbox while it cannot write, and 200 once a write succeeds again', async () => {
      sink.respond = () => ({ status: 500 });
      alert('one');
      await vi.waitFor(() => expect(clock.pending()).toBe(1));
      expect((await get('/readyz')).status).toBe(200);

      const filler = join(dir, 'filler');
      fill(filler);
      sink.respond = () => ({ status: 200 });
      clock.advance(60_000);
      await sink.waitFor(1);
      await vi.waitFor(async () => expect((await get('/readyz')).status).toBe(503));
      const body = (await (await get('/readyz')).json()) as Readiness;
      // The pipeline's state store (same disk) may fail too, once it has something to write.
      expect(body.stores[0]).toEqual({
        name: 'outbox',
        writable: false,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        error: 'database or disk is full',
      });
      expect(body.problems).toContain(`state store outbox cannot write since ${body.stores[0]!.since}: database or disk is full`);
      expect(sample(await (await get('/metrics')).text(), 'relay_store_writable', { store: 'outbox' })).toBe(0);
      expect((await get('/healthz')).status).toBe(200);

      // Space is back: the next write, or a store's own retry timer, finds the disk writable again.
      unlinkSync(filler);
      clock.advance(5_000);
      alert('two');
      await vi.waitFor(async () => expect((await get('/readyz')).status).toBe(200), { timeout: 10_000 });
      expect(sample(await (await get('/metrics')).text(), 'relay_store_writable', { store: 'outbox' })).toBe(1);
    });
  },
);
