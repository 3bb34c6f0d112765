// Debian's syslog-ng as the fleet's TLS receiver, the peer relay is measured against: a syslog() source
// over TLS (RFC 5425) that requires a client certificate from the fleet's CA and a subject of the pool's,
// with room for every host (max-connections, and syslog-ng's default window of 100 messages per
// connection), writing each message as one line to a file that this process reads as it grows. use-dns(no),
// as a central receiver runs: with syslog-ng's default it resolved every sender's address and passed on about
// 100 of the fleet's 1,000 messages a second.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../e2e/relay-process.ts';
import type { FleetCerts } from './fleet-certs.ts';
import { HostTally } from './host-tally.ts';
import { terminate, type Receiver } from './receiver.ts';

const run = promisify(execFile);
const READ_EVERY_MS = 100;

async function answers(ctl: string): Promise<boolean> {
  try {
    await run('syslog-ng-ctl', ['stats', '-c', ctl]);
    return true;
  } catch {
    return false;
  }
}

/** read() hands the lines appended to `path` since the last call to `tally`. */
function follower(path: string, tally: HostTally) {
  let fd: number | undefined;
  let rest = '';
  const chunk = Buffer.alloc(1 << 20);
  return {
    read() {
      if (fd === undefined && existsSync(path)) fd = openSync(path, 'r');
      if (fd === undefined) return;
      for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
        const lines = (rest + chunk.toString('utf8', 0, n)).split('\n');
        rest = lines.pop()!;
        for (const l of lines) tally.note(l);
      }
    },
    close() {
      if (fd !== undefined) closeSync(fd);
    },
  };
}

export async function syslogNgReceiver(certs: FleetCerts, hosts: number, dir: string): Promise<Receiver> {
  const tally = new HostTally(hosts);
  const port = await freePort();
  const [conf, ctl, out] = [join(dir, 'syslog-ng.conf'), join(dir, 'syslog-ng.ctl'), join(dir, 'fleet.log')];
  writeFileSync(
    conf,
    `@version: 3.38
options { stats-level(1); keep-hostname(yes); use-dns(no); dns-cache(no); };
source s_fleet {
  syslog(ip("127.0.0.1") port(${port}) transport("tls")
    max-connections(${hosts + 100}) log-iw-size(${(hosts + 100) * 100})
    tls(key-file("${certs.server.key}") cert-file("${certs.server.cert}") ca-file("${certs.ca}")
        peer-verify(required-trusted) trusted-dn("CN=fleet-*")));
};
destination d_fleet { file("${out}" template("$HOST $MSG\\n")); };
log { source(s_fleet); destination(d_fleet); };
`,
  );
  const output = follower(out, tally);
  const reader = setInterval(() => output.read(), READ_EVERY_MS);
  let child: ChildProcess | undefined;
  let log = '';
  return {
    name: 'syslog-ng',
    port,
    tally,
    get pid() {
      return child!.pid!;
    },
    async start() {
      log = '';
      const args = ['-F', '-e', '--no-caps', '-f', conf, '-R', join(dir, 'persist'), '-c', ctl, '-p', join(dir, 'pid')];
      const c = (child = spawn('syslog-ng', args, { stdio: ['ignore', 'ignore', 'pipe'] }));
      c.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
      // It listens once its control socket answers: syslog-ng opens it after the sources.
      for (;;) {
        if (c.exitCode !== null) throw new Error(`syslog-ng exited (${c.exitCode}):\n${log}`);
        if (await answers(ctl)) return;
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () => terminate(child!),
    async counters() {
      return {};
    },
    log: () => log,
    async close() {
      clearInterval(reader);
      output.close();
    },
  };
}
