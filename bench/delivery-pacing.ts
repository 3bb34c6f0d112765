// Delivery against slow and rate-limiting providers, measured on the real dispatcher, outbox file and
// notifier modules over loopback: (c) ALERTS alerts (default 2,000) to a json:// webhook answering in 50 ms,
// delivered in how long, with how many in flight at most; (d) a 500-alert burst to a Discord webhook that
// enforces its bucket (5 requests per 2 s, X-RateLimit-* headers, 429 past it): 429s provoked. Run with
// `npx tsx bench/delivery-pacing.ts` (DISCORD_ALERTS=N shortens the Discord run: it takes N / 2.5 s).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/clock.ts';
import { Dispatcher } from '../src/delivery/dispatcher.ts';
import { silentLogger } from '../src/log.ts';
import { Outbox } from '../src/outbox/outbox.ts';
import { createNotifier } from '../notifiers/registry.ts';
import type { Alert } from '../src/alert.ts';
import { startSlowWebhook } from '../test/helpers/slow-webhook.ts';
import { startDiscord } from '../test/notifiers/servers/discord.ts';

const ALERTS = Number(process.env.ALERTS ?? 2000);
const DISCORD_ALERTS = Number(process.env.DISCORD_ALERTS ?? 500);
const DELIVERY = {
  backoff: 1000, max_backoff: 60_000, timeout: 10_000, shutdown_grace: 5000, max_age: 86_400_000, fold_after: 5,
  memory_buffer: 10_000, max_queue: 10_000, max_queue_hard: 50_000,
};

function alert(i: number, notify: string): Alert {
  return { id: `a${i}`, rule: 'bench', notify: [notify], title: `k${i % 50} #${i}`, body: `alert ${i}`, type: 'failure', key: `k${i % 50}`, createdAt: Date.now(), count: 1 };
}

async function slowWebhook(dir: string): Promise<void> {
  const hook = await startSlowWebhook(50, (b) => b.title!.split(' ')[0]!);
  const outbox = Outbox.open(join(dir, 'c'));
  const d = new Dispatcher([createNotifier('hook', hook.url())], DELIVERY, outbox, systemClock, silentLogger);
  const t0 = performance.now();
  for (let i = 0; i < ALERTS; i++) d.enqueue(alert(i, 'hook'));
  await hook.waitFor(ALERTS);
  const s = (performance.now() - t0) / 1000;
  console.log(`c: ${ALERTS} alerts to a webhook answering in 50 ms: delivered in ${s.toFixed(2)} s (${Math.round(ALERTS / s)} alerts/s), ` +
    `at most ${hook.maxInFlight} in flight, concurrency now ${d.notifierStats().get('hook')!.concurrency}, ${hook.keyOverlaps} same-key overlaps`);
  await d.drain(1000);
  outbox.close();
  await hook.stop();
}

async function discordBurst(dir: string): Promise<void> {
  const discord = await startDiscord('1', 'tok', { bucket: { clock: systemClock } });
  process.env.RELAY_DISCORD_API_URL = `${discord.url}/api`;
  const outbox = Outbox.open(join(dir, 'd'));
  // fold_after past the burst: every alert is its own request, so the bucket is what paces them.
  const d = new Dispatcher([createNotifier('chat', 'discord://1/tok')], { ...DELIVERY, fold_after: DISCORD_ALERTS }, outbox, systemClock, silentLogger);
  const t0 = performance.now();
  for (let i = 0; i < DISCORD_ALERTS; i++) d.enqueue(alert(i, 'chat'));
  while (discord.messages.length < DISCORD_ALERTS) await new Promise((r) => setTimeout(r, 100));
  const s = (performance.now() - t0) / 1000;
  console.log(`Discord: ${DISCORD_ALERTS}-alert burst: delivered in ${s.toFixed(1)} s, ${discord.tooMany} × 429 provoked, bucket of 5 per 2 s respected: ${discord.tooMany === 0}`);
  await d.drain(1000);
  outbox.close();
  await discord.close();
}

const dir = mkdtempSync(join(tmpdir(), 'relay-bench-delivery-'));
try {
  await slowWebhook(dir);
  await discordBurst(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
