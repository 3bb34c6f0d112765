// A posted item → an event of kind http, or why not: table-driven, and nesting measured without recursion.
import { describe, expect, it } from 'vitest';
import { depthOf, httpEvent } from '../../src/http/http-event.ts';

const arrival = { receivedAt: new Date('2026-11-30T14:00:00Z'), peer: '127.0.0.1:5000', token: 'ci' };

describe('httpEvent', () => {
  it("maps every field, with severity by name or number and the sender's timestamp", () => {
    expect(
      httpEvent(
        { host: 'h', app: 'a', severity: 'warn', message: 'm', timestamp: '2026-11-30T13:00:00+01:00', fields: { x: 1 } },
        arrival,
        8,
      ),
    ).toEqual({
      event: {
        receivedAt: arrival.receivedAt,
        listener: 'http',
        kind: 'http',
        peer: '127.0.0.1:5000',
        token: 'ci',
        host: 'h',
        app: 'a',
        severity: 4,
        message: 'm',
        timestamp: new Date('2026-11-30T12:00:00Z'),
        fields: { x: 1 },
      },
    });
    expect(httpEvent({ message: 'm', severity: 0 }, arrival, 8)).toMatchObject({ event: { severity: 0, fields: {} } });
  });

  it.each<[unknown, string]>([
    [null, 'an event is a JSON object with at least "message"'],
    [[{ message: 'm' }], 'an event is a JSON object with at least "message"'],
    [{}, 'message is required and must be a string'],
    [{ message: 5 }, 'message is required and must be a string'],
    [{ message: 'm', severity: 8 }, 'severity: unknown severity 8 (emerg, alert, crit, err, warning, notice, info, debug, or 0-7)'],
    [
      { message: 'm', severity: { x: 1 } },
      'severity: unknown severity of type object (emerg, alert, crit, err, warning, notice, info, debug, or 0-7)',
    ],
    [{ message: 'm', timestamp: '2026-11-30 14:00' }, 'timestamp: timestamp must be RFC 3339 with a zone, e.g. 2026-11-30T14:00:00Z'],
    [{ message: 'm', timestamp: 1796000000 }, 'timestamp: Invalid input: expected string, received number'],
    [{ message: 'm', fields: [1] }, 'fields: Invalid input: expected record, received array'],
    [{ message: 'm', kind: 'sudo' }, 'unknown key "kind" (an event has message, host, app, severity, timestamp, fields)'],
    [{ message: 'm', fields: { a: { b: { c: {} } } } }, 'nested deeper than http.max_depth (3)'],
  ])('%j is rejected: %s', (item, error) => {
    expect(httpEvent(item, arrival, 3)).toEqual({ error });
  });
});

describe('depthOf', () => {
  it.each<[unknown, number]>([
    [1, 0],
    [{}, 1],
    [[1, 2], 1],
    [{ a: [{}] }, 3],
    [[[], [[[]]]], 4],
  ])('%j is %i deep', (v, d) => {
    expect(depthOf(v, 10)).toBe(d);
  });

  it('stops counting past the limit, at any depth, without recursion', () => {
    expect(depthOf(JSON.parse('['.repeat(1_000_000) + ']'.repeat(1_000_000)), 32)).toBe(33);
  });
});
