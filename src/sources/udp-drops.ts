// The kernel's count of datagrams it dropped for one UDP socket (its receive buffer was full): the last
// column of /proc/net/udp or /proc/net/udp6, on the row of the socket's local address and port. Linux only;
// elsewhere, or when the row is not there, the answer is `undefined`.
import { readFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { endianness } from 'node:os';

export async function readUdpDrops(address: string, port: number): Promise<number | undefined> {
  const v4 = isIPv4(address);
  let table: string;
  try {
    table = await readFile(v4 ? '/proc/net/udp' : '/proc/net/udp6', 'utf8');
  } catch {
    return undefined;
  }
  const local = `${procAddress(v4 ? ipv4Bytes(address) : ipv6Bytes(address))}:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  for (const line of table.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    if (cols[1] === local) return Number(cols[cols.length - 1]);
  }
  return undefined;
}

/** The kernel prints each 32-bit word of the address as a number in host byte order. */
function procAddress(bytes: Buffer): string {
  let hex = '';
  for (let i = 0; i < bytes.length; i += 4) {
    const word = endianness() === 'LE' ? bytes.readUInt32LE(i) : bytes.readUInt32BE(i);
    hex += word.toString(16).toUpperCase().padStart(8, '0');
  }
  return hex;
}

function ipv4Bytes(address: string): Buffer {
  return Buffer.from(address.split('.').map(Number));
}

/** `::1`, `fe80::1%eth0`, `::ffff:127.0.0.1` → 16 bytes. */
function ipv6Bytes(address: string): Buffer {
  let text = address.replace(/%.*$/, '');
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = ipv4Bytes(tail[1]!);
    text = text.slice(0, tail.index) + `${((a! << 8) | b!).toString(16)}:${((c! << 8) | d!).toString(16)}`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = rest ? rest.split(':') : [];
  const groups = rest === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(Number.parseInt(g, 16), i * 2));
  return out;
}
