// "Was this you?" questions by how each went: asked, folded into one already open for the person, not asked
// again after a "yes" (quieted), answered yes or no, unanswered by the deadline, and answers refused (a
// forged, replayed, expired or someone else's). Counted from start, across reloads; 0 while no rule asks.
import type { Registry } from 'prom-client';
import type { QuestionCounts, RelayReadings } from './relay-readings.ts';
import { scrapedCounter } from './scraped.ts';

const OUTCOMES: readonly (keyof QuestionCounts)[] = ['asked', 'folded', 'quieted', 'yes', 'no', 'unanswered', 'refused'];

export function registerPeopleMetrics(registry: Registry, readings: () => RelayReadings): void {
  scrapedCounter(registry, {
    name: 'relay_questions_total',
    help: 'Was-this-you questions and answers by outcome: asked, folded, quieted, yes, no, unanswered, refused.',
    labelNames: ['outcome'],
    read: () => {
      const q = readings().questions;
      return OUTCOMES.map((outcome) => [{ outcome }, q?.[outcome] ?? 0]);
    },
  });
}
