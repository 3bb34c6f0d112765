// Apprise's tag expressions and how they select relay's notifiers: table-driven.
import { describe, expect, it } from 'vitest';
import { tagExpression } from '../../src/http/notify-request.ts';
import { notifyTargets, type TagConfig } from '../../src/http/notify-targets.ts';

const config: TagConfig = {
  notifiers: ['ops', 'mail', 'chat'],
  tags: { devops: ['ops', 'chat'], people: ['mail', 'chat'], gone: ['disabled'] },
  default: ['ops'],
  urls: new Map(),
  allowUrls: false,
};

describe('tagExpression', () => {
  it.each<[unknown, string[][]]>([
    [undefined, []],
    ['', []],
    ['ops', [['ops']]],
    ['ops, mail', [['ops'], ['mail']]],
    ['ops|mail', [['ops'], ['mail']]],
    ['devops people', [['devops', 'people']]],
    ['devops&people+x, mail', [['devops', 'people', 'x'], ['mail']]],
    [
      ['ops', 'devops people'],
      [['ops'], ['devops', 'people']],
    ],
    [' , ops ,, ', [['ops']]],
  ])('%j → %j', (input, groups) => {
    expect(tagExpression(input)).toEqual({ groups });
  });

  it.each([[42], [['ops', 7]], ['ops;rm'], ['a/b']])('refuses %j', (input) => {
    expect(tagExpression(input)).toHaveProperty('error');
  });
});

describe('notifyTargets', () => {
  it.each<[string[][], string | undefined, string[]]>([
    [[], undefined, ['ops']],
    [[['mail']], undefined, ['mail']],
    [[['devops']], undefined, ['ops', 'chat']],
    [[['devops', 'people']], undefined, ['chat']],
    [[['devops'], ['mail']], undefined, ['ops', 'mail', 'chat']],
    [[['all']], undefined, ['ops', 'mail', 'chat']],
    [[], 'people', ['mail', 'chat']],
    [[['devops']], 'people', ['chat']],
  ])('%j with key %s → %j', (groups, key, notifiers) => {
    expect(notifyTargets(groups, key, config)).toEqual({ notifiers });
  });

  it('names an unknown tag, says when tags select nothing, and when the default is empty', () => {
    expect(notifyTargets([['nobody']], undefined, config)).toEqual({
      error: 'unknown tag "nobody": use a notifier\'s name, a tag of http.notify.tags, or all',
    });
    expect(notifyTargets([['gone']], undefined, config)).toEqual({ error: 'the tags given select no notifier that can send' });
    expect(notifyTargets([], undefined, { ...config, default: [] })).toEqual({
      error: 'no tag given and http.notify.default names no notifier that can send',
    });
  });
});
