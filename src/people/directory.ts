// The people directory as the pipeline reads it: a user name → the person (with the handles notifiers reach
// them by), and a host → its owners (exact names first, then globs in config order). Built once per config.
import type { Config } from '../config/schema.ts';
import type { Recipient } from '../../notifiers/types.ts';

export interface Person extends Recipient {
  pronoun: 'she' | 'he' | 'they';
}

export class Directory {
  private readonly people = new Map<string, Person>();
  private readonly exactHosts = new Map<string, string[]>();
  private readonly globHosts: { pattern: RegExp; owners: string[] }[] = [];

  constructor(config: Pick<Config, 'people' | 'host_owners'>) {
    for (const [user, p] of Object.entries(config.people)) {
      this.people.set(user, {
        user,
        name: p.name ?? user,
        pronoun: p.pronoun,
        handles: { ...p.handles },
        ...(p.slack === undefined ? {} : { slack: p.slack }),
        ...(p.email === undefined ? {} : { email: p.email }),
      });
    }
    for (const [host, owners] of Object.entries(config.host_owners)) {
      const list = typeof owners === 'string' ? [owners] : [...owners];
      if (/[*?]/.test(host)) this.globHosts.push({ pattern: globPattern(host), owners: list });
      else this.exactHosts.set(host.toLowerCase(), list);
    }
  }

  get size(): number {
    return this.people.size;
  }

  /** The person with this user name; undefined when the directory does not know them. */
  person(user: string): Person | undefined {
    return this.people.get(user);
  }

  /** The owners of a host: its exact entry, else the first glob that matches; [] when none. */
  owners(host: string | undefined): string[] {
    if (!host) return [];
    const name = host.toLowerCase();
    return this.exactHosts.get(name) ?? this.globHosts.find((g) => g.pattern.test(name))?.owners ?? [];
  }
}

/** `web*` → /^web.*$/i: `*` any run of characters, `?` one; everything else literal. */
export function globPattern(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}
