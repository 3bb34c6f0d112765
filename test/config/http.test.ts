// The `http:` block: optional, defaults, and the port it may not share with a TCP listener.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/plan/load-plan.ts';
import { configProblems as problems } from '../helpers/config-problems.ts';

describe('config http block', () => {
  it('is absent by default: no HTTP endpoint', () => {
    expect(parseConfig('{}', 'c.yaml', {}).http).toBeUndefined();
  });

  it('defaults: no tokens (no ingest), open probes, 1 MB bodies, 1000 items, depth 32, 30s, 100/1s; ready_failing_after still loads', () => {
    expect(parseConfig('http: { address: 127.0.0.1:9514 }', 'c.yaml', {}).http).toEqual({
      address: '127.0.0.1:9514',
      tokens: {},
      probes: 'open',
      max_body: 1_048_576,
      max_items: 1000,
      max_depth: 32,
      request_timeout: 30_000,
      rate_limit: { rate: { count: 100, per: 1000 } },
      notify: { default: [], tags: {}, allow_urls: false },
    });
    expect(parseConfig('http: { address: "[::1]:0", ready_failing_after: 90s }', 'c.yaml', {}).http).toMatchObject({
      address: '[::1]:0',
      ready_failing_after: 90_000,
    });
  });

  it('rejects an address without a port and unknown keys', () => {
    expect(problems('http: { address: localhost, token: {} }')).toEqual([
      '1:18: http.address: address must be host:port, e.g. 127.0.0.1:5514',
      '1:29: unknown key "token" in http; did you mean "tokens"?',
    ]);
  });

  it('reads tokens from the environment; a short secret is refused without quoting it, an empty one disables its token', () => {
    const env = { RELAY_CI: 'c'.repeat(32), RELAY_SHORT: 'short-secret' };
    const http = parseConfig('http: { address: 127.0.0.1:0, tokens: { ci: "${env:RELAY_CI}", off: "${env:RELAY_OFF:-}" } }', 'c.yaml', env)
      .http!;
    expect(http.tokens).toEqual({ ci: 'c'.repeat(32), off: '' });
    const found = problems('http: { address: 127.0.0.1:0, tokens: { ci: short-secret } }');
    expect(found).toEqual(['1:45: http.tokens.ci: a token secret needs at least 16 characters']);
  });

  it("checks that /notify's default and tags name configured notifiers, and that no tag shadows a notifier or all", () => {
    expect(
      problems(`notifiers: { ops: "console://", mail: "console://" }
http:
  address: 127.0.0.1:0
  notify: { default: [ops, nope], tags: { devops: [ops, gone], mail: [ops], all: [ops] } }
`),
    ).toEqual([
      '4:28: http.notify.default[1]: unknown notifier "nope" (defined: ops, mail)',
      '4:57: http.notify.tags.devops[1]: unknown notifier "gone" (defined: ops, mail)',
      '4:64: http.notify.tags.mail: tag "mail" is already the name of a notifier; pick another',
      '4:77: http.notify.tags.all: tag "all" is already the name of every notifier; pick another',
    ]);
  });

  it('reads rate_limit with a burst, and probes: token', () => {
    const http = parseConfig('http: { address: 127.0.0.1:0, probes: token, rate_limit: { rate: 10/1m, burst: 20 } }', 'c.yaml', {}).http!;
    expect(http).toMatchObject({ probes: 'token', rate_limit: { rate: { count: 10, per: 60_000 }, burst: 20 } });
  });

  it.each([
    ['the same host and port as a TCP listener', '127.0.0.1:5514', '127.0.0.1:5514'],
    ['a wildcard TCP listener on the same port', '0.0.0.0:5514', '127.0.0.1:5514'],
    ["a wildcard endpoint on a TCP listener's port", '127.0.0.1:5514', '[::]:5514'],
  ])('reports a port clash with %s', (_what, listener, http) => {
    expect(problems(`listeners: [{ name: tcp, type: tcp, address: "${listener}" }]\nhttp: { address: "${http}" }\n`)).toEqual([
      `2:18: http.address: address ${http} (tcp) is already used by listener tcp (${listener})`,
    ]);
  });

  it.each([
    ['a UDP listener on the same port', 'udp', '127.0.0.1:5514', '127.0.0.1:5514'],
    ['a TCP listener on another host', 'tcp', '127.0.0.2:5514', '127.0.0.1:5514'],
    ['port 0 on both (each gets its own)', 'tcp', '127.0.0.1:0', '127.0.0.1:0'],
  ])('accepts %s', (_what, type, listener, http) => {
    expect(problems(`listeners: [{ name: l, type: ${type}, address: "${listener}" }]\nhttp: { address: "${http}" }\n`)).toEqual([]);
  });
});
