// `relay replay` on a million generated lines (the realistic day's generator, day after day): writes the
// file, replays it in a child process with the shipped config.yaml, and prints lines, alerts, wall time and
// the child's peak RSS (GNU time's %M), which must stay under 150 MB however long the file. relay is
// compiled first (tsc, into .bench-build/) and run on plain node as an installed relay runs: tsx's
// loader thread alone would add some 45 MB that a deployment does not carry.
//   npx tsx bench/replay-memory.ts [LINES]
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realisticDays } from '../test/helpers/realistic-day.ts';

const LINES = Number(process.argv[2] ?? 1_000_000);
const LIMIT_MB = 150;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DAY = 86_400_000;

const BUILD = join(ROOT, '.bench-build');

// Inside the checkout, so the compiled files resolve relay's dependencies (and the peer-cred addon) as src/ does.
mkdirSync(BUILD, { recursive: true });
writeFileSync(
  join(BUILD, 'tsconfig.json'),
  JSON.stringify({
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: false, rewriteRelativeImportExtensions: true, rootDir: '..', outDir: 'out' },
    include: ['../src', '../notifiers', '../parsers'],
  }),
);
execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(BUILD, 'tsconfig.json')], { stdio: 'inherit' });

const dir = mkdtempSync(join(tmpdir(), 'relay-replay-bench-'));
const file = join(dir, 'days.log');
try {
  const out = createWriteStream(file);
  let written = 0;
  // Days well in the past, so BSD lines (no year) read back in the same year as the ISO ones.
  const start = Math.floor(Date.now() / DAY) * DAY - 20 * DAY;
  for (const line of realisticDays({ seed: 1, start, days: 15 })) {
    if (written === LINES) break;
    if (!out.write(`${line.text}\n`)) await once(out, 'drain');
    written++;
  }
  out.end();
  await once(out, 'finish');
  if (written < LINES) throw new Error(`the generator gave only ${written} lines`);

  const started = performance.now();
  // GNU time reports the child's peak resident set (ru_maxrss) when it exits.
  const child = spawn(
    '/usr/bin/time',
    ['-f', 'peak_rss_kb=%M', process.execPath, join(BUILD, 'out/src/cli.js'), 'replay', file, '--config', join(ROOT, 'config.yaml')],
    {
      cwd: ROOT,
      env: { ...process.env, RELAY_NOTIFY_URL: 'json://127.0.0.1:9/hook' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let alerts = 0;
  let tail = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    alerts += d.match(/^\S+ → /gm)?.length ?? 0;
    tail = (tail + d).slice(-2000);
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [code] = (await once(child, 'exit')) as [number];
  const seconds = (performance.now() - started) / 1000;
  const peakKb = Number(/peak_rss_kb=(\d+)/.exec(stderr)?.[1] ?? NaN);
  const mb = peakKb / 1024;
  console.log(stderr.replace(/peak_rss_kb=\d+\n?/, '') + tail.trim().split('\n').slice(-2).join('\n'));
  console.log(
    `\n${written} lines (${(statSync(file).size / 1e6).toFixed(0)} MB) replayed in ${seconds.toFixed(1)} s (${Math.round(written / seconds)} lines/s), exit ${code}`,
  );
  console.log(`${alerts} alerts printed; peak RSS ${mb.toFixed(0)} MB (limit ${LIMIT_MB} MB): ${mb < LIMIT_MB ? 'ok' : 'TOO HIGH'}`);
  process.exitCode = code === 0 && mb < LIMIT_MB ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
