// A TCP port free on 127.0.0.1 right now, for tools that must be told a port before they start
// (syslog-ng's source, `relay run` as a process). Binding port 0 directly is preferred where possible.
import { createServer, type AddressInfo } from 'node:net';

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
