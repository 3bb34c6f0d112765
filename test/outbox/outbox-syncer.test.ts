// The outbox's sync of its WAL off the event loop: it resolves once the file is synced, says how large the
// WAL is, and rejects (for the outbox to log and retry) when the file cannot be opened.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxSyncer } from '../../src/outbox/outbox-syncer.ts';

describe('OutboxSyncer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-syncer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('syncs the file, again and again, and reads its size', async () => {
    writeFileSync(join(dir, 'outbox.db-wal'), Buffer.alloc(12_288));
    const syncer = new OutboxSyncer(join(dir, 'outbox.db-wal'));
    await syncer.sync();
    await syncer.sync();
    expect(syncer.walBytes()).toBe(12_288);
    syncer.close();
  });

  it('rejects a sync when the file cannot be opened', async () => {
    const syncer = new OutboxSyncer(join(dir, 'missing.db-wal'));
    await expect(syncer.sync()).rejects.toThrow(/ENOENT/);
    syncer.close();
  });
});
