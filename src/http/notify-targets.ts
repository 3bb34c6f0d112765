// Which notifiers a /notify request reaches. Every notifier carries its own name, `all`, and each tag of
// `http.notify.tags` that lists it; a request's tag expression (OR of AND-groups) selects the notifiers whose
// tags cover one of its groups, and an Apprise config key, when sent, is one more word every group needs.
// No tag and no key: `http.notify.default`. `urls` (only with `http.notify.allow_urls`) select the notifiers
// configured with exactly those URLs instead.
export interface TagConfig {
  /** Notifiers that can send (configured, URL not empty). */
  notifiers: readonly string[];
  tags: Readonly<Record<string, readonly string[]>>;
  default: readonly string[];
  /** Configured URL → notifier name, for `urls` in requests; empty unless http.notify.allow_urls. */
  urls: ReadonlyMap<string, string>;
  allowUrls: boolean;
}

/** The notifiers configured with exactly these URLs. A URL is never repeated in an answer: it may hold a secret. */
export function urlTargets(urls: readonly string[], config: TagConfig): { notifiers: string[] } | { error: string } {
  if (!config.allowUrls)
    return { error: 'urls are not accepted (http.notify.allow_urls is false): name the notifiers with tag (or a config key)' };
  const names: string[] = [];
  for (const [i, url] of urls.entries()) {
    const name = config.urls.get(url);
    if (name === undefined)
      return { error: `urls[${i}] is not the URL of a configured notifier: relay sends only to the notifiers in its config` };
    if (!names.includes(name)) names.push(name);
  }
  return { notifiers: names };
}

export function notifyTargets(
  groups: readonly string[][],
  key: string | undefined,
  config: TagConfig,
): { notifiers: string[] } | { error: string } {
  const wanted = key === undefined ? groups : groups.length === 0 ? [[key]] : groups.map((g) => [...g, key]);
  if (wanted.length === 0) {
    const targets = config.default.filter((n) => config.notifiers.includes(n));
    return targets.length > 0 ? { notifiers: targets } : { error: 'no tag given and http.notify.default names no notifier that can send' };
  }
  const known = new Set(['all', ...config.notifiers, ...Object.keys(config.tags)]);
  const unknown = wanted.flat().find((w) => !known.has(w));
  if (unknown !== undefined)
    return { error: `unknown tag ${JSON.stringify(unknown.slice(0, 40))}: use a notifier's name, a tag of http.notify.tags, or all` };
  const tagsOf = (n: string) =>
    new Set([
      'all',
      n,
      ...Object.entries(config.tags)
        .filter(([, names]) => names.includes(n))
        .map(([t]) => t),
    ]);
  const targets = config.notifiers.filter((n) => {
    const has = tagsOf(n);
    return wanted.some((group) => group.every((w) => has.has(w)));
  });
  return targets.length > 0 ? { notifiers: targets } : { error: 'the tags given select no notifier that can send' };
}
