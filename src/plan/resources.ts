// What a config asks of the machine, declared by each part that needs it (a listener its socket, the HTTP
// endpoint its port, state_dir and Unix sockets their directories), and checked in one place: two parts
// never claim one socket, and every directory relay must write to is writable by the user checking — so
// `relay check` says so before `relay run` would fail on it.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { userInfo } from 'node:os';
import type { Config } from '../config/schema.ts';
import type { ConfigPath, ConfigProblem } from '../config/problems.ts';
import { splitHostPort } from '../sources/host-port.ts';

export type Resource =
  | { readonly kind: 'socket'; readonly protocol: 'tcp' | 'udp'; readonly address: string; readonly owner: string; readonly at: ConfigPath }
  | { readonly kind: 'unix'; readonly path: string; readonly owner: string; readonly at: ConfigPath }
  | { readonly kind: 'directory'; readonly path: string; readonly why: string; readonly at: ConfigPath };

/** Every resource the config's parts declare, in config order. */
export function declaredResources(config: Config): Resource[] {
  const resources: Resource[] = [];
  config.listeners.forEach((l, i) => {
    if (!l) return;
    const at = ['listeners', i, 'address'];
    const owner = `listener ${l.name}`;
    if (l.type === 'unix') {
      resources.push({ kind: 'unix', path: l.address, owner, at });
      resources.push({ kind: 'directory', path: dirname(l.address), why: `listener ${l.name} creates its socket there`, at });
      if (l.spool !== undefined)
        resources.push({
          kind: 'directory',
          path: dirname(l.spool),
          why: `listener ${l.name} collects its spool there`,
          at: ['listeners', i, 'spool'],
        });
    } else {
      // tcp and tls listeners are both TCP sockets: they clash with each other.
      resources.push({ kind: 'socket', protocol: l.type === 'udp' ? 'udp' : 'tcp', address: l.address, owner, at });
    }
  });
  if (config.http)
    resources.push({ kind: 'socket', protocol: 'tcp', address: config.http.address, owner: 'the http endpoint', at: ['http', 'address'] });
  if (config.state_dir)
    resources.push({ kind: 'directory', path: config.state_dir, why: 'relay keeps its outbox and state there', at: ['state_dir'] });
  return resources;
}

export function checkResources(resources: readonly Resource[], problems: ConfigProblem[]): void {
  resources.forEach((r, i) => {
    const earlier = resources.slice(0, i).find((o) => clash(o, r));
    if (earlier && 'owner' in earlier)
      problems.push({
        path: r.at,
        message: `${describe(r)} is already used by ${earlier.owner}${earlier.kind === 'socket' ? ` (${earlier.address})` : ''}`,
      });
    if (r.kind === 'directory') {
      const denied = notWritable(r.path);
      if (denied)
        problems.push({ path: r.at, message: `${denied}, and ${r.why}; run relay as the user that owns it, or make it writable` });
    }
  });
}

function clash(a: Resource, b: Resource): boolean {
  if (a.kind === 'unix' && b.kind === 'unix') return resolve(a.path) === resolve(b.path);
  if (a.kind !== 'socket' || b.kind !== 'socket' || a.protocol !== b.protocol) return false;
  const x = splitHostPort(a.address);
  const y = splitHostPort(b.address);
  const wildcard = (host: string) => host === '0.0.0.0' || host === '::';
  return x.port !== 0 && x.port === y.port && (x.host === y.host || wildcard(x.host) || wildcard(y.host));
}

function describe(r: Resource): string {
  return r.kind === 'socket' ? `address ${r.address} (${r.protocol})` : r.kind === 'unix' ? `socket ${r.path}` : r.path;
}

/** Why this user cannot create or write files in `dir` (checked at its nearest existing ancestor), or undefined. */
function notWritable(dir: string): string | undefined {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  try {
    accessSync(at, constants.W_OK | constants.X_OK);
    return undefined;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const cause = code === 'EROFS' ? 'is on a read-only file system' : 'is not writable';
    return `${at === resolve(dir) ? dir : `${dir}'s nearest existing directory ${at}`} ${cause} for user ${userInfo().username} (${code})`;
  }
}
