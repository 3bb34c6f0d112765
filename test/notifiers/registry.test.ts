import { describe, expect, it } from 'vitest';
import { buildSchemeTable, listSchemes, MODULES, parseNotifierUrl } from '../../notifiers/registry.ts';
import { ErrorCodes } from '../../src/errors.ts';

describe('registry', () => {
  it('refuses a scheme claimed by two modules at start-up', () => {
    const twin = { ...MODULES[1]!, service: 'Twin' };
    expect(() => buildSchemeTable([MODULES[1]!, twin])).toThrow(expect.objectContaining({ code: ErrorCodes.NOTIFIER_DUPLICATE }));
  });

  it('lists every module with its schemes, forms, options and limits', () => {
    const list = listSchemes();
    expect(list).toHaveLength(MODULES.length);
    for (const s of list) {
      expect(s.forms.length).toBeGreaterThan(0);
      expect(s.limits.body).toBeGreaterThan(0);
    }
  });

  it('names an unknown scheme', () => {
    expect(() => parseNotifierUrl('nope://x')).toThrow(expect.objectContaining({ code: ErrorCodes.URL_SCHEME }));
  });

  it('rejects an unknown overflow mode', () => {
    expect(() => parseNotifierUrl('json://h?overflow=wrap')).toThrow(/overflow=wrap/);
  });
});
