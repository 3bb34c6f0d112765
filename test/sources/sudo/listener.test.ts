// The sudo listener on a reload: a new spool path restarts the collector on the running socket, which keeps
// its connections; another socket path is declined (it needs a new socket).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { UnixListener } from '../../../src/config/listener-schema.ts';
import type { RelayEvent } from '../../../src/event.ts';
import { silentLogger } from '../../../src/log.ts';
import { SudoSource } from '../../../src/sources/sudo/listener.ts';
import { connect } from '../../helpers/net.ts';

const event = (id: string) =>
  `${JSON.stringify({
    v: 1,
    event: 'accept',
    id,
    seq: 0,
    ts: '2026-12-07T10:00:00.000Z',
    host: 'h',
    user: 'root',
    uid: 0,
    pid: 1,
    command: '/usr/bin/id',
    argv: ['id'],
  })}\n`;

describe('SudoSource.reconfigure', () => {
  let dir: string;
  let source: SudoSource;
  const events: RelayEvent[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-sudo-listener-'));
    events.length = 0;
  });
  afterEach(async () => {
    await source.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('collects a new spool path at once, keeping the socket and its connection', async () => {
    const address = join(dir, 'sudo.sock');
    const config = (spool: string) => UnixListener.parse({ name: 'sudo', type: 'unix', format: 'sudo', address, spool });
    source = new SudoSource(config(join(dir, 'old.jsonl')), (e) => events.push(e), silentLogger, { acceptPeer: () => true });
    await source.start();
    const client = await connect({ path: source.address() });
    writeFileSync(join(dir, 'new.jsonl'), event('from-new-spool'));
    expect(await source.reconfigure(config(join(dir, 'new.jsonl')))).toBe(true);
    await vi.waitFor(() => expect(events.map((e) => e.fields.id)).toEqual(['from-new-spool']), { timeout: 10_000 });
    client.write(event('over-the-socket'));
    await vi.waitFor(() => expect(events.map((e) => e.fields.id)).toEqual(['from-new-spool', 'over-the-socket']), { timeout: 10_000 });
    expect(await source.reconfigure({ ...config(join(dir, 'new.jsonl')), address: join(dir, 'other.sock') })).toBe(false);
    client.end();
  });
});
