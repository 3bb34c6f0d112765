// `npm pack` → `npm install -g --omit=dev` of the tarball into a temporary prefix: the installed `relay`
// runs from any directory without the checkout and without dev dependencies (no tsx, no TypeScript).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/run-cli.ts';
import { freshEnv, run } from './npm-env.ts';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

/**
 * better-sqlite3 installs a prebuilt binary from its GitHub releases, or compiles SQLite for about a
 * minute when that is unreachable (as here). The test hands prebuild-install the same binary the
 * checkout uses as a local prebuild, which is the download path a connected machine takes; relay's own
 * addon is compiled for real by its install script.
 */
function betterSqlitePrebuild(dir: string): string {
  const pkg = join(ROOT, 'node_modules', 'better-sqlite3');
  const { version: v } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${v}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['czf', join(dir, name), '-C', pkg, 'build/Release/better_sqlite3.node']);
  return dir;
}

describe('the packed tarball', () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-pack-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs with production dependencies only; relay --version, check and run work from another directory', async () => {
    const packed = await run('npm', ['pack', '--pack-destination', dir], { cwd: ROOT });
    expect(packed.code, packed.stderr).toBe(0);
    const tgz = join(dir, readdirSync(dir).find((f) => f.endsWith('.tgz'))!);

    const prefix = join(dir, 'prefix');
    const prebuilds = betterSqlitePrebuild(join(dir, 'prebuilds'));
    const args = ['install', '-g', '--prefix', prefix, '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'];
    const installed = await run('npm', [...args, `--allow-scripts=${tgz},better-sqlite3`, tgz], {
      cwd: dir,
      env: freshEnv({ npm_config_better_sqlite3_local_prebuilds: prebuilds }),
    });
    expect(installed.code, installed.stderr).toBe(0);
    expect(installed.stderr).not.toContain('not yet covered by allowScripts');
    const pkgDir = join(prefix, 'lib', 'node_modules', 'relay');
    for (const dev of ['tsx', 'typescript', 'vitest']) expect(existsSync(join(pkgDir, 'node_modules', dev)), dev).toBe(false);
    expect(existsSync(join(pkgDir, 'src', 'sources', 'sudo', 'peer-cred', 'build', 'Release', 'peer_cred.node'))).toBe(true);
    expect(existsSync(join(pkgDir, 'src', 'sources', 'abort-on-close', 'build', 'Release', 'abort_on_close.node'))).toBe(true);

    const relay = join(prefix, 'bin', 'relay');
    const elsewhere = join(dir, 'elsewhere');
    const confDir = join(dir, 'etc');
    mkdirSync(elsewhere);
    mkdirSync(confDir);
    const config = join(confDir, 'config.yaml');
    writeFileSync(
      config,
      `
listeners:
  - { name: sudo, type: unix, format: sudo, address: "${join(confDir, 'sudo.sock')}" }
notifiers: { console: "console://" }
rules: [{ name: all, match: {}, notify: [console] }]
state_dir: "${join(confDir, 'state')}"
`,
    );

    const v = await run(relay, ['--version'], { cwd: elsewhere });
    expect(v).toMatchObject({ code: 0, stdout: `${version}\n` });
    const check = await run(relay, ['check', '--config', config], { cwd: elsewhere });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toContain('ok');

    // `run` loads both native addons (SQLite for the outbox, SO_PEERCRED for the sudo socket).
    const child = spawn(relay, ['run', '--config', config], { cwd: elsewhere, env: freshEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        log += d;
        if (log.includes('"msg":"listening"')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`relay exited ${code}: ${log}`)));
    });
    const exited = new Promise<number | null>((r) => child.once('exit', r));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(confDir, 'state', 'outbox.db'))).toBe(true);
  }, 90_000);
});
