// A host's heartbeat on the sudo path (syslog-ng's MARK, tagged by sudo-forward.conf's template) is believed
// only from a sender trusted for that host on that listener, is recorded per host, and never reaches a rule;
// anything else that looks like one stays an ordinary event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../../src/app.ts';
import type { RelayEvent } from '../../../src/event.ts';
import { silentLogger } from '../../../src/log.ts';
import { parseConfig } from '../../../src/plan/load-plan.ts';
import { SudoHeartbeats } from '../../../src/sources/sudo/heartbeat.ts';
import { readSudoHosts } from '../../../src/state/sudo-hosts.ts';
import { HttpSink } from '../../helpers/http-sink.ts';
import { connect } from '../../helpers/net.ts';

const TAG = '-- MARK -- relay-sudo every=60 host=web1';

const config = (extra = '') =>
  parseConfig(
    `
listeners:
  - { name: fleet, type: tcp, address: "127.0.0.1:0", sudo: { trusted_senders: [{ address: 127.0.0.1, hosts: [web1] }] } }
  - { name: plain, type: tcp, address: "127.0.0.1:0" }
  - { name: fleet-udp, type: udp, address: "127.0.0.1:0" }
${extra}`,
    'test.yaml',
  );

function syslog(over: Partial<RelayEvent>): RelayEvent {
  return {
    receivedAt: new Date(1000),
    listener: 'fleet',
    kind: 'syslog',
    peer: '127.0.0.1:40000',
    host: 'vm',
    structuredData: { meta: { sequenceId: '1' } },
    message: TAG,
    fields: {},
    ...over,
  };
}

describe('SudoHeartbeats.read', () => {
  const beats = new SudoHeartbeats(config().listeners, silentLogger);

  it('takes the tagged MARK from a sender trusted for the host it names (not the HOSTNAME syslog-ng gives it)', () => {
    expect(beats.read(syslog({}))).toEqual({
      beat: { host: 'web1', every: 60, listener: 'fleet', receivedAt: new Date(1000), peer: '127.0.0.1:40000' },
    });
  });

  it.each([
    [
      'a sender pinned to other hosts',
      { message: '-- MARK -- relay-sudo every=60 host=db1' },
      'sender 127.0.0.1 may not send sudo events for host db1',
    ],
    ['an untrusted address', { peer: '127.0.0.2:40000' }, 'sender 127.0.0.2 is not in trusted_senders'],
    ['a listener without sudo trust', { listener: 'plain' }, 'listener plain takes no sudo events'],
    ['UDP, which can be spoofed', { listener: 'fleet-udp' }, 'listener fleet-udp takes no sudo events'],
  ])('flags it from %s and lets it go on as an ordinary event', (_, over, why) => {
    const read = beats.read(syslog(over));
    expect('event' in read && String(read.event.fields.untrusted_heartbeat)).toContain(why);
  });

  it.each([
    ['a plain MARK (any destination with a mark-mode sends one)', { message: '-- MARK --' }],
    ['the tag logged by a user through relay.conf', { structuredData: { 'relay_writer@32473': { uid: '1000' } } }],
    ['the tag written to the sudo socket', { structuredData: { 'relay_sudo@32473': { uid: '0', via: 'socket' } } }],
    ['the tag inside a longer message', { message: `x ${TAG}` }],
    ['a sudo event', { kind: 'sudo' as const }],
  ])('leaves %s untouched', (_, over) => {
    const ev = syslog(over);
    expect(beats.read(ev)).toEqual({ event: ev });
  });
});

describe('a heartbeat over a real TCP listener', () => {
  const sink = new HttpSink();
  let dir: string;
  let app: App;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-heartbeat-'));
    await sink.start();
    app = new App(
      config(`notifiers: { sink: "${sink.url()}" }
rules:
  - { name: everything, match: {}, notify: [sink], title: "{{kind}} {{host}}", body: "{{message}} untrusted={{fields.untrusted_heartbeat}}" }
state_dir: ${join(dir, 'state')}`),
      { log: silentLogger },
    );
    await app.start();
  });
  afterAll(async () => {
    await app.stop();
    await sink.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('as syslog-ng 3.38 sends it: recorded for the host, no alert even from a catch-all rule; untrusted, alerted as ordinary', async () => {
    const port = Number(app.sources[0]!.address().split(':').pop());
    // Byte for byte what syslog-ng/sudo-forward.conf's destination sent (octet counting, a trailing newline).
    const frame = `<46>1 ${new Date().toISOString()} vm - - - [meta sequenceId="1"] ${TAG}\n`;
    const send = async (localAddress: string, text: string) => {
      const s = await connect({ host: '127.0.0.1', port, localAddress });
      await new Promise<void>((r) => s.end(`${Buffer.byteLength(text)} ${text}`, r));
    };
    await send('127.0.0.1', frame);
    await send('127.0.0.2', frame);
    await sink.waitFor(1);
    // Events of one connection arrive in order: the barrier's alert comes after the heartbeat was handled.
    await send('127.0.0.1', `<13>1 - web1 barrier - - - barrier\n`);
    await sink.waitFor(2);
    expect(sink.json<{ title: string; message: string }>().map((a) => a.message)).toEqual([
      `${TAG} untrusted=sender 127.0.0.2 is not in trusted_senders`,
      'barrier untrusted=',
    ]);
    await app.stop();
    const [web1] = readSudoHosts(join(dir, 'state')).hosts;
    expect(web1).toMatchObject({ host: 'web1', heartbeatEvery: 60, events: 0, listener: 'fleet' });
    expect(web1!.lastHeartbeat).toBe(web1!.lastHeard);
    expect(web1!.lastSeen).toBeUndefined();
    await app.start();
  });
});
