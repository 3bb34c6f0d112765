// A `notifiers:` entry is a URL string or `{url, fallback, fallback_after, concurrency}`; every reader goes through
// this one function so both forms work everywhere.
import type { NotifierEntryConfig } from './schema.ts';

export interface NotifierSettings {
  url: string;
  fallback?: string;
  /** ms */
  fallbackAfter?: number;
  concurrency?: number;
}

export function notifierSettings(entry: NotifierEntryConfig): NotifierSettings {
  if (typeof entry === 'string') return { url: entry };
  return {
    url: entry.url,
    ...(entry.fallback === undefined ? {} : { fallback: entry.fallback }),
    ...(entry.fallback_after === undefined ? {} : { fallbackAfter: entry.fallback_after }),
    ...(entry.concurrency === undefined ? {} : { concurrency: entry.concurrency }),
  };
}
