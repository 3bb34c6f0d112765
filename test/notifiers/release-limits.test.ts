// Property: whatever a rate limit held (1–500 alerts, any titles and lengths, CJK and emoji, markup), its
// release fits every notifier's declared limits in the provider's own unit, every held alert's title reaches
// the provider, and failures come before routine alerts. Sizes are re-measured here independently of
// overflow.ts: after the module's escaping, in UTF-16 units, code points or UTF-8 bytes as declared.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOverflow } from '../../notifiers/overflow.ts';
import { MODULES } from '../../notifiers/registry.ts';
import type { LengthUnit, Limits, Message } from '../../notifiers/types.ts';
import type { Alert } from '../../src/alert.ts';
import { MESSAGE_TYPES } from '../../src/message-type.ts';
import { releaseMessage, type Held } from '../../src/pipeline/throttle-release.ts';

const COUNT: Record<LengthUnit, (s: string) => number> = {
  utf16: (s) => s.length,
  codepoints: (s) => [...s].length,
  bytes: (s) => Buffer.byteLength(s, 'utf8'),
};
/** What a module that prints the title inside the body puts around it (`**title**\n`, `<b>title</b>\n`). */
const TITLE_MARKUP = 8;

const char = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789 ') },
  { weight: 3, arbitrary: fc.constantFrom(...'警告磁盘已满登录失败服务器') },
  { weight: 2, arbitrary: fc.constantFrom('🔥', '🚨', '✅', '👩‍💻') },
  { weight: 1, arbitrary: fc.constantFrom(...'<>&"*_~`[]@#-') },
);
const text = (max: number) => fc.array(char, { minLength: 1, maxLength: max }).map((cs) => cs.join('').trim() || 'x');

interface Spec {
  title: string;
  body: string;
  type: Alert['type'];
  severity: number | undefined;
  alerts: number;
  events: number;
}

const spec: fc.Arbitrary<Spec> = fc.record({
  title: text(60),
  body: fc.oneof(
    text(40),
    fc.array(text(200), { minLength: 1, maxLength: 4 }).map((ls) => ls.join('\n')),
  ),
  type: fc.constantFrom(...MESSAGE_TYPES),
  severity: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
  alerts: fc.integer({ min: 1, max: 3 }),
  events: fc.integer({ min: 1, max: 5000 }),
});

/** Held entries with titles made unique by a `#i` prefix, so each can be found in what was sent. */
function heldOf(specs: readonly Spec[]): Held[] {
  return specs.map((s, i) => {
    const title = `#${i} ${s.title}`;
    const alert: Alert = {
      id: `a${i}`,
      rule: `rule${i % 7}`,
      notify: ['chat'],
      title,
      headline: title,
      body: s.body,
      type: s.type,
      ...(s.severity === undefined ? {} : { severity: s.severity }),
      key: `k${i}`,
      createdAt: 0,
      count: s.events,
    };
    return { alert, alerts: s.alerts, events: Math.max(s.events, s.alerts), since: 0, seq: i };
  });
}

const loud = (s: Spec) => s.type === 'failure' || (s.severity !== undefined && s.severity <= 2);

function fits(part: Message, limits: Limits): void {
  const len = (s: string) => COUNT[limits.unit](limits.escape ? limits.escape(s) : s);
  expect(len(part.title)).toBeLessThanOrEqual(limits.title);
  const inBody = limits.titleInBody && part.title ? len(part.title) + TITLE_MARKUP : 0;
  expect(inBody + len(part.body)).toBeLessThanOrEqual(limits.body);
  if (limits.request) expect(limits.request.size(part)).toBeLessThanOrEqual(limits.request.bytes);
}

describe('a release on every notifier', () => {
  it.each(MODULES.map((m) => [m.service, m] as const))('%s: fits, every title arrives, failures first', (_, module) => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 500, size: 'max' }), (specs) => {
        const release = releaseMessage('notifier chat', heldOf(specs), { alerts: 0, events: 0, rules: [] }, 0);
        const parts = applyOverflow({ title: release.title, body: release.body, type: release.type }, module.limits, 'truncate');
        for (const p of parts) fits(p, module.limits);
        const sent = parts.map((p) => `${p.title}\n${p.body}`).join('\n');
        const at = specs.map((_, i) => sent.indexOf(specs.length === 1 ? `#${i} ` : `• #${i} `));
        for (const [i, s] of specs.entries()) expect(at[i], `#${i} ${s.title}`).toBeGreaterThanOrEqual(0);
        const lastLoud = Math.max(-1, ...at.filter((_, i) => loud(specs[i]!)));
        const firstQuiet = Math.min(Infinity, ...at.filter((_, i) => !loud(specs[i]!)));
        expect(lastLoud).toBeLessThan(firstQuiet);
        // The first message's title names a failure first, when one was held.
        const leads = specs.some((s, i) => loud(s) && parts[0]!.title.startsWith(`#${i} `));
        expect(leads).toBe(specs.some(loud));
      }),
      { numRuns: 25 },
    );
  });
});
