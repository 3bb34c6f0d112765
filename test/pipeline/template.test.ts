import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/problems.ts';
import { compileTemplate } from '../../src/pipeline/template.ts';

const render = (source: string, view: Record<string, unknown>) => {
  const problems: ConfigProblem[] = [];
  const t = compileTemplate(source, ['t'], problems);
  expect(problems).toEqual([]);
  return t(view);
};

describe('template helpers', () => {
  it.each([
    ['{{time ts}}', { ts: '2025-03-01T12:00:00.123Z' }, '2025-03-01T12:00:00Z'],
    ['{{time ts}}', { ts: 'not a time' }, ''],
    ['{{truncate msg 5}}', { msg: 'abcdefgh' }, 'abcd…'],
    ['{{truncate msg 50}}', { msg: 'short' }, 'short'],
    ['{{join argv " "}}', { argv: ['ls', '-l', '/etc'] }, 'ls -l /etc'],
    ['{{join argv}}', { argv: ['a', 'b'] }, 'a, b'],
    ['{{default user "unknown"}}', {}, 'unknown'],
    ['{{default user "unknown"}}', { user: 'alice' }, 'alice'],
    ['{{duration within}}', { within: 90_000 }, '90s'],
    ['{{#each digest.keys}}{{count}}×{{key}} {{/each}}', { digest: { keys: [{ key: 'a', count: 2 }] } }, '2×a '],
  ])('%s with %j → %j', (source, view, expected) => {
    expect(render(source, view)).toBe(expected);
  });

  it('reports an unknown helper and a syntax error at config load', () => {
    const problems: ConfigProblem[] = [];
    compileTemplate('{{shout host}}', ['rules', 0, 'title'], problems);
    compileTemplate('{{#if x}}', ['rules', 0, 'body'], problems);
    expect(problems.map((p) => p.path.join('.'))).toEqual(['rules.0.title', 'rules.0.body']);
    expect(problems[0]!.message).toBe(
      'template uses an unknown helper "shout" at line 1 (helpers: time, truncate, join, default, duration, if, each, with, unless)',
    );
    expect(problems[1]!.message).toBe(
      'template does not parse at line 1: found the end of the template where {{else}} or {{/…}} was expected',
    );
  });

  it.each([
    [
      'a\nb {{host} c',
      'template does not parse at line 2: found a character that is not allowed there where }} or a name or a quoted string was expected',
    ],
    ['{{host}}}', 'template does not parse at line 1: found }}} where }} or a name or a quoted string was expected'],
    ['a {{!-- never closed', 'template does not parse at line 1: text that is not a template expression (an unclosed comment or quote?)'],
  ])('says where %j does not parse and what it found, without quoting the template', (source, message) => {
    const problems: ConfigProblem[] = [];
    compileTemplate(source, ['rules', 0, 'title'], problems);
    expect(problems.map((p) => p.message)).toEqual([message]);
  });
});
