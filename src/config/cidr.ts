// An address or network as config names it: `10.0.0.0/24`, `10.0.0.5`, `fd00::/8`.
import { isIP } from 'node:net';

export function isCidr(text: string): boolean {
  const [ip, bits, extra] = text.split('/');
  const family = isIP(ip ?? '');
  if (family === 0 || extra !== undefined) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32);
}
