import { describe, expect, it } from 'vitest';
import { syslogEvent } from '../../src/sources/syslog-frame.ts';
import { parseFields } from '../../parsers/index.ts';
import { harness } from './harness.ts';

const RULES = `rules:
  - name: everything
    notify: [ops]
    title: "{{severity}} {{app}} on {{host}}"
`;

describe('render: an alert about a frame relay could not fully read still says what and where', () => {
  const frame = (h: ReturnType<typeof harness>, line: string) =>
    h.pipeline.push(
      parseFields(syslogEvent(Buffer.from(line), { listener: 'syslog-udp', peer: '192.0.2.7:514', receivedAt: new Date(h.clock.now()) })),
    );

  it('names the peer and listener of a frame that did not parse, and why', () => {
    const h = harness(RULES);
    frame(h, '<13>hello world');
    frame(h, 'no pri at all');
    expect(h.sent.map((a) => a.title)).toEqual(['notice on 192.0.2.7', 'on 192.0.2.7']);
    expect(h.sent[0]!.body).toBe(
      '<13>hello world\n\n(frame from 192.0.2.7:514 on listener syslog-udp: no RFC 5424 or RFC 3164 header after the PRI)',
    );
  });

  it('never sends a blank title: one that renders empty says the rule and the source', () => {
    const h = harness('rules:\n  - name: catch-all\n    notify: [ops]\n    title: "{{app}}"\n');
    frame(h, 'garbage');
    expect(h.sent.map((a) => a.title)).toEqual(['catch-all: frame from 192.0.2.7:514 on listener syslog-udp']);
  });

  it('shows an impossible timestamp under the body, the rest of the line read normally', () => {
    const h = harness(RULES);
    frame(h, '<38>Nov 31 25:61:61 web1 sshd[7]: Failed password for root from 203.0.113.5 port 4 ssh2');
    expect(h.sent[0]!.title).toBe('info sshd on web1');
    expect(h.sent[0]!.body).toBe(
      'Failed password for root from 203.0.113.5 port 4 ssh2\n\n(frame from 192.0.2.7:514 on listener syslog-udp: timestamp "Nov 31 25:61:61" is not a real time; the time relay received it is used instead)',
    );
  });
});
