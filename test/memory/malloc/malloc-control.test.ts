// The malloc addon: the arena cap is accepted, and releaseFree hands freed holes back to the kernel.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { limitArenas } from '../../../src/memory/malloc/malloc-control.ts';

const GLIBC = Boolean((process.report.getReport() as { header: { glibcVersionRuntime?: string } }).header.glibcVersionRuntime);

// In a fresh process: 60 MB of 4 KB malloc'd buffers, every 64th kept so that glibc cannot trim the top of
// its heap by itself, the rest freed by a full GC. RssAnon before and after releaseFree(), in kB.
const CHILD = `
import { releaseFree } from './src/memory/malloc/malloc-control.ts';
import { readFileSync } from 'node:fs';
const anon = () => Number(/RssAnon:\\s+(\\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
let all = [];
for (let i = 0; i < 15000; i++) all.push(Buffer.allocUnsafeSlow(4096).fill(1));
const kept = all.filter((_, i) => i % 64 === 0);
all = undefined;
globalThis.gc(); globalThis.gc();
const before = anon();
const released = releaseFree();
console.log(JSON.stringify({ before, after: anon(), released, kept: kept.length }));
`;

describe('malloc control', () => {
  it.runIf(GLIBC)('caps the arenas on glibc and refuses a count below one', () => {
    expect(limitArenas(2)).toBe(true);
    expect(() => limitArenas(0)).toThrow(/positive integer/);
  });

  it.runIf(GLIBC)('gives the pages of freed small allocations back to the kernel', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', CHILD], {
      encoding: 'utf8',
    });
    const { before, after, released } = JSON.parse(out.trim().split('\n').at(-1)!) as { before: number; after: number; released: boolean };
    expect(released).toBe(true);
    // ~58 MB were freed into holes between the kept buffers; most of it must leave the RSS.
    expect(before - after).toBeGreaterThan(30_000);
  });
});
