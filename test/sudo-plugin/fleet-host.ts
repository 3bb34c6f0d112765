// The host side of the fleet tests, as an operator sets it up from the shipped files: syslog-ng/sudo-forward.conf
// for the plugin's events and relay.conf for the rest of the host's log, or over TLS the README's TLS block in
// place of sudo-forward.conf's destination and relay-tls.conf, each with the test's paths, port, host name and
// certificates. `@DIR@` is the host syslog-ng's own directory (test/helpers/syslog-ng.ts fills it in).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface HostTls {
  ca: string;
  cert: string;
  key: string;
}

export interface HostOptions {
  /** relay's listener port on 127.0.0.1. */
  port: number;
  /** What the host's syslog-ng calls itself; the machine's own name (the shipped `${HOST}`) when unset. */
  host?: string;
  /** The socket the host's log arrives on (its /dev/log); one in syslog-ng's own directory when unset. */
  devLog?: string;
  /** Over TLS with this host's certificate; plain TCP without. */
  tls?: HostTls;
  /** Seconds syslog-ng waits before it reconnects (the shipped 2 unless a test that restarts relay often needs less). */
  timeReopen?: number;
}

const shipped = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');

/** The README's TLS destination for sudo-forward.conf, as an operator copies it. */
export function readmeTlsDestination(): string {
  const readme = shipped('README.md');
  const at = readme.indexOf('For TLS, replace the `d_relay_sudo` block of');
  const block = /```\n(destination d_relay_sudo \{[\s\S]*?\n\};)\n```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error("README.md has no TLS block for sudo-forward.conf's d_relay_sudo");
  return block[1]!;
}

export function hostConfig(opts: HostOptions): string {
  const { port, host, tls } = opts;
  let sudoForward = shipped('syslog-ng/sudo-forward.conf')
    .replace('@define relay_server "relay.example.net"', '@define relay_server "127.0.0.1"')
    .replace('@define relay_port "5515"', `@define relay_port "${port}"`)
    .replace('@define relay_sudo_socket "/run/relay/sudo.sock"', '@define relay_sudo_socket "@DIR@/sudo.sock"')
    // Open to everyone here so a non-root user can try to forge (the shipped 0600 stops that at connect).
    .replace('@define relay_sudo_socket_perm "0600"', '@define relay_sudo_socket_perm "0666"')
    .replace('@define relay_sudo_spool "/var/spool/relay/sudo.jsonl"', '@define relay_sudo_spool "@DIR@/spool/sudo.jsonl"')
    .replace('@define relay_disk_buffer_dir "/var/lib/syslog-ng"', '@define relay_disk_buffer_dir "@DIR@"')
    .replace('@define relay_hostname "${HOST}"', `@define relay_hostname "${host ?? '${HOST}'}"`);
  let auth: string;
  if (tls) {
    const destination = readmeTlsDestination()
      .replace('/etc/syslog-ng/relay-ca.pem', tls.ca)
      .replace('/etc/syslog-ng/host.pem', tls.cert)
      .replace('/etc/syslog-ng/host.key', tls.key);
    sudoForward = sudoForward.replace(/destination d_relay_sudo \{[\s\S]*?\n\};/, destination);
    auth = shipped('syslog-ng/relay-tls.conf')
      .replace('syslog("relay.example.net"', 'syslog("127.0.0.1"')
      .replace('port(6514)', `port(${port})`)
      .replace('/etc/syslog-ng/relay/relay-ca.crt', tls.ca)
      .replace('/etc/syslog-ng/relay/host.crt', tls.cert)
      .replace('/etc/syslog-ng/relay/host.key', tls.key)
      .replace('dir("/var/lib/syslog-ng")', 'dir("@DIR@")');
  } else {
    auth = shipped('syslog-ng/relay.conf').replace('port(5514)', `port(${port})`).replace('dir("/var/lib/syslog-ng")', 'dir("@DIR@")');
  }
  const devLog = opts.devLog ?? '@DIR@/log';
  let config = `@version: 3.38\n${sudoForward}\n# The host's /dev/log, anyone may write to it.\nsource s_src { unix-dgram("${devLog}" perm(0666)); };\n${auth}`;
  if (opts.timeReopen !== undefined) config = config.replaceAll('time-reopen(2)', `time-reopen(${opts.timeReopen})`);
  return config;
}
