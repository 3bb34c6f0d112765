import { describe, expect, it } from 'vitest';
import { maskInvalidUrl } from '../../notifiers/mask-invalid-url.ts';
import { parseNotifierUrl } from '../../notifiers/registry.ts';
import { redactor } from '../../src/redactor.ts';

describe('an invalid URL as printed', () => {
  it.each([
    // The mistake stays visible: a bad port, a space, a missing part, a wrong separator.
    ['json://hooks.example.com:99999/alerts', 'json://hooks.example.com:99999/alerts'],
    ['json://hooks example.com/alerts', 'json://hooks example.com/alerts'],
    ['discord://123456789012345678', 'discord://123456789012345678'],
    ['jsons://alice:hunter2@hooks.example.com:80a/x', 'jsons://alice:****@hooks.example.com:80a/x'],
    // Secrets do not: a password, token-like words, credential-named query values.
    ['pover://uQiRzpo4DXghDmr9QzzfQu27cmVRsG@azGDORePK8gMaC0QOYAMyEEuzJnyUi/phone', 'pover://****@****/phone'],
    ['discord://123456789012345678/Hn4zR8kQ2mXw-pL7vB9tYc3F_aS1dG6hJ0', 'discord://123456789012345678/****'],
    ['tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/-100123', 'tgram://123456789:****/-100123'],
    ['ntfy://host:8o/topic?token=tk_short&priority=high', 'ntfy://host:8o/topic?token=****&priority=high'],
    ['not a url at all', 'not a url at all'],
  ])('%s → %s', (raw, shown) => {
    expect(maskInvalidUrl(raw)).toBe(shown);
  });

  it('masks a value that came from ${env:} or ${file:} wherever it sits, and says what was wrong', () => {
    redactor.add('hook-sink.internal');
    expect(maskInvalidUrl('json://hook-sink.internal:99999/x')).toBe('json://****:99999/x');
    expect(() => parseNotifierUrl('json://hook-sink.internal:99999/x')).toThrow('not a valid json:// URL: "json://****:99999/x"');
  });
});
