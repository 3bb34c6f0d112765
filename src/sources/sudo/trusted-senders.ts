// Which network senders relay believes when they forward sudo events (a listener's `sudo.trusted_senders`):
// addresses in CIDR form, optionally pinned to the host names each may send, so a trusted host still
// cannot pass its events off as another host's.
import { BlockList, isIP } from 'node:net';
import type { TrustedSender } from '../../config/schema.ts';

/** Undefined when `ip` may send sudo events for `host`; otherwise why not. */
export type SenderTrust = (ip: string, host: string) => string | undefined;

export function senderTrust(entries: readonly TrustedSender[]): SenderTrust {
  const anyHost = new BlockList();
  const pinned: { list: BlockList; hosts: Set<string> }[] = [];
  for (const entry of entries) {
    if (typeof entry === 'string') addCidr(anyHost, entry);
    else {
      const list = new BlockList();
      addCidr(list, entry.address);
      pinned.push({ list, hosts: new Set(entry.hosts) });
    }
  }
  return (rawIp, host) => {
    const ip = rawIp.startsWith('::ffff:') && isIP(rawIp.slice(7)) === 4 ? rawIp.slice(7) : rawIp;
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(ip) === 0) return `sender ${rawIp} is not an IP address`;
    if (anyHost.check(ip, family)) return undefined;
    const pins = pinned.filter((p) => p.list.check(ip, family));
    if (pins.length === 0) return `sender ${ip} is not in trusted_senders`;
    if (pins.some((p) => p.hosts.has(host))) return undefined;
    return `sender ${ip} may not send sudo events for host ${host}`;
  };
}

function addCidr(list: BlockList, cidr: string): void {
  const [ip, bits] = cidr.split('/') as [string, string | undefined];
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  list.addSubnet(ip, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
}
