// A burst of alerts into a Discord webhook that enforces its rate-limit bucket, as Discord does: how relay
// paces and folds against it.
import { connect } from 'node:net';
import { startDiscord } from '../../test/notifiers/servers/discord.ts';
import { startRelay, waitFor } from './relay-process.ts';
import { line } from './scenarios.ts';

export interface DiscordResult {
  foldAfter?: number;
  alerts: number;
  limit: number;
  windowS: number;
  requests: number;
  rateLimited: number;
  accepted: number;
  alertsDelivered: number;
  folded: number;
  outboxLeft: number;
  seconds: number;
  peakRssKb: number;
}

/**
 * `alerts` alerts in one burst to a Discord webhook whose bucket allows `limit` requests per `windowS`
 * (Discord's webhook bucket is 5 per 2 s) and answers 429 past it, as Discord does. With `foldAfter` past
 * the burst (delivery.fold_after), no backlog is folded: every alert is its own request, paced by the bucket.
 */
export async function discordBurst(foldAfter?: number, alerts = 500, limit = 5, windowS = 2): Promise<DiscordResult> {
  const waitS = 60 + (foldAfter ? (alerts / limit) * windowS : 0);
  const discord = await startDiscord('1234', 'tok');
  let windowStart = 0;
  let used = 0;
  let rateLimited = 0;
  let accepted = 0;
  let alertsDelivered = 0;
  discord.handle((req) => {
    const now = Date.now() / 1000;
    if (now >= windowStart + windowS) {
      windowStart = now;
      used = 0;
    }
    const resetAfter = (windowStart + windowS - now).toFixed(3);
    const bucket = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-bucket': 'bench',
      'x-ratelimit-reset': String(windowStart + windowS),
      'x-ratelimit-reset-after': resetAfter,
    };
    if (used >= limit) {
      rateLimited++;
      return {
        status: 429,
        headers: {
          ...bucket,
          'x-ratelimit-remaining': '0',
          'retry-after': String(Math.ceil(Number(resetAfter))),
          'x-ratelimit-scope': 'user',
        },
        body: { message: 'You are being rate limited.', retry_after: Number(resetAfter), global: false },
      };
    }
    used++;
    accepted++;
    const body = JSON.parse(req.body) as { content?: string; embeds?: { description?: string; title?: string }[] };
    alertsDelivered += new Set(JSON.stringify(body).match(/seq=\d+/g) ?? []).size;
    return {
      status: 200,
      headers: { ...bucket, 'x-ratelimit-remaining': String(limit - used) },
      body: { id: String(accepted), channel_id: '1', webhook_id: '1234' },
    };
  });
  const relay = await startRelay(
    `notifiers: { discord: "discord://1234/tok" }\nrules:\n  - { name: burst, match: { app: burst }, notify: [discord], title: "{{host}}", body: "{{message}}" }${foldAfter ? `\ndelivery: { fold_after: ${foldAfter} }` : ''}`,
    { RELAY_DISCORD_API_URL: `${discord.url}/api` },
  );
  try {
    const socket = connect(relay.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    const t0 = performance.now();
    socket.end(Array.from({ length: alerts }, (_, i) => line('burst', `seq=${i}`)).join(''));
    // Held and folded alerts come later than the burst: done when every alert was delivered, or when
    // nothing reached Discord for 5 s (what relay holds back by then is in the figures, not waited for).
    let last = { n: 0, at: performance.now() };
    await waitFor(
      async () => {
        if (discord.requests.length !== last.n) last = { n: discord.requests.length, at: performance.now() };
        return alertsDelivered >= alerts || performance.now() - last.at > 5000;
      },
      waitS * 1000,
      200,
    );
    return {
      foldAfter,
      alerts,
      limit,
      windowS,
      requests: discord.requests.length,
      rateLimited,
      accepted,
      alertsDelivered,
      seconds: (last.at - t0) / 1000,
      peakRssKb: relay.peakRssKb(),
      folded: await relay.metric('relay_notifier_folded_alerts_total'),
      outboxLeft: await relay.metric('relay_notifier_outbox_depth'),
    };
  } finally {
    await relay.stop();
    await discord.close();
  }
}
