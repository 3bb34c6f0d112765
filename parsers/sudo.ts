// sudo's own syslog lines (facility authpriv) → fields named like the sudo audit plugin's JSON, so one rule
// (`fields.event: reject`, `fields.runas_user: root`) covers hosts with and without the plugin.
// Syslog carries no exit status, no uid and argv only joined by spaces: `command` is that joined text.

export type Fields = Record<string, unknown>;

/** `KEY=` names sudo writes → the plugin's field names. */
const KEYS: Record<string, string> = {
  TTY: 'tty',
  PWD: 'cwd',
  USER: 'runas_user',
  GROUP: 'runas_group',
  COMMAND: 'command',
  ENV: 'env',
  TSID: 'tsid',
  CHROOT: 'chroot',
};

/** Refusal texts → the plugin's event (sudo -n's "a password is required" is an `error` there). */
const REFUSALS: [RegExp, string][] = [
  [/^command not allowed$/, 'reject'],
  [/^user NOT in sudoers$/, 'reject'],
  [/^user NOT authorized on host$/, 'reject'],
  [/^(\d+) incorrect password attempts?$/, 'reject'],
  [/^a password is required$/, 'error'],
];

/**
 * `fields.outcome` as the correlate stage words it for the plugin's calls (`rejected: …`, `error: …`), so
 * one template serves both; an accepted call's syslog line is written before it runs, so no exit is known.
 */
const ACCEPTED = 'allowed (syslog has no exit status)';

const HEAD = /^\s*(\S+) : (.*)$/s;
const CONTINUED = /^\(command continued\) ?(.*)$/s;

export function parseSudo(message: string): Fields | undefined {
  const head = HEAD.exec(message);
  if (!head) return undefined;
  const user = head[1]!;
  const rest = head[2]!;
  const continued = CONTINUED.exec(rest);
  if (continued) return { event: 'continued', user, command_continued: continued[1]! };

  const fields: Fields = { user };
  // COMMAND= is always last and may itself contain " ; ", so it is cut off before splitting the rest.
  const at = rest.indexOf('COMMAND=');
  const pairs = at >= 0 ? rest.slice(0, at) : rest;
  if (at >= 0) fields.command = rest.slice(at + 'COMMAND='.length);
  const parts = pairs.split(' ; ').filter((p) => p.trim() !== '');
  let reason: string | undefined;
  // Only the keys sudo writes become fields. Anything else after one is part of its value: sudo does not
  // escape " ; " in what it logs, so a directory named `x ; PROBE=true` is still the working directory.
  let last: string | undefined;
  for (const part of parts) {
    const kv = /^([A-Z]+)=(.*)$/s.exec(part.trim());
    const key = kv ? KEYS[kv[1]!] : undefined;
    if (key !== undefined) {
      fields[key] = kv![2]!;
      last = key;
    } else if (last !== undefined) {
      fields[last] = `${String(fields[last])} ; ${part}`;
    } else {
      reason ??= part.trim();
    }
  }
  if (reason === undefined) {
    if (fields.command === undefined) return undefined;
    return { event: 'accept', ...fields, outcome: ACCEPTED };
  }
  for (const [pattern, event] of REFUSALS) {
    const m = pattern.exec(reason);
    if (!m) continue;
    const attempts = m[1] === undefined ? {} : { attempts: Number(m[1]), reason: 'incorrect password attempts' };
    return { event, reason, ...fields, ...attempts, outcome: `${event === 'reject' ? 'rejected' : 'error'}: ${reason}` };
  }
  // Another complaint sudo logs ("unable to resolve host", ...): keep it as the reason, no event.
  return { reason, ...fields };
}
