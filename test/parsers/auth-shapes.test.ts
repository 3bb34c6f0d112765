// Every shape in auth-shapes.ts, as a Debian host (rsyslog's ISO format), a RHEL host (BSD format) and an
// RFC 5424 sender would forward it: the event, user, source address, outcome and severity relay reads.
import { describe, expect, it } from 'vitest';
import { parseFields } from '../../parsers/index.ts';
import { lineEvent } from '../../src/commands/replay.ts';
import type { RelayEvent } from '../../src/event.ts';
import { AUTH_SHAPES, type AuthShape } from './auth-shapes.ts';

const LAYOUTS: [string, (app: string, message: string) => string][] = [
  ['Debian', (app, message) => `2026-03-02T10:00:00.123456+00:00 web01 ${app}[4242]: ${message}`],
  ['RHEL', (app, message) => `Mar  2 10:00:00 db01 ${app}[4242]: ${message}`],
  ['RFC 5424', (app, message) => `<86>1 2026-03-02T10:00:00Z app01 ${app} 4242 - - ${message}`],
];

/** What the table says of a row, in the fields' own names; an absent value must be absent. */
function expected(s: AuthShape) {
  return { event: s.event, user: s.user, src_ip: s.src_ip, outcome: s.outcome, severity_hint: s.severity };
}

describe('auth message shapes', () => {
  it('covers at least 150 lines', () => {
    expect(AUTH_SHAPES.length).toBeGreaterThanOrEqual(150);
    expect(new Set(AUTH_SHAPES.map((s) => `${s.app} ${s.message}`)).size).toBe(AUTH_SHAPES.length);
  });

  it.each(LAYOUTS.flatMap(([layout, build]) => AUTH_SHAPES.map((s) => [layout, s.app, s.message, build(s.app, s.message), s] as const)))(
    '%s %s: %s',
    (_layout, _app, _message, line, shape) => {
      const event = lineEvent(line, new Date('2026-03-02T12:00:00Z')) as RelayEvent;
      expect(event.app).toBe(shape.app);
      const f = parseFields(event).fields;
      expect({ event: f.event, user: f.user, src_ip: f.src_ip, outcome: f.outcome, severity_hint: f.severity_hint }).toEqual(
        expected(shape),
      );
    },
  );
});
