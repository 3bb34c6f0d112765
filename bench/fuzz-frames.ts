// The fuzz script's garbage: one generator per kind of bad input a listener meets, for stream transports
// (TCP syslog, the Unix JSON socket) and for UDP datagrams. Each call returns the bytes of one "frame sent".
import { randomBytes } from 'node:crypto';

export type Kind = 'random' | 'randomLine' | 'hugeCount' | 'nulFlood' | 'badUtf8' | 'megaLine' | 'oddSyslog' | 'oddJson';

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const size = (max: number) => 1 + Math.floor(Math.random() * max);
const MEGA = Buffer.alloc(1024 * 1024, 'A');
const NULS = Buffer.alloc(65_536, 0);

/** Invalid UTF-8: lone continuation bytes, overlong forms, surrogates, truncated sequences. */
function badUtf8(): Buffer {
  const bad = [
    [0xc3, 0x28],
    [0xa0, 0xa1],
    [0xe2, 0x28, 0xa1],
    [0xf0, 0x28, 0x8c, 0x28],
    [0xc0, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xff, 0xfe],
    [0xf8, 0x88, 0x80, 0x80, 0x80],
  ];
  return Buffer.concat(Array.from({ length: size(20) }, () => Buffer.from(pick(bad))));
}

const ODD_SYSLOG = [
  '<999>1 - - - - - - priority out of range',
  '<13>1 9999-99-99T99:99:99Z h app - - - impossible time',
  '<13>Nov 31 25:61:61 host app: impossible BSD time',
  '<>',
  '<13>1 - h app - - [unterminated sd',
  '<13>1 - h app - - [a b="\\"] x',
  '<13',
  '<-1>1 - - - - - -',
  '<13>2 - - - - - - version 2',
] as const;

const ODD_JSON = [
  '{"message":',
  '[1,2,3]',
  'null',
  '"just a string"',
  '{"message":123}',
  '{"__proto__":{"polluted":true},"message":"proto"}',
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  '{"a":1e999999}',
  '{"message":"\\ud800 lone surrogate"}',
] as const;

/** One garbage frame for a stream connection; what may desync the de-framer is the point. */
export function streamGarbage(kind: Kind): Buffer {
  switch (kind) {
    case 'random':
      return randomBytes(size(512));
    case 'randomLine':
      return Buffer.concat([randomBytes(size(512)).map((b) => (b === 0x0a || b === 0 ? 0x2e : b)), Buffer.from('\n')]);
    case 'hugeCount':
      // 8-12 digits: an oversize count the de-framer must skip, or one too long to be a count at all.
      return Buffer.from(
        `${String(Math.floor(Math.random() * 1e12)).padStart(size(12), '9')} ${randomBytes(size(32)).toString('latin1')}`,
        'latin1',
      );
    case 'nulFlood':
      return NULS.subarray(0, size(NULS.length));
    case 'badUtf8':
      return Buffer.concat([Buffer.from('<13>1 - h app - - - '), badUtf8(), Buffer.from('\n')]);
    case 'megaLine':
      return Buffer.concat([MEGA, Buffer.from('\n')]);
    case 'oddSyslog':
      return Buffer.from(`${pick(ODD_SYSLOG)}\n`);
    case 'oddJson':
      return Buffer.from(`${pick(ODD_JSON)}\n`);
  }
}

/** One garbage datagram (UDP carries at most ~64 KB, so no 1 MB line there). */
export function datagramGarbage(kind: Kind): Buffer {
  switch (kind) {
    case 'nulFlood':
      return NULS.subarray(0, size(16_384));
    case 'megaLine':
      return MEGA.subarray(0, 60_000);
    case 'hugeCount':
      return Buffer.from(`99999999999 ${randomBytes(size(64)).toString('latin1')}`, 'latin1');
    default:
      return streamGarbage(kind).subarray(0, 60_000);
  }
}

/** How often each kind is drawn; 1 MB lines are rare because each costs a megabyte of loopback traffic. */
const WEIGHTS: [Kind, number][] = [
  ['random', 30],
  ['randomLine', 25],
  ['hugeCount', 8],
  ['nulFlood', 2],
  ['badUtf8', 15],
  ['megaLine', 0.01],
  ['oddSyslog', 10],
  ['oddJson', 10],
];
const TOTAL = WEIGHTS.reduce((a, [, w]) => a + w, 0);

export function drawKind(): Kind {
  let r = Math.random() * TOTAL;
  for (const [k, w] of WEIGHTS) if ((r -= w) < 0) return k;
  return 'random';
}
