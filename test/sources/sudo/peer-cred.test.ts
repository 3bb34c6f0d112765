// The SO_PEERCRED addon reports who connected to a Unix socket.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { peerCred, peerCredOfFd, type PeerCred } from '../../../src/sources/sudo/peer-cred/peer-cred.ts';

describe('peerCred', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peer-cred-'));
  afterEach(() => rmSync(join(dir, 's.sock'), { force: true }));

  it('gives the uid, gid and pid of the connecting process', async () => {
    const path = join(dir, 's.sock');
    const seen = new Promise<PeerCred>((resolve, reject) => {
      const server = net.createServer((sock) => {
        try {
          resolve(peerCred(sock));
        } catch (e) {
          reject(e as Error);
        } finally {
          sock.destroy();
          server.close();
        }
      });
      server.listen(path, () => net.connect(path).on('error', () => {}));
    });
    const cred = await seen;
    expect(cred).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
  });

  it('throws a RelayError for a socket without a descriptor', () => {
    expect(() => peerCred(new net.Socket())).toThrow(expect.objectContaining({ code: 'RELAY_E_LISTEN' }));
  });

  it('reports the errno code when the descriptor is not a socket', () => {
    const fd = openSync(join(dir, 'plain-file'), 'w');
    try {
      expect(() => peerCredOfFd(fd)).toThrow(expect.objectContaining({ code: 'ENOTSOCK' }));
    } finally {
      closeSync(fd);
    }
  });
});
