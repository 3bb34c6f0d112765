import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { ConfigProblem } from '../../src/config/problems.ts';
import { plainTemplate } from '../../src/pipeline/plain-template.ts';
import { compileTemplate } from '../../src/pipeline/template.ts';

const HELPERS = new Set(['time', 'truncate', 'join', 'default', 'duration', 'if', 'each', 'with', 'unless', 'lookup', 'log']);
const plain = (source: string) => plainTemplate(Handlebars.parse(source), HELPERS);

describe('plain templates', () => {
  it.each([
    ['{{host}} {{app}}', true],
    ['{{fields.user}} ran {{{fields.command}}}', true],
    ['{{~ host ~}} : {{! a comment }}{{this.app}}', true],
    ['{{truncate message 20}}', false],
    ['{{time}}', false],
    ['{{#if host}}{{host}}{{/if}}', false],
    ['{{../host}}', false],
    ['{{@index}}', false],
    ['{{"text"}}', false],
    ['{{this}}', false],
  ])('%s is plain: %s', (source, expected) => {
    expect(plain(source) !== undefined).toBe(expected);
  });

  it('hands a lookup Handlebars refuses (an inherited property) back to Handlebars', () => {
    const render = plain('{{message.constructor}}')!;
    expect(render({ message: 'text' })).toBeUndefined();
    expect(plain('{{message.length}}')!({ message: 'text' })).toBe('4');
  });

  it('joins its parts with JavaScript\'s + from the left, as Handlebars\' compiled template does', () => {
    expect(plain('{{a}}{{b}}')!({ a: 1, b: 2 })).toBe('3');
    expect(plain('{{a}}{{b}} x')!({ a: false, b: false })).toBe('0 x');
    expect(plain('x {{a}}{{b}}')!({ a: 1, b: 2 })).toBe('x 12');
    expect(plain('{{a}}{{~ b}}')!({ b: 2 })).toBe('2');
  });
});

// Every template and view: what relay renders is what Handlebars alone renders with the same options.
describe('templates render as Handlebars does', () => {
  const hb = Handlebars.create();
  const name = fc.constantFrom('host', 'app', 'message', 'fields', 'count', 'missing', 'constructor', 'length', 'user', 'argv', 'when');
  const path = fc.array(name, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.'));
  const text = fc.stringMatching(/^[a-z :×\n-]{0,6}$/);
  const piece = fc.oneof(
    text,
    path.map((p) => `{{${p}}}`),
    path.map((p) => `{{{${p}}}}`),
    path.map((p) => `{{~ this.${p} ~}}`),
    fc.constant('{{! note }}'),
  );
  const leaf = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined),
    fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }), fc.date({ noInvalidDate: true }));
  const view = fc.dictionary(name, fc.oneof(leaf, fc.dictionary(name, leaf, { noNullPrototype: true })), { noNullPrototype: true });

  it('for text, lookups, whitespace control and comments', () => {
    fc.assert(fc.property(fc.array(piece, { maxLength: 6 }), view, (pieces, v) => {
      const source = pieces.join('');
      const problems: ConfigProblem[] = [];
      const relay = compileTemplate(source, ['t'], problems);
      expect(problems).toEqual([]);
      const handlebars = hb.compile(source, { noEscape: true, strict: false });
      expect(relay(v)).toBe(handlebars(v));
      // The fast path itself, where it takes the template: the same text, or a hand-back to Handlebars.
      expect(plain(source)?.(v) ?? handlebars(v)).toBe(handlebars(v));
    }), { numRuns: 500 });
  });
});
