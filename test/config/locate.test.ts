// Which config file a command takes: --config, then RELAY_CONFIG, then ./config.yaml, then the system file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateConfig } from '../../src/config/locate.ts';

describe('locateConfig', () => {
  const root = mkdtempSync(join(tmpdir(), 'relay-locate-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const withLocal = join(root, 'with-local');
  const empty = join(root, 'empty');
  const system = join(root, 'etc', 'config.yaml');
  mkdirSync(withLocal);
  mkdirSync(empty);
  mkdirSync(join(root, 'etc'));
  writeFileSync(join(withLocal, 'config.yaml'), '');
  writeFileSync(system, '');

  const cases: [string, string | undefined, NodeJS.ProcessEnv, string, string, ReturnType<typeof locateConfig>][] = [
    [
      '--config wins, resolved from the cwd',
      'x/c.yaml',
      { RELAY_CONFIG: '/r.yaml' },
      withLocal,
      system,
      { file: join(withLocal, 'x', 'c.yaml'), from: '--config' },
    ],
    ['then RELAY_CONFIG', undefined, { RELAY_CONFIG: '/r.yaml' }, withLocal, system, { file: '/r.yaml', from: 'RELAY_CONFIG' }],
    [
      'then ./config.yaml',
      undefined,
      { RELAY_CONFIG: '' },
      withLocal,
      system,
      { file: join(withLocal, 'config.yaml'), from: 'the current directory' },
    ],
    ['then the system file', undefined, {}, empty, system, { file: system, from: 'the system default' }],
    ['else nothing', undefined, {}, empty, join(root, 'etc', 'absent.yaml'), undefined],
  ];
  it.each(cases)('%s', (_name, flag, env, cwd, systemFile, expected) => {
    expect(locateConfig(flag, env, cwd, systemFile)).toEqual(expected);
  });
});
