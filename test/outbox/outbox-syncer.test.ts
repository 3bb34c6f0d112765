// The sync thread of the outbox: when it cannot run, syncing goes on on the caller's thread, said once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxSyncer } from '../../src/outbox/outbox-syncer.ts';
import { captureLog } from '../helpers/capture-log.ts';

describe('OutboxSyncer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-syncer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('falls back to syncing on the calling thread, with one warning, when its thread cannot open the file', async () => {
    const logs = captureLog();
    let fallbacks = 0;
    const syncer = new OutboxSyncer(join(dir, 'missing.db'), () => ++fallbacks > 0, logs.log);
    expect(await syncer.sync()).toBe(true);
    expect(await syncer.sync()).toBe(true);
    expect(fallbacks).toBe(2);
    expect(logs.at('warn')).toEqual([expect.objectContaining({
      msg: 'outbox sync thread failed; syncing on the main thread from now on', file: join(dir, 'missing.db'), err: expect.stringMatching(/open/),
    })]);
    syncer.close();
  });
});
