// `relay silence add|list|expire`: run-time silences, kept in state_dir's SQLite file so that the running
// relay (which notices the change) and a restart both honour them.
import { userInfo } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { Match } from '../config/match-schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { parseDuration, formatDuration } from '../config/duration.ts';
import { compileSilenceMatch } from '../pipeline/silence-match.ts';
import { SilenceDb } from '../state/silence-db.ts';

export interface AddOptions {
  match: string[];
  for: string;
  starts?: string;
  comment?: string;
}

/** `field=value` pairs → a match; a field given twice means "one of". Values keep the rules' syntax (/re/, "<= warning"). */
export function matchFromArgs(pairs: readonly string[], problems: string[]): Match {
  const match: Record<string, string | string[]> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) {
      problems.push(`--match ${JSON.stringify(pair)}: write field=value, e.g. host=web1 or fields.user=root`);
      continue;
    }
    const [field, value] = [pair.slice(0, at).trim(), pair.slice(at + 1)];
    const had = match[field];
    match[field] = had === undefined ? value : [...(Array.isArray(had) ? had : [had]), value];
  }
  return match as Match;
}

/** Returns the exit code: 0 added, 2 the arguments were wrong. */
export function addSilence(
  config: Config,
  opts: AddOptions,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  now = Date.now(),
): number {
  const problems: string[] = [];
  const match = matchFromArgs(opts.match, problems);
  const found: ConfigProblem[] = [];
  compileSilenceMatch(
    match,
    ['--match'],
    found,
    config.rules.map((r) => r.name),
  );
  problems.push(...found.map((p) => `${['--match', ...p.path.slice(1)].join(' ')}: ${p.message}`));
  const duration = parseDuration(opts.for);
  if (!duration) problems.push(`--for ${JSON.stringify(opts.for)}: not a duration (e.g. 30m, 2h, 1d)`);
  const starts = opts.starts === undefined ? now : Date.parse(opts.starts);
  if (Number.isNaN(starts)) problems.push(`--starts ${JSON.stringify(opts.starts)}: not a timestamp (e.g. 2025-06-01T06:00:00Z)`);
  if (problems.length > 0 || !duration) {
    for (const p of problems) err.write(`${p}\n`);
    return 2;
  }
  const db = SilenceDb.open(config.state_dir);
  try {
    const id = db.add({ match, starts, ends: starts + duration, comment: opts.comment, createdBy: whoami() }, now);
    out.write(`${id}: silencing ${JSON.stringify(match)} until ${new Date(starts + duration).toISOString()}\n`);
    return 0;
  } finally {
    db.close();
  }
}

export function listSilences(config: Config, opts: { all?: boolean }, out: NodeJS.WritableStream, now = Date.now()): void {
  const rows: string[][] = [['ID', 'STATE', 'ENDS', 'SILENCED', 'MATCH', 'BY', 'COMMENT']];
  config.silences.forEach((s, i) => {
    const state = stateOf(s.starts ?? 0, s.ends, now);
    if (opts.all || state !== 'expired')
      rows.push([`config:${i}`, state, iso(s.ends), '-', JSON.stringify(s.match), 'config', s.comment ?? '']);
  });
  const db = SilenceDb.open(config.state_dir);
  try {
    for (const s of db.all()) {
      const state = stateOf(s.starts, s.ends, now);
      if (opts.all || state !== 'expired')
        rows.push([s.id, state, iso(s.ends), String(s.silenced), JSON.stringify(s.match), s.createdBy, s.comment ?? '']);
    }
  } finally {
    db.close();
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const r of rows)
    out.write(
      `${r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

/** Returns the exit code: 0 expired, 1 no such silence. */
export function expireSilence(
  config: Config,
  id: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream,
  now = Date.now(),
): number {
  if (id.startsWith('config:')) {
    err.write(`${id} comes from the config file: remove it there\n`);
    return 1;
  }
  const db = SilenceDb.open(config.state_dir);
  try {
    if (!db.expire(id, now)) {
      err.write(`no silence with id ${id} (see \`relay silence list --all\`)\n`);
      return 1;
    }
    out.write(`${id}: expired\n`);
    return 0;
  } finally {
    db.close();
  }
}

function stateOf(starts: number, ends: number, now: number): string {
  if (now >= ends) return 'expired';
  return now < starts ? `pending (${formatDuration(starts - now)})` : 'active';
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function whoami(): string {
  return process.env.SUDO_USER ?? process.env.USER ?? userInfo().username;
}
