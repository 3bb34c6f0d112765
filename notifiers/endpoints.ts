// Every provider API base relay talks to, each overridable by one environment variable so tests (and
// people behind a proxy or on a self-hosted mirror) can point a real client library at another server.
// notifiers/README.md documents this table; keep the two in step.

export const ENDPOINTS = {
  discord: { env: 'RELAY_DISCORD_API_URL', url: 'https://discord.com/api' },
  slack: { env: 'RELAY_SLACK_API_URL', url: 'https://slack.com/api/' },
  slackHooks: { env: 'RELAY_SLACK_HOOKS_URL', url: 'https://hooks.slack.com' },
  telegram: { env: 'RELAY_TELEGRAM_API_URL', url: 'https://api.telegram.org' },
  ntfy: { env: 'RELAY_NTFY_URL', url: 'https://ntfy.sh' },
  pagerduty: { env: 'RELAY_PAGERDUTY_API_URL', url: 'https://events.pagerduty.com' },
  pagerdutyEu: { env: 'RELAY_PAGERDUTY_API_URL', url: 'https://events.eu.pagerduty.com' },
  opsgenie: { env: 'RELAY_OPSGENIE_API_URL', url: 'https://api.opsgenie.com' },
  opsgenieEu: { env: 'RELAY_OPSGENIE_API_URL', url: 'https://api.eu.opsgenie.com' },
  pushover: { env: 'RELAY_PUSHOVER_API_URL', url: 'https://api.pushover.net' },
  gchat: { env: 'RELAY_GCHAT_API_URL', url: 'https://chat.googleapis.com' },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

/** The API base for a provider, read at send time so a changed environment takes effect. No trailing slash. */
export function endpoint(name: EndpointName): string {
  const { env, url } = ENDPOINTS[name];
  return (process.env[env] || url).replace(/\/+$/, '');
}
