// The endpoint's port is taken: App.start fails naming the address, and the listeners it had bound are
// released again.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from '../../src/app.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { silentLogger } from '../../src/log.ts';
import { freePort } from '../helpers/net.ts';

const listen = async (port: number): Promise<net.Server> => {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return server;
};

describe('HTTP endpoint on a taken port', () => {
  let dir: string;
  let taken: net.Server;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'relay-http-taken-'));
    taken = await listen(0);
  });
  afterEach(async () => {
    await new Promise((r) => taken.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails App.start with RELAY_E_LISTEN naming the address, and releases the listeners already bound', async () => {
    const httpPort = (taken.address() as net.AddressInfo).port;
    const tcpPort = await freePort();
    const app = new App(
      parseConfig(
        `
listeners: [{ name: tcp, type: tcp, address: "127.0.0.1:${tcpPort}" }]
http: { address: "127.0.0.1:${httpPort}" }
state_dir: ${dir}
`,
        'test.yaml',
        {},
      ),
      { log: silentLogger },
    );
    const failure = await app.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toMatchObject({
      code: 'RELAY_E_LISTEN',
      message: expect.stringMatching(new RegExp(`^http endpoint cannot listen on 127\\.0\\.0\\.1:${httpPort}: .*EADDRINUSE`)),
    });
    const again = await listen(tcpPort);
    await new Promise((r) => again.close(r));
  });
});
