// The `http:` block: optional, defaults, and the port it may not share with a TCP listener.
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.ts';

const problems = (yaml: string): string[] => {
  try {
    parseConfig(yaml, 'c.yaml', {});
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
    throw e;
  }
  return [];
};

describe('config http block', () => {
  it('is absent by default: no HTTP endpoint', () => {
    expect(parseConfig('{}', 'c.yaml', {}).http).toBeUndefined();
  });

  it('defaults ready_failing_after to 5m and reads a duration', () => {
    expect(parseConfig('http: { address: 127.0.0.1:9514 }', 'c.yaml', {}).http).toEqual({ address: '127.0.0.1:9514', ready_failing_after: 300_000 });
    expect(parseConfig('http: { address: "[::1]:0", ready_failing_after: 90s }', 'c.yaml', {}).http).toEqual({ address: '[::1]:0', ready_failing_after: 90_000 });
  });

  it('rejects an address without a port and unknown keys', () => {
    expect(problems('http: { address: localhost, colour: {} }')).toEqual([
      '1:18: http.address: address must be host:port, e.g. 127.0.0.1:5514',
      '1:29: unknown key "colour" in http',
    ]);
  });

  it.each([
    ['the same host and port as a TCP listener', '127.0.0.1:5514', '127.0.0.1:5514'],
    ['a wildcard TCP listener on the same port', '0.0.0.0:5514', '127.0.0.1:5514'],
    ['a wildcard endpoint on a TCP listener\'s port', '127.0.0.1:5514', '[::]:5514'],
  ])('reports a port clash with %s', (_what, listener, http) => {
    expect(problems(`listeners: [{ name: tcp, type: tcp, address: "${listener}" }]\nhttp: { address: "${http}" }\n`)).toEqual([
      `2:18: http.address: address ${http} is already used by listener tcp (${listener}, tcp)`,
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
