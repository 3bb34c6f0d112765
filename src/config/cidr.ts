// An address or network as config names it: `10.0.0.0/24`, `10.0.0.5`, `fd00::/8`; and the test of an
// address against a list of them (listeners' `allow`, sudo's `trusted_senders`).
import { BlockList, isIP } from 'node:net';

export function isCidr(text: string): boolean {
  const [ip, bits, extra] = text.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32);
}

/** Whether an address is in any of the networks; IPv4 arriving on an IPv6 socket (`::ffff:10.0.0.5`) counts as IPv4. */
export type CidrMatch = (ip: string) => boolean;

export function cidrMatch(cidrs: readonly string[]): CidrMatch {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [ip, bits] = cidr.split('/') as [string, string | undefined];
    const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(ip, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  return (raw) => {
    const ip = plainIp(raw);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** `::ffff:10.0.0.5` → `10.0.0.5`; anything else unchanged. */
export function plainIp(raw: string): string {
  return raw.startsWith('::ffff:') && isIP(raw.slice(7)) === 4 ? raw.slice(7) : raw;
}
