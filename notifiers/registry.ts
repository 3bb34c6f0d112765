// The explicit list of notifier modules, and URL → Notifier resolution. A scheme claimed twice is a
// start-up error, never a silent override.
import { ErrorCodes, RelayError } from '../src/errors.ts';
import type { Notifier, NotifierModule } from './types.ts';
import { consoleNotifier } from './console.ts';
import { jsonNotifier } from './json.ts';

export const MODULES: readonly NotifierModule<any>[] = [consoleNotifier, jsonNotifier];

export function buildSchemeTable(modules: readonly NotifierModule<any>[]): Map<string, NotifierModule<any>> {
  const table = new Map<string, NotifierModule<any>>();
  for (const m of modules) {
    for (const s of m.schemes) {
      const prior = table.get(s);
      if (prior && s !== 'https') {
        throw new RelayError(ErrorCodes.NOTIFIER_DUPLICATE, `scheme ${s}:// is claimed by both ${prior.service} and ${m.service}`);
      }
      if (!prior) table.set(s, m);
    }
  }
  return table;
}

const SCHEMES = buildSchemeTable(MODULES);

/** Find the module for a URL string and parse it; throws RelayError (URL_INVALID / URL_SCHEME). */
export function parseNotifierUrl(raw: string): { module: NotifierModule<any>; config: unknown } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RelayError(ErrorCodes.URL_INVALID, `not a URL: ${JSON.stringify(maskLoose(raw))}`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  const module =
    scheme === 'https' || scheme === 'http'
      ? MODULES.find((m) => m.accepts?.(url))
      : SCHEMES.get(scheme);
  if (!module) {
    throw new RelayError(ErrorCodes.URL_SCHEME, `unknown notifier scheme ${scheme}:// (see \`relay notifiers\`)`);
  }
  return { module, config: module.parse(url) };
}

export function createNotifier(name: string, raw: string): Notifier {
  const { module, config } = parseNotifierUrl(raw);
  return {
    name,
    service: module.service,
    maskedUrl: module.toUrl(config, { mask: true }),
    send: (message, ctx = {}) => module.send(config, message, ctx),
  };
}

/** Best-effort mask for strings that did not even parse as URLs: hide everything after the scheme's host. */
export function maskLoose(raw: string): string {
  return raw.replace(/^([a-z0-9+.-]+:\/\/[^/]*\/?).+$/i, '$1****');
}
