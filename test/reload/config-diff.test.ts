// diffConfig: listeners, rules and notifiers compared by name (added, removed, changed, kept), and the
// top-level keys read only at start named as applying at the next restart.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { diffConfig } from '../../src/reload/config-diff.ts';

const config = (text: string) => parseConfig(text, 'test.yaml', {});

describe('diffConfig', () => {
  const base = `
listeners: [{ name: a, type: tcp, address: "127.0.0.1:5000" }, { name: b, type: udp, address: "127.0.0.1:5001" }]
notifiers: { n1: "json://127.0.0.1:1/x", n2: "json://127.0.0.1:2/x" }
rules:
  - { name: r1, match: { app: a }, notify: [n1] }
  - { name: r2, match: { app: b }, notify: [n2] }
`;

  it('finds nothing in the same config', () => {
    const d = diffConfig(config(base), config(base));
    expect(d.changed).toEqual([]);
    expect(d.listeners).toEqual({ added: [], removed: [], changed: [], kept: ['a', 'b'] });
    expect(d.http).toBe(false);
  });

  it('names each listener, rule and notifier by what happened to it, and the keys that wait for a restart', () => {
    const d = diffConfig(
      config(base),
      config(`
listeners: [{ name: a, type: tcp, address: "127.0.0.1:5000", max_connections: 9 }, { name: c, type: udp, address: "127.0.0.1:5002" }]
notifiers: { n1: "json://127.0.0.1:1/x", n3: "json://127.0.0.1:3/x" }
rules:
  - { name: r1, match: { app: a }, notify: [n1], title: changed }
  - { name: r3, match: { app: c }, notify: [n3] }
state_dir: ./elsewhere
delivery: { backoff: 5s }
http: { address: "127.0.0.1:0" }
`),
    );
    expect(d.listeners).toEqual({ added: ['c'], removed: ['b'], changed: ['a'], kept: [] });
    expect(d.rules).toEqual({ added: ['r3'], removed: ['r2'], changed: ['r1'], kept: [] });
    expect(d.notifiers).toEqual({ added: ['n3'], removed: ['n2'], changed: [], kept: ['n1'] });
    expect(d.http).toBe(true);
    expect(d.atRestart.sort()).toEqual(['delivery', 'state_dir']);
    expect(d.changed).toEqual(expect.arrayContaining(['listeners', 'notifiers', 'rules', 'http', 'state_dir', 'delivery']));
  });
});
