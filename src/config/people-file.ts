// `people_file:`: the directory kept outside config.yaml (often generated from LDAP or HR data), read when
// the config is loaded (and reloaded). YAML with `people:` and `host_owners:` as in config.yaml, or CSV with
// a header row: user,name,slack,email,pronoun,hosts (hosts: owned hosts or globs, space-separated), every
// other column a handle. Problems are reported with the file's own line and column.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
// A namespace import lets the bundle keep only the parts of zod relay uses (not its dozens of locales).
import * as z from 'zod';
import { describePlace, locate, type ConfigProblem, type LocatedProblem } from './problems.ts';
import { HostOwners, People } from './people-schema.ts';
import { osErrorText } from '../os-error.ts';

/** A bigger file is refused unread: 10,000 people fit in far less. */
const MAX_BYTES = 4 * 1024 * 1024;

const PeopleFile = z.strictObject({ people: People.default({}), host_owners: HostOwners.default({}) });
export type PeopleFileContent = z.infer<typeof PeopleFile>;

export type PeopleFileResult = { ok: true; content: PeopleFileContent; file: string } | { ok: false; problems: LocatedProblem[] };

/** `name` as written in config (relative to the config file's directory). */
export function loadPeopleFile(name: string, configFile: string): PeopleFileResult {
  const file = isAbsolute(name) ? name : resolve(dirname(configFile), name);
  const fail = (message: string, line = 1, col = 1): PeopleFileResult => ({ ok: false, problems: [{ file, line, col, message }] });
  let text: string;
  try {
    if (statSync(file).size > MAX_BYTES) return fail(`people_file is larger than ${MAX_BYTES / 1024 / 1024} MB; relay does not read it`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return fail(`cannot read people_file: ${osErrorText(e)}`);
  }
  return /\.csv$/i.test(file) ? fromCsv(text, file) : fromYaml(text, file);
}

function fromYaml(text: string, file: string): PeopleFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((err) => ({ file, ...lines.linePos(err.pos[0]), message: err.message.split('\n')[0]! })) };
  }
  const parsed = PeopleFile.safeParse(doc.toJS() ?? {});
  if (parsed.success) return { ok: true, content: parsed.data, file };
  return {
    ok: false,
    problems: parsed.error.issues.flatMap((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) =>
          locate(doc, lines, file, {
            path: [...path, key],
            atKey: true,
            placed: true,
            message: `unknown key ${JSON.stringify(key)} in ${describePlace(path)}`,
          }),
        );
      return [locate(doc, lines, file, { path, message: issue.message })];
    }),
  };
}

const CSV_COLUMNS = new Set(['user', 'name', 'slack', 'email', 'pronoun', 'hosts']);

function fromCsv(text: string, file: string): PeopleFileResult {
  const rows = parseCsv(text);
  const [header, ...body] = rows;
  if (!header?.cells.includes('user'))
    return {
      ok: false,
      problems: [
        { file, line: 1, col: 1, message: 'a CSV people_file needs a header row with a user column: user,name,slack,email,pronoun,hosts' },
      ],
    };
  const problems: LocatedProblem[] = [];
  const people: Record<string, unknown> = {};
  const owners: Record<string, string[]> = {};
  for (const row of body) {
    const get = (column: string) => row.cells[header.cells.indexOf(column)]?.trim() || undefined;
    const user = get('user');
    if (!user) {
      problems.push({ file, line: row.line, col: 1, message: 'row without a user' });
      continue;
    }
    if (user in people) problems.push({ file, line: row.line, col: 1, message: `user ${JSON.stringify(user)} is listed twice` });
    const handles = Object.fromEntries(
      header.cells.flatMap((c, i) => (CSV_COLUMNS.has(c) || !row.cells[i]?.trim() ? [] : [[c, row.cells[i]!.trim()]])),
    );
    people[user] = Object.fromEntries(
      Object.entries({ name: get('name'), slack: get('slack'), email: get('email'), pronoun: get('pronoun'), handles }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    for (const host of get('hosts')?.split(/\s+/) ?? []) (owners[host] ??= []).push(user);
    const one = PeopleFile.safeParse({ people: { [user]: people[user] } });
    if (!one.success) {
      for (const issue of one.error.issues) {
        const column = String(issue.path[2] ?? 'user');
        const at = header.cells.indexOf(column);
        problems.push({ file, line: row.line, col: at < 0 ? 1 : row.cols[at]!, message: `${user}: ${column}: ${issue.message}` });
      }
    }
  }
  const parsed = PeopleFile.safeParse({ people, host_owners: owners });
  if (!parsed.success && problems.length === 0)
    problems.push(...parsed.error.issues.map((i) => ({ file, line: 1, col: 1, message: i.message })));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, content: parsed.data!, file };
}

/** RFC 4180 CSV: quoted cells may hold commas, quotes ("") and line breaks. Keeps each row's line and cell columns. */
function parseCsv(text: string): { line: number; cells: string[]; cols: number[] }[] {
  const rows: { line: number; cells: string[]; cols: number[] }[] = [];
  let line = 1;
  let col = 1;
  let row = { line: 1, cells: [''], cols: [1] };
  let quoted = false;
  const append = (c: string) => {
    row.cells[row.cells.length - 1] += c;
  };
  const endRow = () => {
    if (row.cells.some((x) => x.trim() !== '')) rows.push(row);
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    col++;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        append('"');
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        append(c);
        if (c === '\n') {
          line++;
          col = 1;
        }
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.cells.push('');
      row.cols.push(col);
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      col = 1;
      row = { line, cells: [''], cols: [1] };
    } else {
      append(c);
    }
  }
  endRow();
  // Header names are matched without regard to case or surrounding spaces.
  if (rows[0]) rows[0].cells = rows[0].cells.map((h) => h.trim().toLowerCase());
  return rows;
}

/**
 * Adds people_file's entries to the config's own (before it is frozen); returns the file's problems, already
 * placed in that file. A user or host in both places is a problem, never a silent override.
 */
export function mergePeopleFile(
  config: { people: Record<string, unknown>; host_owners: Record<string, unknown>; people_file?: string | undefined },
  configFile: string,
  problems: ConfigProblem[],
): LocatedProblem[] {
  if (config.people_file === undefined) return [];
  const loaded = loadPeopleFile(config.people_file, configFile);
  if (!loaded.ok) return loaded.problems;
  for (const [user, person] of Object.entries(loaded.content.people)) {
    if (user in config.people)
      problems.push({ path: ['people', user], message: `${user} is also in people_file ${loaded.file}; keep each person in one place` });
    else config.people[user] = person;
  }
  for (const [host, owners] of Object.entries(loaded.content.host_owners)) {
    if (host in config.host_owners)
      problems.push({ path: ['host_owners', host], message: `${host} is also in people_file ${loaded.file}; keep each host in one place` });
    else config.host_owners[host] = owners;
  }
  return [];
}
