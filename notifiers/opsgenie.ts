// opsgenie:// — Opsgenie's Alert API (POST /v2/alerts, GenieKey auth) with responders from the path:
// @user, #team, *schedule, ^escalation (a bare name is a user, as in Apprise).
import { endpoint } from './endpoints.ts';
import { postJson } from './http.ts';
import type { Message, NotifierModule } from './types.ts';
import { choiceParam, enc, intParam, invalid, query, requireHost, secret, segments, textParam } from './url-fields.ts';

const KINDS = { '@': 'user', '#': 'team', '*': 'schedule', '^': 'escalation' } as const;
type Kind = (typeof KINDS)[keyof typeof KINDS];

interface OpsgenieConfig {
  apiKey: string;
  responders: { type: Kind; name: string }[];
  region: 'us' | 'eu';
  priority?: number;
  tags: string[];
  alias?: string;
  entity?: string;
}

export const opsgenieNotifier: NotifierModule<OpsgenieConfig> = {
  service: 'Opsgenie',
  schemes: ['opsgenie'],
  forms: ['opsgenie://ApiKey[/@user][/#team][/*schedule][/^escalation]'],
  options: ['region=us|eu', 'priority=1..5', 'tags=a,b', 'alias=', 'entity='],
  // Opsgenie cuts an alert's message at 130 characters and its description at 15,000.
  limits: { title: 130, body: 15_000, unit: 'utf16' },
  parse(url) {
    const apiKey = requireHost(url, 'the API key');
    const responders = segments(url).map((s) => {
      const kind = KINDS[s[0] as keyof typeof KINDS];
      const name = kind ? s.slice(1) : s;
      if (!name) invalid(`empty Opsgenie responder ${JSON.stringify(s)}`);
      return { type: kind ?? 'user', name };
    });
    return {
      apiKey,
      responders,
      region: choiceParam(url, 'region', ['us', 'eu'] as const, 'us'),
      priority: intParam(url, 'priority', 1, 5),
      tags: (url.searchParams.get('tags') ?? '')
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
      alias: textParam(url, 'alias'),
      entity: textParam(url, 'entity'),
    };
  },
  toUrl(c, { mask }) {
    const sigil = Object.fromEntries(Object.entries(KINDS).map(([s, k]) => [k, s]));
    const path = c.responders.map((r) => `/${sigil[r.type]}${enc(r.name)}`).join('');
    return `opsgenie://${secret(c.apiKey, mask)}${path}${query({
      region: c.region === 'us' ? undefined : c.region,
      priority: c.priority,
      tags: c.tags.join(',') || undefined,
      alias: c.alias,
      entity: c.entity,
    })}`;
  },
  async send(c, m, ctx) {
    await postJson(
      `${endpoint(c.region === 'eu' ? 'opsgenieEu' : 'opsgenie')}/v2/alerts`,
      {
        message: m.title || m.body.slice(0, 130),
        description: m.body,
        responders: c.responders.map((r) => (r.type === 'user' ? { type: r.type, username: r.name } : { type: r.type, name: r.name })),
        tags: c.tags.length ? c.tags : undefined,
        priority: `P${c.priority ?? priority(m)}`,
        alias: c.alias,
        entity: c.entity,
        source: 'relay',
      },
      { headers: { authorization: `GenieKey ${c.apiKey}` }, signal: ctx.signal },
    );
  },
};

/** P1..P5: the louder of what the alert's syslog severity and its type say. */
function priority(m: Message): number {
  const bySeverity = m.severity === undefined ? 3 : m.severity <= 2 ? 1 : m.severity === 3 ? 2 : m.severity === 4 ? 3 : 4;
  return Math.min(bySeverity, m.type === 'failure' ? 2 : m.type === 'warning' ? 3 : 5);
}
