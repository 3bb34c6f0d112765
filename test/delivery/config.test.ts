import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';

describe('delivery config', () => {
  it('defaults to no attempt limit, a 24h max_age and folding after 5 held alerts', () => {
    const { delivery } = parseConfig('notifiers: { ops: "console://" }\n', 'c.yaml', {});
    expect(delivery).toEqual({ backoff: 1000, max_backoff: 60_000, timeout: 10_000, max_age: 86_400_000, fold_after: 5, shutdown_grace: 5000 });
  });

  it('still accepts the older attempts key, now as an optional cap', () => {
    const { delivery } = parseConfig('delivery: { attempts: 5, backoff: 1s, max_backoff: 1m, timeout: 10s, shutdown_grace: 5s }\n', 'c.yaml', {});
    expect(delivery).toMatchObject({ attempts: 5, max_age: 86_400_000 });
  });

  it('reads max_age and fold_after', () => {
    const { delivery } = parseConfig('delivery: { max_age: 2h, fold_after: 20 }\n', 'c.yaml', {});
    expect(delivery).toMatchObject({ max_age: 7_200_000, fold_after: 20 });
  });
});
