// kind: change — alert only when `field`'s value differs from the last value seen for the same key
// (a compliance check going failing → passing). The first value seen per key is the baseline, not a change;
// an event without the field says nothing about the state and is passed over.
import type { Hit } from './hit.ts';
import { getField } from './fields.ts';

export class Change {
  private readonly last = new Map<string, string>();

  constructor(private readonly field: string) {}

  admit(hit: Hit, key: string): Hit | undefined {
    const raw = getField(hit.event, this.field);
    if (raw === undefined || raw === null) return undefined;
    const value = String(raw);
    const previous = this.last.get(key);
    this.last.set(key, value);
    if (previous === undefined || previous === value) return undefined;
    return { ...hit, extra: { ...hit.extra, previous, value } };
  }
}
