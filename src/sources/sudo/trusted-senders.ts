// Which network senders relay believes when they forward sudo events (a listener's `sudo.trusted_senders`):
// addresses in CIDR form, optionally pinned to the host names each may send, so a trusted host still
// cannot pass its events off as another host's.
import { isIP } from 'node:net';
import { cidrMatch, plainIp } from '../../config/cidr.ts';
import type { TrustedSender } from '../../config/schema.ts';

/** Undefined when `ip` may send sudo events for `host`; otherwise why not. */
export type SenderTrust = (ip: string, host: string) => string | undefined;

export function senderTrust(entries: readonly TrustedSender[]): SenderTrust {
  const anyHost = cidrMatch(entries.filter((e) => typeof e === 'string'));
  const pinned = entries.flatMap((e) => (typeof e === 'string' ? [] : [{ match: cidrMatch([e.address]), hosts: new Set(e.hosts) }]));
  return (rawIp, host) => {
    const ip = plainIp(rawIp);
    if (isIP(ip) === 0) return `sender ${rawIp} is not an IP address`;
    if (anyHost(ip)) return undefined;
    const pins = pinned.filter((p) => p.match(ip));
    if (pins.length === 0) return `sender ${ip} is not in trusted_senders`;
    if (pins.some((p) => p.hosts.has(host))) return undefined;
    return `sender ${ip} may not send sudo events for host ${host}`;
  };
}
