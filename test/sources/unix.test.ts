import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.ts';
import { UnixListener } from '../../src/config/listener-schema.ts';
import { ErrorCodes } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { UnixSource, type UnixSourceOptions } from '../../src/sources/unix.ts';
import { EventCollector, closed, randomLine, until } from './loopback.ts';
import { connect } from '../helpers/net.ts';

let dir: string;
let source: UnixSource | undefined;
const sockets: Socket[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-unix-'));
});

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await source?.stop();
  source = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function listen(overrides: Record<string, unknown> = {}, opts: UnixSourceOptions = {}) {
  const path = join(dir, 'run', 'relay', 'sudo.sock');
  const config = UnixListener.parse({ name: 'sudo', type: 'unix', address: path, max_message_size: 1024, ...overrides });
  const events = new EventCollector();
  source = new UnixSource(config, events.sink, silentLogger, opts);
  await source.start();
  const s = source;
  return {
    source: s,
    events,
    path: s.address(),
    open: async () => {
      const c = await connect({ path: s.address() });
      sockets.push(c);
      return c;
    },
  };
}

describe('UnixSource', () => {
  it('creates the missing directory, applies mode and turns each JSON object line into an event', async () => {
    const { events, path, open } = await listen({ mode: '0600' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const c = await open();
    c.write('{"event":"sudo","user":"alice","command":"/usr/bin/id"}\n{"message":"hello","n":1}\r\n{"x":[1]}\n');
    const a = await events.waitFor((e) => e.fields.user === 'alice');
    expect(a).toMatchObject({
      listener: 'sudo',
      kind: 'json',
      message: 'sudo',
      fields: { event: 'sudo', user: 'alice', command: '/usr/bin/id' },
    });
    expect(await events.waitForMessage('hello')).toMatchObject({ fields: { message: 'hello', n: 1 } });
    expect(await events.waitForMessage('{"x":[1]}')).toMatchObject({ fields: { x: [1] } });
  });

  it('counts lines that are not JSON objects, never stops, and delivers the next valid line', async () => {
    const { source, events, open } = await listen();
    const c = await open();
    c.write(randomLine(200));
    c.write('\n');
    c.write(Buffer.from([0xc3, 0x28, 0xff, 0x0a]));
    c.write('[1,2]\n"just a string"\n42\nnull\n{"unterminated":\n');
    c.write(Buffer.alloc(10 * 1024 * 1024, '{')); // a 10 MB line
    c.write('\n{"message":"still here"}\n');
    await events.waitForMessage('still here');
    expect(source.stats()).toMatchObject({ badFrames: 7, oversize: 1, received: 1 });
  });

  it('removes a stale socket file but refuses a live socket or a regular file', async () => {
    const path = join(dir, 'run', 'relay', 'sudo.sock');
    const { source: first } = await listen();
    await expect(
      new UnixSource(UnixListener.parse({ name: 'dup', type: 'unix', address: path }), () => {}, silentLogger).start(),
    ).rejects.toMatchObject({ code: ErrorCodes.LISTEN, message: /another process is listening/ });

    await first.stop();
    source = undefined;
    // A socket file without a listener, as a process killed with SIGKILL leaves behind.
    const killed = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`,
    ]);
    await new Promise((r) => killed.once('exit', r));
    expect((await stat(path)).isSocket()).toBe(true);
    const { events, open } = await listen();
    (await open()).write('{"message":"after stale"}\n');
    await events.waitForMessage('after stale');

    const file = join(dir, 'plain');
    await writeFile(file, 'keep me');
    await expect(
      new UnixSource(UnixListener.parse({ name: 'file', type: 'unix', address: file }), () => {}, silentLogger).start(),
    ).rejects.toMatchObject({ code: ErrorCodes.LISTEN, message: /is not a socket/ });
  });

  it('removes its socket file on stop', async () => {
    const { source, path } = await listen();
    await source.stop();
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('asks acceptPeer on each connection: false refuses, a string names the peer', async () => {
    let verdict: boolean | string = false;
    const { source, events, open } = await listen({}, { acceptPeer: () => verdict });
    await closed(await open());
    expect(source.stats()).toMatchObject({ rejectedConnections: 1, rejectedNotAllowed: 1 });

    verdict = 'uid=1000';
    (await open()).write('{"message":"named"}\n');
    expect(await events.waitForMessage('named')).toMatchObject({ peer: 'uid=1000' });
  });

  it('uses a toEvent hook for lines and counts the ones it rejects', async () => {
    const { source, events, open } = await listen(
      {},
      {
        toEvent: (line, origin) => {
          if (!line.startsWith('sudo ')) throw new Error('not a sudo line');
          return { ...origin, kind: 'sudo', message: line.slice(5), fields: {} };
        },
      },
    );
    const c = await open();
    c.write('junk\nsudo alice ran id\n');
    expect(await events.waitForMessage('alice ran id')).toMatchObject({ kind: 'sudo', listener: 'sudo' });
    expect(source.stats().badFrames).toBe(1);
  });

  it('applies max_connections and idle_timeout like tcp', async () => {
    // idle_timeout runs on real time: long enough that the steps before the idling hold on a loaded machine.
    const { source, events, open } = await listen({ max_connections: 1, idle_timeout: '1s' });
    const a = await open();
    a.write('{"message":"first"}\n');
    await events.waitForMessage('first');
    await closed(await open());
    expect(source.stats().rejectedConnections).toBe(1);
    await closed(a);
    await until(() => source.stats().connections === 0);
  });

  it('caps connections per peer uid when max_connections_per_peer is set', async () => {
    const { source, events, open } = await listen({ max_connections_per_peer: 1 }, { acceptPeer: () => 'uid=0' });
    const a = await open();
    await closed(await open());
    expect(source.stats()).toMatchObject({ rejectedPerPeer: 1, rejectedConnections: 1, connections: 1 });
    a.write('{"message":"still served"}\n');
    await events.waitForMessage('still served');
  });

  it('closes a connection whose line does not end within frame_timeout', async () => {
    const clock = new ManualClock(0);
    const { source, events, open } = await listen({ frame_timeout: '5s' }, { clock });
    const c = await open();
    c.write('{"message":"whole"}\n{"message":"half');
    await events.waitForMessage('whole');
    clock.advance(5_000);
    expect(source.stats().frameTimeouts).toBe(1);
    await closed(c);
  });

  it('reconfigure() applies mode, limits and max_message_size to the running socket; declines another path or format', async () => {
    const { source, events, path, open } = await listen({ mode: '0660', max_connections: 4 });
    const c = await open();
    const config = UnixListener.parse({
      name: 'sudo',
      type: 'unix',
      address: path,
      mode: '0600',
      max_message_size: 16,
      max_connections: 1,
    });
    expect(await source.reconfigure(config)).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    c.write('{"message":"longer than sixteen bytes"}\n{"m":"ok"}\n');
    await events.waitFor((e) => e.fields.m === 'ok');
    expect(source.stats().oversize).toBe(1);
    const extra = await open();
    await closed(extra);
    expect(source.stats()).toMatchObject({ rejectedMaxConnections: 1, connections: 1 });
    expect(await source.reconfigure({ ...config, format: 'sudo' })).toBe(false);
    expect(await source.reconfigure({ ...config, address: join(dir, 'other.sock') })).toBe(false);
  });
});
