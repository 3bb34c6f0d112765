// What a reload changes: the running config against the new one, listeners, rules and notifiers compared
// by name, so a reload touches only what differs and can say so in one log line.
import { isDeepStrictEqual } from 'node:util';
import type { Config } from '../config/schema.ts';

export interface NamedChanges {
  added: string[];
  removed: string[];
  changed: string[];
  kept: string[];
}

export interface ConfigDiff {
  listeners: NamedChanges;
  rules: NamedChanges;
  notifiers: NamedChanges;
  /** `http:` (address, tokens, limits) differs: the endpoint is built again. */
  http: boolean;
  /** Top-level keys that changed but are read only at start: they apply at the next restart. */
  atRestart: string[];
  /** Top-level keys that differ at all. */
  changed: string[];
}

/** Opened once at start (files in state_dir, the logger, delivery's timing): changing them needs a restart. */
const AT_RESTART: readonly (keyof Config)[] = ['state_dir', 'delivery', 'log'];

export function diffConfig(running: Config, next: Config): ConfigDiff {
  const keys = [...new Set([...Object.keys(running), ...Object.keys(next)])] as (keyof Config)[];
  const changed = keys.filter((k) => !isDeepStrictEqual(running[k], next[k]));
  return {
    listeners: byName(new Map(running.listeners.map((l) => [l.name, l])), new Map(next.listeners.map((l) => [l.name, l]))),
    rules: byName(new Map(running.rules.map((r) => [r.name, r])), new Map(next.rules.map((r) => [r.name, r]))),
    notifiers: byName(new Map(Object.entries(running.notifiers)), new Map(Object.entries(next.notifiers))),
    http: !isDeepStrictEqual(running.http, next.http),
    atRestart: changed.filter((k) => AT_RESTART.includes(k)),
    changed,
  };
}

function byName(before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): NamedChanges {
  const out: NamedChanges = { added: [], removed: [], changed: [], kept: [] };
  for (const [name, value] of after) {
    if (!before.has(name)) out.added.push(name);
    else if (isDeepStrictEqual(before.get(name), value)) out.kept.push(name);
    else out.changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) out.removed.push(name);
  return out;
}
