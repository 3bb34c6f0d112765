// Reading and writing the parts of a notifier URL: path segments, typed query options, masked secrets.
// Every parse failure is a RelayError(URL_INVALID) that names the part that is wrong.
import { ErrorCodes, RelayError } from '../src/errors.ts';

export const MASK = '****';

export function invalid(message: string): never {
  throw new RelayError(ErrorCodes.URL_INVALID, message);
}

/** Decoded, non-empty path segments (the registry turns a literal `#` into `%23`, so `#channel` survives). */
export function segments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean).map(decode);
}

export function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return invalid(`bad percent-encoding in ${JSON.stringify(part)}`);
  }
}

/** Encode one URL part, leaving the sigils Apprise uses for targets (`#`, `@`, `!`, `*`, `^`, `+`) readable. */
export function enc(part: string): string {
  return encodeURIComponent(part).replace(/%(23|40|21|2A|5E|2B|3A|2C)/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A secret for toUrl: masked when printing, encoded otherwise. */
export function secret(value: string, mask: boolean): string {
  return mask ? MASK : enc(value);
}

export function username(url: URL): string | undefined {
  return url.username ? decode(url.username) : undefined;
}

export function password(url: URL): string | undefined {
  return url.password ? decode(url.password) : undefined;
}

export function port(url: URL): number | undefined {
  return url.port ? Number(url.port) : undefined;
}

export function requireHost(url: URL, what = 'a host'): string {
  if (!url.hostname) invalid(`${url.protocol}// needs ${what}`);
  return decode(url.hostname);
}

const TRUE = ['yes', 'true', '1', 'on'];
const FALSE = ['no', 'false', '0', 'off'];

export function boolParam(url: URL, name: string, fallback: boolean): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const v = raw.toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  return invalid(`${name}=${raw} is not yes or no`);
}

export function choiceParam<T extends string>(url: URL, name: string, allowed: readonly T[], fallback: T): T {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const v = raw.toLowerCase() as T;
  if (!allowed.includes(v)) invalid(`${name}=${raw} is not one of ${allowed.join(', ')}`);
  return v;
}

export function intParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) invalid(`${name}=${raw} is not a whole number from ${min} to ${max}`);
  return n;
}

export function textParam(url: URL, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = url.searchParams.get(n);
    if (v !== null && v !== '') return v;
  }
  return undefined;
}

/**
 * `?a=1&b=2` from the defined entries, or '' when there are none. Spaces become %20, never `+`: in Apprise
 * URLs a `+` is literal (`+Header=`, `to=a+tag@x`), and the registry reads it that way.
 */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const pairs = Object.entries(params)
    .filter((e): e is [string, string | number | boolean] => e[1] !== undefined)
    .map(([k, v]) => `${enc(k)}=${enc(typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v))}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

export function hostPort(host: string, port: number | undefined): string {
  const h = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return port === undefined ? h : `${h}:${port}`;
}

/** `https://host:port` for a self-hosted service's `scheme://` (plain) or `schemes://` (TLS) URL. */
export function origin(secure: boolean, host: string, port: number | undefined): string {
  return `${secure ? 'https' : 'http'}://${hostPort(host, port)}`;
}
