// The plugin builds beyond Debian's glibc: with musl (no strerrorname_np/sigabbrev_np, as on RHEL 8's
// glibc 2.28 and Ubuntu 20.04), and its own errno/signal name tables say what glibc's functions say.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.ts';
import { pluginDir } from './plugin-install.ts';

const SUDO_PLUGIN_H = '/usr/include/sudo_plugin.h';

describeWithTools(['musl-gcc', 'make', 'cc', 'nm', 'objdump'], 'relay_audit plugin portability', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'relay-plugin-port-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds with musl-gcc without warnings and exports only relay_audit', () => {
    const src = join(dir, 'musl');
    cpSync(pluginDir, src, { recursive: true, filter: (p) => !/\.(o|so)$/.test(p) });
    // musl-gcc searches only musl's headers: give it a directory holding sudo's header alone.
    const include = join(dir, 'include');
    cpSync(SUDO_PLUGIN_H, join(include, 'sudo_plugin.h'));
    execFileSync('make', ['-s', '-C', src, 'relay_audit.so', 'CC=musl-gcc', `SUDO_INCLUDE=${include}`, 'CFLAGS=-O2 -Werror'], {
      stdio: 'pipe',
    });
    const so = join(src, 'relay_audit.so');
    const exported = execFileSync('nm', ['-D', '--defined-only', so], { encoding: 'utf8' });
    expect(exported).toMatch(/ D relay_audit$/m);
    const needed = execFileSync('nm', ['-D', '--undefined-only', so], { encoding: 'utf8' });
    expect(needed).not.toMatch(/strerrorname_np|sigabbrev_np/);
  });

  it('built here, needs no glibc symbol version above 2.17: one .so loads on RHEL 7/8, Ubuntu 20.04 and Debian 12', () => {
    const src = join(dir, 'glibc');
    cpSync(pluginDir, src, { recursive: true, filter: (p) => !/\.(o|so)$/.test(p) });
    execFileSync('make', ['-s', '-C', src, 'relay_audit.so', 'CFLAGS=-O2 -Werror'], { stdio: 'pipe' });
    const symbols = execFileSync('objdump', ['-T', join(src, 'relay_audit.so')], { encoding: 'utf8' });
    const versions = [...new Set([...symbols.matchAll(/\bGLIBC_(\d+)\.(\d+)/g)].map((m) => [Number(m[1]), Number(m[2])] as const))];
    expect(versions.length).toBeGreaterThan(0);
    expect(versions.filter(([major, minor]) => major > 2 || (major === 2 && minor > 17))).toEqual([]);
  });

  it('names every errno and signal as glibc 2.32+ does (strerrorname_np, sigabbrev_np)', () => {
    const check = join(dir, 'names-check.c');
    writeFileSync(
      check,
      `#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include "names.h"
static int same(const char *a, const char *b) { return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0); }
int main(void) {
    int bad = 0;
    for (int e = 1; e < 256; e++) {
        if (!same(errno_name(e), strerrorname_np(e))) { printf("errno %d: %s vs %s\\n", e, errno_name(e), strerrorname_np(e)); bad++; }
    }
    for (int s = 1; s < 65; s++) {
        const char *g = sigabbrev_np(s);
        char want[32];
        if (g) snprintf(want, sizeof want, "SIG%s", g);
        if (!same(signal_name(s), g ? want : NULL)) { printf("signal %d: %s vs %s\\n", s, signal_name(s), g ? want : "(none)"); bad++; }
    }
    printf("%d mismatches\\n", bad);
    return bad != 0;
}
`,
    );
    const bin = join(dir, 'names-check');
    execFileSync('cc', ['-std=gnu11', '-Wall', '-Werror', `-I${pluginDir}`, '-o', bin, check, join(pluginDir, 'names.c')]);
    expect(spawnSync(bin, { encoding: 'utf8' }).stdout).toBe('0 mismatches\n');
  });
});
