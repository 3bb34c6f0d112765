// `notifiers:` compiled once: one Notifier per name whose URL is set (delivery and the person stage share
// them), the fallback routes, and the problems of URLs, concurrency and fallbacks at their places. A reload
// hands in the running plan's notifiers: one whose entry did not change is kept as it is (its lane, its pace).
import type { Config, NotifierEntryConfig } from '../config/schema.ts';
import type { ConfigProblem } from '../config/problems.ts';
import { notifierSettings } from '../config/notifier-entry.ts';
import type { FallbackRoute } from '../delivery/fallback.ts';
import { createNotifier, parseNotifierUrl } from '../../notifiers/registry.ts';
import type { Notifier } from '../../notifiers/types.ts';

export interface CompiledNotifiers {
  readonly notifiers: ReadonlyMap<string, Notifier>;
  readonly fallbacks: ReadonlyMap<string, FallbackRoute>;
}

/** What a running plan lends the next one: its notifiers and the entries they were made from. */
export interface NotifierReuse {
  readonly entries: Config['notifiers'];
  readonly notifiers: ReadonlyMap<string, Notifier>;
}

export function compileNotifiers(config: Config, problems: ConfigProblem[], reuse?: NotifierReuse): CompiledNotifiers {
  const notifiers = new Map<string, Notifier>();
  const fallbacks = new Map<string, FallbackRoute>();
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { url, concurrency, fallback, fallbackAfter } = notifierSettings(entry);
    if (fallback !== undefined) fallbacks.set(name, { to: fallback, ...(fallbackAfter === undefined ? {} : { after: fallbackAfter }) });
    if (url === '') continue; // an optional secret that is not set: the notifier is disabled
    const kept = reuse?.notifiers.get(name);
    if (kept && sameEntry(reuse!.entries[name], entry)) {
      notifiers.set(name, kept);
      continue;
    }
    const urlPath = typeof entry === 'string' ? ['notifiers', name] : ['notifiers', name, 'url'];
    try {
      const parsed = parseNotifierUrl(url);
      // A people-facing service's backlog folds into one digest, which needs its lane to itself.
      const asked = concurrency ?? parsed.concurrency;
      if (asked !== undefined && asked > 1 && !parsed.module.eachMessageMatters) {
        problems.push({
          path: concurrency === undefined ? urlPath : ['notifiers', name, 'concurrency'],
          message: `concurrency ${asked}: ${parsed.module.service} is read by people and sends one message at a time, paced to its provider's limits; concurrency is for webhooks read by a program (json, form, xml)`,
        });
      }
      notifiers.set(name, createNotifier(name, url, concurrency === undefined ? {} : { concurrency }));
    } catch (e) {
      problems.push({ path: urlPath, message: (e as Error).message });
    }
  }
  checkFallbacks(config, problems);
  return { notifiers, fallbacks };
}

function sameEntry(a: NotifierEntryConfig | undefined, b: NotifierEntryConfig): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

/** A fallback names another notifier, and following fallbacks never leads back to where it started. */
function checkFallbacks(config: Config, problems: ConfigProblem[]): void {
  const fallbackOf = (name: string): string | undefined => {
    const entry = config.notifiers[name];
    return entry === undefined ? undefined : notifierSettings(entry).fallback;
  };
  for (const [name, entry] of Object.entries(config.notifiers)) {
    const { fallback, fallbackAfter } = notifierSettings(entry);
    if (fallback === undefined) {
      if (fallbackAfter !== undefined)
        problems.push({
          path: ['notifiers', name, 'fallback_after'],
          atKey: true,
          message: 'fallback_after needs fallback: the notifier that gets the alerts',
        });
      continue;
    }
    const at = ['notifiers', name, 'fallback'];
    if (fallback === name) problems.push({ path: at, message: 'a notifier cannot be its own fallback' });
    else if (!(fallback in config.notifiers))
      problems.push({
        path: at,
        message: `unknown notifier ${JSON.stringify(fallback)} (defined: ${Object.keys(config.notifiers).join(', ')})`,
      });
    else {
      const seen = [name];
      for (let next = fallback as string | undefined; next !== undefined; next = fallbackOf(next)) {
        if (seen.includes(next)) {
          problems.push({ path: at, message: `fallbacks go round in a circle: ${[...seen, next].join(' → ')}` });
          break;
        }
        seen.push(next);
      }
    }
  }
}
