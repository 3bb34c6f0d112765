// A plain Unix socket server standing in for relay: records each JSON line with the sender's
// SO_PEERCRED, or (stalled) accepts connections and never reads, so the plugin's sends back up.
import { rmSync } from 'node:fs';
import net from 'node:net';
import { peerCred, type PeerCred } from '../../src/sources/sudo/peer-cred/peer-cred.ts';

export interface Received {
  event: Record<string, unknown>;
  line: string;
  peer: PeerCred;
}

export interface LineServer {
  received: Received[];
  /** Resolves with the received events matching `pred` once there are `count` of them. */
  waitFor(pred: (e: Record<string, unknown>) => boolean, count?: number, timeoutMs?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startLineServer(path: string, opts: { stalled?: boolean } = {}): Promise<LineServer> {
  rmSync(path, { force: true });
  const received: Received[] = [];
  const sockets = new Set<net.Socket>();
  let notify = (): void => {};
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    if (opts.stalled) {
      sock.pause();
      return;
    }
    const peer = peerCred(sock);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf += d;
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        received.push({ event: JSON.parse(line) as Record<string, unknown>, line, peer });
        notify();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  return {
    received,
    waitFor(pred, count = 1, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hits = received.filter((r) => pred(r.event));
          if (hits.length < count) return false;
          clearTimeout(timer);
          resolve(hits);
          return true;
        };
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} event(s); got ${received.length}`)), timeoutMs);
        if (check()) return;
        const prev = notify;
        notify = () => {
          prev();
          check();
        };
      });
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
