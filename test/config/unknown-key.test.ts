import { describe, expect, it } from 'vitest';
import { configProblems } from '../helpers/config-problems.ts';
import { closest, editDistance } from '../../src/config/did-you-mean.ts';

const problems = (yaml: string): string[] => configProblems(yaml, 'config.yaml');

const RULES = `notifiers:
  hook: json://127.0.0.1:8080/x
rules:
  - name: a
    notify: [hook]
  - name: b
    notify: [hook]
`;

describe('an unknown key', () => {
  it.each([
    [
      'a misspelt rule key',
      `${RULES}  - name: c\n    notify: [hook]\n    grup_by: [host]\n`,
      '10:5: unknown key "grup_by" in rules[2]; did you mean "group_by"?',
    ],
    [
      'two letters swapped',
      `${RULES}  - name: c\n    notify: [hook]\n    kidn: frequency\n`,
      '10:5: unknown key "kidn" in rules[2]; did you mean "kind"?',
    ],
    ['a misspelt top-level key', 'listners: []\n', '1:1: unknown key "listners" at the top level; did you mean "listeners"?'],
    ['a key of a nested block', 'delivery:\n  fold_afer: 3\n', '2:3: unknown key "fold_afer" in delivery; did you mean "fold_after"?'],
    [
      'a key of the listener type in use',
      'listeners:\n  - name: t\n    type: tcp\n    address: 127.0.0.1:5514\n    max_conections: 9\n',
      '5:5: unknown key "max_conections" in listeners[0]; did you mean "max_connections"?',
    ],
    [
      'a key only another listener type has',
      'listeners:\n  - name: u\n    type: udp\n    address: 127.0.0.1:5514\n    idle_timeout: 5m\n',
      '5:5: unknown key "idle_timeout" in listeners[0]',
    ],
    ['a key nothing is close to', `${RULES}    colour: red\n`, '8:5: unknown key "colour" in rules[1]'],
  ])('%s reads as a sentence with its place, and a suggestion when one is close', (_what, yaml, expected) => {
    expect(problems(yaml)).toEqual([expected]);
  });
});

describe('closest', () => {
  it.each([
    ['grup_by', 'group_by', 1],
    ['kidn', 'kind', 1],
    ['colour', 'color', 1],
    ['', 'abc', 3],
  ])('%s → %s is %i edits', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  it('suggests only what is within a third of the word', () => {
    expect(closest('notfy', ['notify', 'name'])).toBe('notify');
    expect(closest('colour', ['continue', 'kind', 'key'])).toBeUndefined();
  });
});
