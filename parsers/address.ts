// Source addresses in auth lines: only a literal IPv4/IPv6 address becomes `src_ip`, so a rule keyed on it
// never groups by a host name the client chose (PAM's rhost and sshd's UseDNS lines may carry either).
import { isIP } from 'node:net';
import type { Fields } from './sudo.ts';

/** `{ src_ip }` when `host` is an address, else nothing (a name stays in the field it came in). */
export function srcIp(host: string | undefined): Fields {
  return host !== undefined && isIP(host) !== 0 ? { src_ip: host } : {};
}

/** `{ src_ip, src_port }` from sshd's `IP port N`. */
export function srcAddress(host: string | undefined, port: string | undefined): Fields {
  const ip = srcIp(host);
  return port === undefined || ip.src_ip === undefined ? ip : { ...ip, src_port: Number(port) };
}
