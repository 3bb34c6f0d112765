// Loopback socket helpers for tests: a free port for tools that must be told one before they start
// (syslog-ng's source, `relay run` as a process), connecting, and sending a stream and closing it.
import net from 'node:net';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

export function connect(options: net.NetConnectOpts): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(options, () => resolve(s));
    s.once('error', reject);
  });
}

/** Connects to 127.0.0.1:`port`, writes `data` and closes the connection. */
export async function sendTcp(port: number, data: string): Promise<void> {
  const s = await connect({ host: '127.0.0.1', port });
  await new Promise<void>((r) => s.end(data, r));
}
