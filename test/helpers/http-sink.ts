// A local HTTP endpoint on 127.0.0.1 that records what it receives and answers as told, for tests that
// deliver to json:// and friends. Waits are on events, never on sleeps.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Responder = (req: Received, index: number) => { status: number; headers?: Record<string, string>; body?: string };

export class HttpSink {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private waiters: { count: number; resolve: () => void }[] = [];
  respond: Responder = () => ({ status: 200, body: 'ok' });

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r: Received = {
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        const answer = this.respond(r, this.received.length);
        if (answer.status < 300) this.received.push(r);
        else this.rejected++;
        res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
        this.waiters = this.waiters.filter((w) => (this.received.length >= w.count ? (w.resolve(), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  rejected = 0;

  get port(): number {
    return (this.server!.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `json://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves once `count` requests were accepted (2xx). */
  waitFor(count: number): Promise<void> {
    if (this.received.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  json<T = Record<string, unknown>>(): T[] {
    return this.received.map((r) => JSON.parse(r.body) as T);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
