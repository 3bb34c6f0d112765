// The pre-filter is sound: whenever it turns a frame away, parsing the frame and matching every rule (and
// every sequence rule's `after:`) finds nothing. Rules and frames are drawn from one small vocabulary, so
// literals are as often present as not, across every field, frame shape and combinator.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RuleConfig } from '../../src/config/schema.ts';
import type { Match } from '../../src/config/match-schema.ts';
import type { ConfigProblem } from '../../src/config/problems.ts';
import { compileMatch } from '../../src/pipeline/match.ts';
import { compilePrefilter } from '../../src/pipeline/prefilter.ts';
import { syslogEvent } from '../../src/sources/syslog-frame.ts';
import { parseFields } from '../../parsers/index.ts';

const WORDS = ['sudo', 'sshd', 'FAILED', 'fail', 'ok', 'web1', '-', 'a', 'é', '😀', 'user=root', 'pam_unix(sudo:auth):', 'tcp'];
const word = fc.constantFrom(...WORDS);
const gap = fc.constantFrom(' ', ' ', '  ', '\t', ' \t', '\t ');
const words = fc.array(fc.tuple(word, gap), { maxLength: 5 }).map((ws) => ws.map(([w, g]) => w + g).join(''));
const pri = fc.oneof(
  fc.integer({ min: 0, max: 255 }).map((n) => `<${n}>`),
  fc.constant(''),
  fc.constantFrom('<007>', '<1000>', '<x>'),
);

const frameText = fc.oneof(
  // RFC 5424, with or without structured data
  fc
    .tuple(pri, word, word, word, word, fc.constantFrom('-', '[x@1 a="sudo"]', '[relay_sudo@32473 uid="0"]'), words)
    .map(([p, host, app, procid, msgid, sd, msg]) => `${p}1 2026-11-30T10:00:00Z ${host} ${app} ${procid} ${msgid} ${sd} ${msg}`),
  // BSD, with and without a tag
  fc.tuple(pri, word, word, words).map(([p, host, app, msg]) => `${p}Nov  3 09:14:15 ${host} ${app}[42]: ${msg}`),
  fc.tuple(pri, words).map(([p, msg]) => `${p}Nov  3 09:14:15 ${msg}`),
  // ISO legacy header (loggen, rsyslog)
  fc.tuple(pri, word, word, words).map(([p, host, app, msg]) => `${p}2026-11-23T11:00:33 ${host} ${app}: ${msg}`),
  // a month without a BSD time: nsyslog's guess, which joins words with one space
  fc.tuple(pri, fc.constantFrom('Nov 3 ', 'Nov  3 x ', 'Jan '), words).map(([p, head, msg]) => `${p}${head}${msg}`),
  // anything else, or no PRI at all
  fc.tuple(pri, words, words).map(([p, a, b]) => `${p}${a}${b}`),
);
const frame = fc.oneof(
  frameText.map((t) => Buffer.from(t)),
  fc
    .tuple(frameText, fc.uint8Array({ maxLength: 4 }), frameText)
    .map(([a, bad, b]) => Buffer.concat([Buffer.from(a), Buffer.from(bad), Buffer.from(b)])),
  fc.tuple(frameText, fc.constantFrom('\n', '\r\n', '\0', '')).map(([t, end]) => Buffer.from(t + end)),
);

const REGEXES = [
  '/FAILED/',
  '/fail(ed)?/',
  '/a b/',
  '/^sudo$/',
  '/FAIL|ok/',
  '/F.ILED/',
  '/\\d+/',
  '/sudo/i',
  '/user=\\w+/',
  '/pam_unix\\(sudo/',
  '/é/u',
  '/1 2026/',
];
const textValue = fc.oneof(
  word,
  fc.constantFrom(...REGEXES),
  fc.constantFrom('a b', 'é a', 'FAILED ok', '', '> 3', 'true'),
  fc.integer({ min: 0, max: 50 }),
  fc.boolean(),
);
const test = (field: string): fc.Arbitrary<unknown> => {
  const one =
    field === 'severity'
      ? fc.constantFrom('err', 'warning', '<= warning', '> 4', 3, '/3/')
      : field === 'facility'
        ? fc.constantFrom('auth', 'daemon', 'user', '/au/')
        : field === 'kind'
          ? fc.constantFrom('syslog', 'sudo', 'json', '/sys/')
          : field === 'listener'
            ? fc.constantFrom('tcp', 'udp', '/t/')
            : textValue;
  return fc.oneof(one, fc.array(one, { minLength: 1, maxLength: 3 }));
};
const FIELDS = [
  'app',
  'message',
  'host',
  'procid',
  'msgid',
  'raw',
  'severity',
  'facility',
  'kind',
  'listener',
  'token',
  'peer',
  'fields.user',
  'sd.x@1.a',
];
const fieldTest = fc.constantFrom(...FIELDS).chain((f) => test(f).map((t) => ({ [f]: t })));
const match: fc.Arbitrary<Match> = fc.letrec<{ match: Match }>((tie) => ({
  match: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(fieldTest, { maxLength: 3 }).map((ts) => Object.assign({}, ...ts) as Match),
    fc.tuple(fieldTest, fc.array(tie('match'), { minLength: 1, maxLength: 2 })).map(([t, subs]) => ({ ...t, any: subs }) as Match),
    fc.tuple(fieldTest, fc.array(tie('match'), { minLength: 1, maxLength: 2 })).map(([t, subs]) => ({ ...t, all: subs }) as Match),
    fc.tuple(fieldTest, tie('match')).map(([t, sub]) => ({ ...t, not: sub }) as Match),
  ),
})).match;
const rule: fc.Arbitrary<RuleConfig> = fc.tuple(match, fc.option(match, { nil: undefined })).map(
  ([m, after]) =>
    ({
      name: 'r',
      match: m,
      ...(after ? { kind: 'sequence', after: { match: after, count: 1, within: 60_000 } } : {}),
    }) as unknown as RuleConfig,
);

function predicates(rules: RuleConfig[]) {
  const problems: ConfigProblem[] = [];
  const preds = rules.flatMap((r) => (r.after ? [r.match, r.after.match] : [r.match])).map((m) => compileMatch(m, [], problems));
  return { preds, valid: problems.length === 0 };
}

describe('pre-filter', () => {
  it('turns a frame away only when no rule (nor any after: match) can match its parsed event', () => {
    let turnedAway = 0;
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('tcp', 'udp'),
        fc.array(frame, { minLength: 1, maxLength: 8 }),
        (rules, listener, frames) => {
          const { preds, valid } = predicates(rules);
          fc.pre(valid);
          const admits = compilePrefilter(rules, listener);
          for (const f of frames) {
            if (admits === undefined || admits(f)) continue;
            turnedAway++;
            const event = parseFields(syslogEvent(f, { listener, peer: '192.0.2.7:514' }));
            for (const p of preds) expect(p(event), `${f.toString()} against ${JSON.stringify(rules)}`).toBe(false);
          }
        },
      ),
      { numRuns: 3000 },
    );
    // The property means nothing if nothing was ever turned away.
    expect(turnedAway).toBeGreaterThan(1000);
  });

  it.each([
    ['a line of another program', '<14>1 2026-11-30T10:00:00Z web1 cron 1 - - session ok', false],
    ['a sudo line without FAILED', '<85>1 2026-11-30T10:00:00Z web1 sudo 1 - - session opened', false],
    ['a sudo line with FAILED', '<85>1 2026-11-30T10:00:00Z web1 sudo 1 - - pam_unix(sudo:auth): authentication FAILED', true],
    [
      'a syslog-wrapped sudo event, whatever the rules',
      '<86>1 2026-11-30T10:00:00Z web1 relay-sudo - - [relay_sudo@32473 uid="0"] {"v":1}',
      true,
    ],
  ])('with app: sudo and message /FAILED/: %s → %s', (_, text, expected) => {
    const admits = compilePrefilter([{ name: 'e', match: { app: 'sudo', message: '/FAILED/' } } as unknown as RuleConfig], 'tcp')!;
    expect(admits(Buffer.from(text))).toBe(expected);
  });

  it.each([
    ['an empty match', { name: 'all', match: {} }],
    ['a host test', { name: 'h', match: { host: 'web1' } }],
    ['a case-insensitive regex', { name: 'i', match: { message: '/failed/i' } }],
    ['a fields test', { name: 'f', match: { 'fields.user': 'root' } }],
    ['only a not:', { name: 'n', match: { not: { app: 'cron' } } }],
  ])('is not built when one rule can match any frame: %s', (_, r) => {
    expect(compilePrefilter([{ name: 'x', match: { app: 'x' } }, r] as unknown as RuleConfig[], 'tcp')).toBeUndefined();
  });

  it('seeks a literal with spaces piece by piece: the fallback header parser joins words with one space', () => {
    const frame = Buffer.from('<13>Nov 3 web1 é\t a');
    expect(syslogEvent(frame, { listener: 'tcp' }).message).toBe('é a');
    const admits = compilePrefilter([{ name: 'm', match: { message: 'é a' } }] as unknown as RuleConfig[], 'tcp')!;
    expect(admits(frame)).toBe(true);
    expect(admits(Buffer.from('<13>Nov 3 web1 é\t b'))).toBe(false);
  });

  it('reads severity from the PRI, and the listener and kind as the frames of that listener have them', () => {
    const admits = compilePrefilter(
      [
        { name: 'crit', match: { severity: '<= crit' } },
        { name: 'other', match: { listener: 'udp', app: 'cron' } },
        { name: 'sudo', match: { kind: 'sudo' } },
      ] as unknown as RuleConfig[],
      'tcp',
    )!;
    expect(admits(Buffer.from('<10>1 - web1 cron - - - disk on fire'))).toBe(true);
    expect(admits(Buffer.from('<14>1 - web1 cron - - - all is well'))).toBe(false);
    expect(admits(Buffer.from('no PRI at all'))).toBe(false);
  });
});
