// The plain-JSON form of what stages hold in the state store: events (whose times are Dates) and hits
// (which point at a compiled rule, stored by its name and looked up again when loaded), and batches.
import type { RelayEvent } from '../event.ts';
import type { Batch, Hit } from './hit.ts';
import type { CompiledRule } from './compiled-rule.ts';

export type EventJson = Omit<RelayEvent, 'receivedAt' | 'timestamp'> & { receivedAt: number; timestamp?: number };

export interface HitJson {
  rule: string;
  event: EventJson;
  at: number;
  count: number;
  extra: Record<string, unknown>;
}

export function eventToJson(event: RelayEvent): EventJson {
  const { receivedAt, timestamp, ...rest } = event;
  return { ...rest, receivedAt: receivedAt.getTime(), ...(timestamp ? { timestamp: timestamp.getTime() } : {}) };
}

export function eventFromJson(json: EventJson): RelayEvent {
  const { receivedAt, timestamp, ...rest } = json;
  // An invalid Date was stored as null: the event had no usable timestamp.
  return { ...rest, receivedAt: new Date(receivedAt ?? 0), ...(typeof timestamp === 'number' ? { timestamp: new Date(timestamp) } : {}) };
}

export function hitToJson(hit: Hit): HitJson {
  return { rule: hit.rule.config.name, event: eventToJson(hit.event), at: hit.at, count: hit.count, extra: { ...hit.extra } };
}

export function hitFromJson(json: HitJson, rule: CompiledRule): Hit {
  return { rule, event: eventFromJson(json.event), at: json.at, count: json.count, extra: json.extra };
}

export interface BatchJson {
  group: string;
  first: HitJson;
  hits: number;
  count: number;
  byKey: [string, number][];
  otherKeys: number;
  samples: string[];
  firstAt: number;
  lastAt: number;
  severity?: number;
  overflow?: { groups: string[]; more: boolean; cap: number };
}

export function batchToJson(b: Batch): BatchJson {
  return {
    group: b.group,
    first: hitToJson(b.first),
    hits: b.hits,
    count: b.count,
    byKey: [...b.byKey],
    otherKeys: b.otherKeys,
    samples: b.samples,
    firstAt: b.firstAt,
    lastAt: b.lastAt,
    ...(b.severity === undefined ? {} : { severity: b.severity }),
    ...(b.overflow ? { overflow: { groups: [...b.overflow.groups], more: b.overflow.more, cap: b.overflow.cap } } : {}),
  };
}

export function batchFromJson(j: BatchJson, rule: CompiledRule): Batch {
  return {
    rule,
    group: j.group,
    first: hitFromJson(j.first, rule),
    hits: j.hits,
    count: j.count,
    byKey: new Map(j.byKey),
    otherKeys: j.otherKeys,
    samples: j.samples,
    firstAt: j.firstAt,
    lastAt: j.lastAt,
    severity: j.severity,
    ...(j.overflow ? { overflow: { groups: new Set(j.overflow.groups), more: j.overflow.more, cap: j.overflow.cap } } : {}),
  };
}
