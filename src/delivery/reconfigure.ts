// A reload as the lanes see it: an added notifier's lane starts with what the outbox holds for it; a removed
// one's lane ends after the send in flight and its rows stay in the outbox (as at a start without it); a
// changed one sends through its new notifier from its next attempt on. Queued rows are untouched. Unchanged
// notifiers are passed as the same objects and keep their lanes as they are.
import type { Notifier } from '../../notifiers/types.ts';
import type { DeliveryState } from './delivery-state.ts';
import { Fallbacks, type FallbackRoute } from './fallback.ts';
import { newLane, renotify, type Lane } from './lane.ts';
import { kick } from './lane-loop.ts';

/** Changes `lanes` in place to follow `notifiers`; returns the retired lanes whose send is still in flight. */
export function reconfigureLanes(
  state: DeliveryState,
  lanes: Map<string, Lane>,
  retiredBefore: readonly Lane[],
  notifiers: Iterable<Notifier>,
  routes: ReadonlyMap<string, FallbackRoute>,
): Lane[] {
  const { log, clock } = state;
  const next = new Map([...notifiers].map((n) => [n.name, n]));
  const retired = retiredBefore.filter((l) => l.running);
  for (const [name, lane] of lanes) {
    if (next.has(name)) continue;
    lanes.delete(name);
    state.stats.queued -= lane.pending;
    lane.pending = 0;
    lane.retired = true;
    lane.wake?.();
    retired.push(lane);
  }
  const pending = state.outbox.pending();
  for (const n of next.values()) {
    const lane = lanes.get(n.name);
    if (lane && lane.notifier !== n) renotify(lane, n, log, clock);
    if (lane) continue;
    // Removed and back while its last send is still in flight: the same lane carries on, so no row is sent twice.
    const back = retired.find((l) => l.notifier.name === n.name);
    if (back) {
      retired.splice(retired.indexOf(back), 1);
      renotify(back, n, log, clock);
      back.retired = false;
    }
    const added = back ?? newLane(n, log, clock);
    added.pending = pending.get(n.name) ?? 0;
    state.stats.queued += added.pending;
    lanes.set(n.name, added);
    kick(state, added);
  }
  state.fallbacks = new Fallbacks(routes, new Set(lanes.keys()), state.outbox, log);
  return retired;
}
