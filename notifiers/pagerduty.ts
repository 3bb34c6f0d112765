// pagerduty:// — PagerDuty Events API v2: one "trigger" event per alert, severity from the alert.
import { endpoint } from './endpoints.ts';
import { postJson } from './http.ts';
import type { Message, NotifierModule } from './types.ts';
import { choiceParam, enc, invalid, query, requireHost, secret, segments, textParam, username, MASK } from './url-fields.ts';

const SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
type Severity = (typeof SEVERITIES)[number];

interface PagerDutyConfig {
  integrationKey: string;
  apiKey: string;
  source: string;
  component?: string;
  region: 'us' | 'eu';
  severity?: Severity;
  group?: string;
  class?: string;
  /** `+key=value` custom details. */
  details: Record<string, string>;
}

export const pagerdutyNotifier: NotifierModule<PagerDutyConfig> = {
  service: 'PagerDuty',
  schemes: ['pagerduty'],
  forms: ['pagerduty://IntegrationKey@ApiKey[/Source[/Component]]'],
  options: ['region=us|eu', 'severity=critical|error|warning|info', 'group=', 'class=', '+key=value'],
  // The event summary is capped at 1,024 characters; the body travels in custom_details.
  limits: { title: 1024, body: 32768, unit: 'utf16' },
  parse(url) {
    const integrationKey = username(url) ?? invalid('PagerDuty URL needs the integration key before @: pagerduty://IntegrationKey@ApiKey');
    const apiKey = requireHost(url, 'the API key after @');
    const [source = 'relay', component, ...extra] = segments(url);
    if (extra.length) invalid(`unexpected path after the PagerDuty component: /${extra.join('/')}`);
    const details: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (k.startsWith('+')) details[k.slice(1)] = v;
    return {
      integrationKey,
      apiKey,
      source,
      component,
      region: choiceParam(url, 'region', ['us', 'eu'] as const, 'us'),
      severity: url.searchParams.has('severity') ? choiceParam(url, 'severity', SEVERITIES, 'info') : undefined,
      group: textParam(url, 'group'),
      class: textParam(url, 'class'),
      details,
    };
  },
  toUrl(c, { mask }) {
    const path = [c.source, ...(c.component ? [c.component] : [])].map((p) => `/${enc(p)}`).join('');
    const params = [
      query({ region: c.region === 'us' ? undefined : c.region, severity: c.severity, group: c.group, class: c.class }).slice(1),
      ...Object.entries(c.details).map(([k, v]) => `+${enc(k)}=${enc(v)}`),
    ].filter(Boolean);
    return `pagerduty://${mask ? MASK : enc(c.integrationKey)}@${secret(c.apiKey, mask)}${path}${params.length ? '?' + params.join('&') : ''}`;
  },
  async send(c, m, ctx) {
    await postJson(
      `${endpoint(c.region === 'eu' ? 'pagerdutyEu' : 'pagerduty')}/v2/enqueue`,
      {
        routing_key: c.integrationKey,
        event_action: 'trigger',
        payload: {
          summary: m.title || m.body.slice(0, 1024),
          source: c.source,
          severity: c.severity ?? severity(m),
          component: c.component,
          group: c.group,
          class: c.class,
          custom_details: { message: m.body, ...c.details },
        },
        client: 'relay',
      },
      { headers: { authorization: `Token token=${c.apiKey}` }, signal: ctx.signal },
    );
  },
};

/** The louder of what the alert's syslog severity and its type say. */
function severity(m: Message): Severity {
  const order: Severity[] = ['info', 'warning', 'error', 'critical'];
  const bySeverity: Severity =
    m.severity === undefined ? 'info' : m.severity <= 2 ? 'critical' : m.severity === 3 ? 'error' : m.severity === 4 ? 'warning' : 'info';
  const byType: Severity = m.type === 'failure' ? 'critical' : m.type === 'warning' ? 'warning' : 'info';
  return order[Math.max(order.indexOf(bySeverity), order.indexOf(byType))]!;
}
