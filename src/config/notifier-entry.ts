// A `notifiers:` entry is a URL string or `{url, fallback, fallback_after}`; every reader goes through
// this one function so both forms work everywhere.
import type { NotifierEntryConfig } from './schema.ts';

export interface NotifierSettings {
  url: string;
  fallback?: string;
  /** ms */
  fallbackAfter?: number;
}

export function notifierSettings(entry: NotifierEntryConfig): NotifierSettings {
  if (typeof entry === 'string') return { url: entry };
  return {
    url: entry.url,
    ...(entry.fallback === undefined ? {} : { fallback: entry.fallback }),
    ...(entry.fallback_after === undefined ? {} : { fallbackAfter: entry.fallback_after }),
  };
}
