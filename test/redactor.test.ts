import { describe, expect, it } from 'vitest';
import { MASK, Redactor } from '../src/redactor.ts';
import { captureLog } from './helpers/capture-log.ts';
import { redactor } from '../src/redactor.ts';

describe('Redactor', () => {
  it.each([
    ['the whole value', 'hunter2-token', 'auth with hunter2-token failed', `auth with ${MASK} failed`],
    [
      'each line of a file',
      'root:$6$salt$hash:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::',
      'bin:*:19000:0:99999:7::: and root:$6$salt$hash:19000:0:99999:7:::',
      `${MASK} and ${MASK}`,
    ],
    ['its JSON-escaped form', 'pa"ss\\word', JSON.stringify({ v: 'pa"ss\\word' }), JSON.stringify({ v: MASK })],
    ['its percent-encoded form', 'sec ret/key', 'json://h/sec%20ret%2Fkey', `json://h/${MASK}`],
    ['a longer secret whole when it contains a shorter one', 'abcd\nabcdefgh', 'xabcdefghx', `x${MASK}x`],
  ])('masks %s', (_what, secret, text, expected) => {
    const r = new Redactor();
    r.add(secret);
    expect(r.redact(text)).toBe(expected);
  });

  it('leaves values shorter than 4 characters alone, so "on" or "web" do not blot out every line', () => {
    const r = new Redactor();
    r.add('web');
    r.add('  \n');
    expect(r.size).toBe(0);
    expect(r.redact('web1 is on')).toBe('web1 is on');
  });

  it('leaves numbers and JSON literals alone, so a JSON log line stays JSON', () => {
    const r = new Redactor();
    for (const v of ['5514', '-1.25', 'true', 'false', 'null']) r.add(v);
    expect(r.size).toBe(0);
    const line = JSON.stringify({ port: 5514, ok: true, gone: null });
    expect(JSON.parse(r.redact(line))).toEqual({ port: 5514, ok: true, gone: null });
  });

  it('masks a recorded secret in every log line, in any field', () => {
    const { log, lines } = captureLog();
    redactor.add('s3cret-from-env');
    log.info({ url: 'json://h/s3cret-from-env', err: new Error('HTTP 401 for s3cret-from-env') }, 'about s3cret-from-env');
    expect(JSON.stringify(lines)).not.toContain('s3cret-from-env');
    expect(lines[0]!.msg).toBe(`about ${MASK}`);
    expect(lines[0]!.url).toBe(`json://h/${MASK}`);
  });
});
