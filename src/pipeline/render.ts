// Batch → Alert: the rule's title and body rendered from the first event, and, when the alert stands for
// more than one event, a summary saying how many, per key, with a few samples — counts are never left out.
import { randomUUID } from 'node:crypto';
import { countedTitle, type Alert } from '../alert.ts';
import { formatDuration } from '../config/duration.ts';
import { templateView } from './fields.ts';
import type { Batch, Hit } from './hit.ts';
import { defaultType } from './alert-type.ts';
import type { Clock } from '../clock.ts';
import { Stage } from './stage.ts';

/** Keys listed in a digest before "and N more". */
const LISTED_KEYS = 10;

export function renderBatch(batch: Batch, now: number): Alert {
  if (batch.overflow) return renderOverflow(batch, now);
  const { rule, first } = batch;
  const digest = batch.hits > 1 ? digestView(batch) : undefined;
  const view = { ...templateView(first.event), ...first.extra, rule: rule.config.name, count: batch.count, digest };
  // A title is one line, and never blank: a frame that did not parse has no app to put in `{{app}} on {{host}}`.
  const rendered = rule.title(view).replace(/\s+/g, ' ').trim();
  const title = /[\p{L}\p{N}]/u.test(rendered) ? rendered : `${rule.config.name}: ${source(first.event)}`;
  const body = rule.body(view) + parseNote(first.event) + sharedNote(first.extra);
  const identity = rule.config.key ? rule.keyOf(first.event) : `${title}\u0000${body}`;
  return {
    id: randomUUID(),
    rule: rule.config.name,
    notify: rule.config.notify,
    title: countedTitle({ title }, batch.count),
    headline: title,
    body: digest ? `${body}\n\n${digestText(digest)}` : batch.count > 1 ? `${body}\n\n${withinText(batch)}` : body,
    ...(digest ? { keys: digest.keys.map(({ key, count }) => [key, count] as const) } : {}),
    type: rule.config.type ?? defaultType(batch),
    severity: batch.severity,
    key: `${rule.config.name}\u0000${batch.group}\u0000${identity}`,
    createdAt: now,
    count: batch.count,
  };
}

/** Where an event came from, for alerts about frames relay could not fully read. */
function source(event: Batch['first']['event']): string {
  return `frame from ${event.peer ?? 'an unknown peer'} on listener ${event.listener}`;
}

/** What the parser flagged (a frame it could not read, an impossible timestamp), said under the body. */
function parseNote(event: Batch['first']['event']): string {
  const problem = event.fields.parse_error;
  return typeof problem === 'string' && problem !== '' ? `\n\n(${source(event)}: ${problem})` : '';
}

/** A sequence alert whose events before may be among those its rule counted together past the cap. */
function sharedNote(extra: Hit['extra']): string {
  const { before_shared: shared, before, overflow } = extra;
  if (typeof shared !== 'number') return '';
  const n = (v: unknown) => Number(v).toLocaleString('en-US');
  return `\n\n(${n(shared)} of the ${n(before)} events before were counted together for keys past ${String(overflow)}: how many were this key's is not known)`;
}

interface DigestView {
  count: number;
  group: string;
  first: string;
  last: string;
  keys: { key: string; count: number }[];
  otherKeys: number;
  samples: string[];
}

function digestView(batch: Batch): DigestView {
  const keys = [...batch.byKey].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count);
  return {
    count: batch.count,
    group: batch.group,
    first: new Date(batch.firstAt).toISOString(),
    last: new Date(batch.lastAt).toISOString(),
    keys,
    otherKeys: batch.otherKeys,
    samples: batch.samples,
  };
}

function digestText(d: DigestView): string {
  const lines = [`${d.count} events${d.group ? ` for ${d.group}` : ''} from ${d.first} to ${d.last}:`];
  for (const k of d.keys.slice(0, LISTED_KEYS)) lines.push(`  ${k.count} × ${k.key || '(no key)'}`);
  const unlisted = d.keys.slice(LISTED_KEYS).reduce((n, k) => n + k.count, 0) + d.otherKeys;
  const otherKeys = Math.max(0, d.keys.length - LISTED_KEYS);
  if (unlisted > 0) lines.push(`  … and ${unlisted} more under ${otherKeys}${d.otherKeys ? '+' : ''} other keys`);
  lines.push('samples:', ...d.samples.map((s) => `  ${s}`));
  return lines.join('\n');
}

/** A rule's overflow batch: what came from groups past limits.keys_per_rule, said as such with its counts. */
function renderOverflow(batch: Batch, now: number): Alert {
  const { rule, overflow } = batch;
  const n = (v: number) => v.toLocaleString('en-US');
  const groups = overflow!.more ? `more than ${n(overflow!.groups.size)}` : n(overflow!.groups.size);
  const by = rule.config.group_by.join(', ');
  return {
    id: randomUUID(),
    rule: rule.config.name,
    notify: rule.config.notify,
    title: `${rule.config.name}: ${n(batch.count)} more event${batch.count === 1 ? '' : 's'} past limits.keys_per_rule`,
    body: `… and ${groups} more groups by ${by} (${n(batch.count)} events) past limits.keys_per_rule (${n(overflow!.cap)} groups held)\n\n${digestText(digestView(batch))}`,
    type: rule.config.type ?? defaultType(batch),
    severity: batch.severity,
    key: `${rule.config.name}\u0000\u0001overflow`,
    createdAt: now,
    count: batch.count,
  };
}

function withinText(batch: Batch): string {
  const { within, overflow } = batch.first.extra;
  const shared = overflow ? `, counted together for keys past ${String(overflow)}` : '';
  return `${batch.count} events${typeof within === 'number' ? ` within ${formatDuration(within)}` : ''}${shared}`;
}

/** The render stage: each batch a group or repeat let go becomes one alert. */
export class Render extends Stage<Batch, Alert> {
  constructor(private readonly clock: Clock) {
    super();
  }

  push(batch: Batch): void {
    this.next.push(renderBatch(batch, this.clock.now()));
  }
}
