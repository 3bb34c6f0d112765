// A tls listener in config.yaml: cert, key and ca follow the config file's directory; a file that cannot
// be read, or files that do not make a key pair, are reported by `relay check` at the key's file:line:col,
// as are a missing ca and a tls listener sharing a port with a tcp one.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/plan/load-plan.ts';
import { makeCerts, type TestCerts } from '../helpers/certs.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('tls listener config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-tls-config-'));
  let certs: TestCerts;
  beforeAll(() => {
    certs = makeCerts();
    copyFileSync(certs.server.cert, join(dir, 'server.crt'));
    copyFileSync(certs.server.key, join(dir, 'server.key'));
    copyFileSync(certs.ca, join(dir, 'ca.crt'));
    copyFileSync(certs.client('web1').key, join(dir, 'other.key'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(certs.dir, { recursive: true, force: true });
  });

  it('resolves cert, key and ca against the config file and fills in the defaults', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(
      file,
      'listeners:\n  - { name: fleet, type: tls, address: "127.0.0.1:6514", cert: server.crt, key: ./server.key, ca: ca.crt }\n',
    );
    expect(loadConfigFile(file, {}).listeners[0]).toMatchObject({
      cert: join(dir, 'server.crt'),
      key: join(dir, 'server.key'),
      ca: join(dir, 'ca.crt'),
      client_auth: 'required',
      allowed_peers: [],
      min_version: 'TLSv1.2',
      max_connections: 20_000,
      frame_timeout: 30_000,
    });
  });

  it("relay check reports unreadable files, a key that is not the cert's, a missing ca and a port clash, each at file:line:col", async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      `listeners:
  - name: gone
    type: tls
    address: 127.0.0.1:6514
    cert: missing.crt
    key: server.key
    ca: ca.crt
  - name: mismatch
    type: tls
    address: 127.0.0.1:6515
    cert: server.crt
    key: other.key
    ca: ca.crt
  - name: noca
    type: tls
    address: 127.0.0.1:6516
    cert: server.crt
    key: server.key
  - { name: clash, type: tcp, address: 127.0.0.1:6514 }
`,
    );
    const r = await runCli(['check', '--config', file]);
    expect(r.code).toBe(1);
    const lines = r.stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith(file));
    expect(lines).toEqual([
      `${file}:5:11: listeners[0].cert: cannot read ${join(dir, 'missing.crt')}: no such file or directory (ENOENT)`,
      expect.stringMatching(
        new RegExp(`^${file}:11:11: listeners\\[1\\]\\.cert: listener mismatch: cert .* do not load: .*key values mismatch`),
      ),
      expect.stringMatching(new RegExp(`^${file}:14:5: listeners\\[2\\]\\.client_auth: client_auth required needs ca`)),
      `${file}:19:40: listeners[3].address: address 127.0.0.1:6514 (tcp) is already used by listener gone (127.0.0.1:6514)`,
    ]);
  });
});
