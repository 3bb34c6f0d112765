// What an Apprise API client posts to /notify, read as Apprise API reads it: `body` (required), `title`,
// `type` (info|success|warning|failure), `format` (text|markdown|html), `tag` or `tags` (a string where
// commas or pipes mean OR and spaces, & or + mean AND, or a list of such strings, OR'ed); `tag`, `type`,
// `title` and `format` may also come in the query string. Pure: the payload in, the request or why not out.
import { MESSAGE_TYPES, type MessageType } from '../message-type.ts';

export const FORMATS = ['text', 'markdown', 'html'] as const;

export interface NotifyRequest {
  title: string;
  body: string;
  type: MessageType;
  format: (typeof FORMATS)[number];
  /** OR of AND-groups of tag words; empty when the request named no tag. */
  tags: string[][];
  /** Apprise URLs the request named (`urls`: a list, or one string separated by commas or spaces). */
  urls: string[];
}

/** A form body or query string as a record; a repeated key (Apprise's form `tag=a&tag=b`) becomes a list. */
export function formRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [k, v] of params) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

const TAG_WORD = /^[A-Za-z0-9_.-]+$/;

export function notifyRequest(
  payload: Record<string, unknown>,
  query: Record<string, string | string[]>,
): NotifyRequest | { error: string } {
  const pick = (key: string): unknown => (payload[key] === undefined || payload[key] === '' ? first(query[key]) : payload[key]);
  if (payload.attachment !== undefined || payload.attach !== undefined) return { error: 'attachments are not supported' };
  const body = first(payload.body);
  if (typeof body !== 'string' || body === '') return { error: 'body is required' };
  const title = pick('title') ?? '';
  if (typeof title !== 'string') return { error: 'title must be a string' };
  const type = pick('type') ?? 'info';
  if (!(MESSAGE_TYPES as readonly unknown[]).includes(type)) return { error: `type must be one of ${MESSAGE_TYPES.join(', ')}` };
  const format = pick('format') ?? 'text';
  if (!(FORMATS as readonly unknown[]).includes(format)) return { error: `format must be one of ${FORMATS.join(', ')}` };
  const tagged = payload.tag ?? payload.tags ?? query.tag ?? query.tags;
  const tags = tagExpression(tagged);
  if ('error' in tags) return tags;
  const urls = urlList(payload.urls);
  if (urls === undefined) return { error: 'urls must be a string or a list of strings' };
  return { title, body, type: type as MessageType, format: format as NotifyRequest['format'], tags: tags.groups, urls };
}

function urlList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? value : [value];
  if (!entries.every((e): e is string => typeof e === 'string')) return undefined;
  return entries.flatMap((e) => e.split(/[\s,]+/)).filter((u) => u !== '');
}

/** `"a b, c"` → [[a, b], [c]]; a list → each entry so, OR'ed. */
export function tagExpression(value: unknown): { groups: string[][] } | { error: string } {
  if (value === undefined || value === '') return { groups: [] };
  const entries = Array.isArray(value) ? value : [value];
  const groups: string[][] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') return { error: 'tag must be a string or a list of strings' };
    for (const group of entry.split(/[,|]/)) {
      const words = group.split(/[\s&+]+/).filter((w) => w !== '');
      if (words.length === 0) continue;
      const bad = words.find((w) => !TAG_WORD.test(w));
      if (bad !== undefined)
        return { error: `tag ${JSON.stringify(bad.slice(0, 40))} has characters a tag cannot have (letters, digits, _ . -)` };
      groups.push(words);
    }
  }
  return { groups };
}

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v;
}
