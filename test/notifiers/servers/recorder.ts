// A loopback HTTP server that records every request and answers as the test tells it to: the base of the
// provider fakes, each of which only knows its provider's paths, auth and answers.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Handler = (req: Recorded) => Reply | Promise<Reply>;

export interface Recorder {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  requests: Recorded[];
  /** Replace how the server answers (default: 200 with `{}`). */
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export function json(req: Recorded): any {
  return JSON.parse(req.body);
}

export function form(req: Recorded): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(req.body));
}

export async function startRecorder(initial: Handler = () => ({})): Promise<Recorder> {
  let handler = initial;
  const requests: Recorded[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const rec: Recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(rec);
    const reply = await handler(rec);
    const body = reply.body === undefined ? '{}' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
