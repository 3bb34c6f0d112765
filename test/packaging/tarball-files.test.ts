// The tarball holds every file README.md links to (notifiers/README.md was missing once): listed by
// `npm pack --dry-run`, without building or packing anything.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.ts';
import { run } from './npm-env.ts';

it('the tarball holds every file README.md links to', async () => {
  const packed = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  expect(packed.code, packed.stderr).toBe(0);
  const files = new Set((JSON.parse(packed.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path));
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const linked = [...new Set([...readme.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((m) => m[1]!))];
  expect(linked).toContain('notifiers/README.md');
  expect(linked.filter((f) => !files.has(f))).toEqual([]);
});
