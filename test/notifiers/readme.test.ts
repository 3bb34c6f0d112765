// notifiers/README.md is the one place the schemes and endpoint overrides are documented; keep it in step.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../notifiers/endpoints.ts';
import { UNIT_NAMES } from '../../notifiers/overflow.ts';
import { listSchemes } from '../../notifiers/registry.ts';

const readme = readFileSync(new URL('../../notifiers/README.md', import.meta.url), 'utf8');

describe('notifiers/README.md', () => {
  it.each(listSchemes().map((s) => [s.service, s]))('documents %s with its forms', (_, s) => {
    expect(readme).toContain(`| ${s.service} |`);
    for (const form of s.forms) expect(readme).toContain(form.replace(/\|/g, '\\|'));
    const row = readme.split('\n').find((l) => l.startsWith(`| ${s.service} |`))!;
    expect(row).toContain(`| ${s.limits.title} / ${s.limits.body} ${UNIT_NAMES[s.limits.unit]}`);
  });

  it.each(Object.values(ENDPOINTS).map((e) => [e.env, e.url]))('documents %s (default %s)', (env, url) => {
    expect(readme).toContain(`\`${env}\``);
    expect(readme).toContain(url);
  });
});
