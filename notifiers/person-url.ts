// Notifier URLs with a per-person part (`ntfys://ntfy.example.com/alerts-{person.ntfy}`,
// `tgram://BOT_TOKEN/{person.telegram}`): the URL is a template that reaches one person once the
// `{person.NAME}` parts are filled from that person's directory entry (user, name, slack, email, or a handle).
// Filled values are URL-encoded, so a directory value can never add a path, a query or another host.
import type { Recipient } from './types.ts';

const PART = /\{person\.([A-Za-z0-9_-]+)\}/g;

export function isPersonUrl(raw: string): boolean {
  return /\{person\.[A-Za-z0-9_-]+\}/.test(raw);
}

/** The handles a template needs, e.g. ["ntfy"]. */
export function personParts(raw: string): string[] {
  return [...raw.matchAll(PART)].map((m) => m[1]!);
}

/** A person's value for one part; undefined when the directory has none. */
export function personValue(person: Recipient, part: string): string | undefined {
  if (part === 'user') return person.user;
  if (part === 'name') return person.name;
  if (part === 'slack') return person.slack;
  if (part === 'email') return person.email;
  return person.handles[part];
}

/** The URL for one person, or undefined when one of its parts has no value for them. */
export function fillPersonUrl(raw: string, person: Recipient): string | undefined {
  let missing = false;
  const url = raw.replace(PART, (_, part: string) => {
    const value = personValue(person, part);
    if (value === undefined || value === '') missing = true;
    // An email address keeps its @ (mailto paths), every other character that could end the part is encoded.
    return encodeURIComponent(value ?? '').replace(/%40/g, '@');
  });
  return missing ? undefined : url;
}

/** A stand-in person whose values fit every module's checks, to validate a template URL at load time. */
export const SAMPLE_PERSON: Recipient = {
  user: 'person',
  name: 'person',
  slack: 'U0000000',
  email: 'person@example.com',
  handles: new Proxy({}, { get: () => 'person' }),
};

/** Puts the `{person.NAME}` parts back into a URL built from the sample person, so the printed URL shows the template. */
export function restoreParts(built: string, raw: string): string {
  const parts = personParts(raw);
  let out = built;
  for (const part of parts)
    out = out.replace(encodeURIComponent(personValue(SAMPLE_PERSON, part)!).replace(/%40/g, '@'), `{person.${part}}`);
  return out;
}
