// A reload as the lanes see it: an added notifier's lane starts with what the outbox holds for it; a removed
// one's lane ends after the send in flight and its rows stay in the outbox (as at a start without it); a
// changed one sends through its new notifier from its next attempt on. Queued rows are untouched. Unchanged
// notifiers are passed as the same objects and keep their lanes as they are.
import type { Notifier } from '../../notifiers/types.ts';
import type { Lane } from './lane.ts';

/**
 * Changes `lanes` in place to follow `notifiers`; returns the retired lanes whose send is still in flight.
 * `pending`: the outbox's rows per notifier; `open`: a new lane.
 */
export function reconfigureLanes(
  lanes: Map<string, Lane>,
  retiredBefore: readonly Lane[],
  notifiers: Iterable<Notifier>,
  pending: ReadonlyMap<string, number>,
  open: (n: Notifier) => Lane,
): Lane[] {
  const next = new Map([...notifiers].map((n) => [n.name, n]));
  const retired = retiredBefore.filter((l) => l.busy);
  for (const [name, lane] of lanes) {
    if (next.has(name)) continue;
    lanes.delete(name);
    lane.retire();
    retired.push(lane);
  }
  for (const n of next.values()) {
    const lane = lanes.get(n.name);
    if (lane && lane.notifier !== n) lane.renotify(n);
    if (lane) continue;
    // Removed and back while its last send is still in flight: the same lane carries on, so no row is sent twice.
    const back = retired.find((l) => l.notifier.name === n.name);
    if (back) retired.splice(retired.indexOf(back), 1);
    const added = back ?? open(n);
    lanes.set(n.name, added);
    added.resume(n, pending.get(n.name) ?? 0);
  }
  return retired;
}
