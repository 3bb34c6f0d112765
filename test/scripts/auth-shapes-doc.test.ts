// docs/auth-shapes.md is generated from the parser tests' table: it may not drift from it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_SHAPES_DOC, renderAuthShapes } from '../../scripts/auth-shapes-doc.ts';
import { AUTH_SHAPES } from '../parsers/auth-shapes.ts';

describe('docs/auth-shapes.md', () => {
  it('is what scripts/auth-shapes-doc.ts writes from the tested table (run `npm run docs:auth-shapes`)', () => {
    expect(readFileSync(AUTH_SHAPES_DOC, 'utf8')).toBe(renderAuthShapes(AUTH_SHAPES));
  });

  it('shows every shape of the table', () => {
    const doc = renderAuthShapes(AUTH_SHAPES);
    expect(AUTH_SHAPES.filter((s) => !doc.includes(s.message.replaceAll('|', '\\|'))).map((s) => s.message)).toEqual([]);
  });
});
