// A loopback webhook that answers each request after `delayMs` (a receiver that is slow, not failing), and
// counts what concurrency does to it: requests in flight at once, and the order of arrival per alert key.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowWebhook {
  url(query?: string): string;
  /** Bodies (parsed JSON) in order of arrival. */
  received: Record<string, string>[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Requests that arrived while another of the same `key` field was still in flight. */
  keyOverlaps: number;
  /** Resolves once `count` requests were answered. */
  waitFor(count: number): Promise<void>;
  /** Answer with this status instead of 200 when it returns one (e.g. 503 when too many are in flight). */
  refuse: ((inFlight: number) => number | undefined) | undefined;
  stop(): Promise<void>;
}

/** `keyOf` reads an alert's key from the JSON body the notifier sent. */
export async function startSlowWebhook(delayMs: number, keyOf: (body: Record<string, string>) => string): Promise<SlowWebhook> {
  let inFlight = 0;
  const keys = new Map<string, number>();
  let answered = 0;
  let waiters: { count: number; resolve: () => void }[] = [];
  const hook: SlowWebhook = {
    url: (query = '') => `json://127.0.0.1:${(server.address() as AddressInfo).port}/hook${query}`,
    received: [],
    maxInFlight: 0,
    keyOverlaps: 0,
    refuse: undefined,
    waitFor: (count) => (answered >= count ? Promise.resolve() : new Promise((resolve) => waiters.push({ count, resolve }))),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>;
      const key = keyOf(body);
      inFlight++;
      hook.maxInFlight = Math.max(hook.maxInFlight, inFlight);
      if ((keys.get(key) ?? 0) > 0) hook.keyOverlaps++;
      keys.set(key, (keys.get(key) ?? 0) + 1);
      const status = hook.refuse?.(inFlight) ?? 200;
      setTimeout(() => {
        inFlight--;
        keys.set(key, keys.get(key)! - 1);
        if (status === 200) {
          hook.received.push(body);
          answered++;
        }
        res.writeHead(status).end(status === 200 ? 'ok' : 'busy');
        waiters = waiters.filter((w) => (answered >= w.count ? (w.resolve(), false) : true));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return hook;
}
