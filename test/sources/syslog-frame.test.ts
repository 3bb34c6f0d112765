import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syslogEvent } from '../../src/sources/syslog-frame.ts';

const receivedAt = new Date('2026-11-23T12:00:00Z');
const BOM = '\uFEFF';
const parse = (line: string | Buffer) =>
  syslogEvent(typeof line === 'string' ? Buffer.from(line, 'utf8') : line, { listener: 'syslog', peer: '192.0.2.7:514', receivedAt });

describe('syslogEvent on real lines', () => {
  const table: { name: string; line: string; expect: Record<string, unknown> }[] = [
    {
      name: 'RFC 5424 example with two SD elements and a BOM',
      line: `<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] ${BOM}An application event log entry...`,
      expect: {
        facility: 'local4',
        severity: 5,
        timestamp: new Date('2003-10-11T22:14:15.003Z'),
        host: 'mymachine.example.com',
        app: 'evntslog',
        msgid: 'ID47',
        message: 'An application event log entry...',
        structuredData: {
          'exampleSDID@32473': { iut: '3', eventSource: 'Application', eventID: '1011' },
          'examplePriority@32473': { class: 'high' },
        },
      },
    },
    {
      name: 'RFC 5424 su failure, no SD, BOM',
      line: `<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - ${BOM}'su root' failed for lonvick on /dev/pts/8`,
      expect: {
        facility: 'auth',
        severity: 2,
        host: 'mymachine.example.com',
        app: 'su',
        msgid: 'ID47',
        message: "'su root' failed for lonvick on /dev/pts/8",
      },
    },
    {
      name: 'RFC 5424 sshd with IANA SD-IDs (no @) and a zone offset',
      line: '<86>1 2026-05-01T10:00:00.000+02:00 web1 sshd 999 - [origin ip="10.0.0.1"][meta sequenceId="7"] Accepted publickey for bob from 10.0.0.1',
      expect: {
        facility: 'authpriv',
        severity: 6,
        timestamp: new Date('2026-05-01T08:00:00Z'),
        host: 'web1',
        app: 'sshd',
        procid: '999',
        structuredData: { origin: { ip: '10.0.0.1' }, meta: { sequenceId: '7' } },
        message: 'Accepted publickey for bob from 10.0.0.1',
      },
    },
    {
      name: 'RFC 5424 sudo with escaped quote, backslash and bracket in an SD value',
      line: String.raw`<85>1 2026-11-23T10:00:00Z web1 sudo - - [sudo@32473 cmd="echo \"hi\" \\ \] x" path="C:\dir"] alice : COMMAND=/bin/echo hi`,
      expect: {
        structuredData: { 'sudo@32473': { cmd: 'echo "hi" \\ ] x', path: 'C:\\dir' } },
        app: 'sudo',
        message: 'alice : COMMAND=/bin/echo hi',
      },
    },
    {
      name: 'RFC 5424 text that looks like SD inside MSG stays message',
      line: '<13>1 2026-11-23T10:00:00Z h app - - - user said [x@1 a="b"] ok',
      expect: { message: 'user said [x@1 a="b"] ok', structuredData: undefined },
    },
    {
      name: 'RFC 5424 with every field nil: no timestamp invented',
      line: '<13>1 - - - - - -',
      expect: {
        facility: 'user',
        severity: 5,
        timestamp: undefined,
        host: undefined,
        app: undefined,
        procid: undefined,
        msgid: undefined,
        message: '',
      },
    },
    {
      name: 'RFC 3164 sudo',
      line: '<85>Nov 23 10:01:02 web1 sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      expect: {
        facility: 'authpriv',
        severity: 5,
        host: 'web1',
        app: 'sudo',
        message: 'alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/id',
      },
    },
    {
      name: 'legacy header with an ISO timestamp (rsyslog forward format, loggen without -P)',
      line: '<38>2026-11-23T11:00:33+01:00 localhost prg00000[1234]: seq: 0000000000, thread: 0000',
      expect: {
        facility: 'auth',
        severity: 6,
        timestamp: new Date('2026-11-23T10:00:33Z'),
        host: 'localhost',
        app: 'prg00000',
        procid: '1234',
        message: 'seq: 0000000000, thread: 0000',
        parseError: undefined,
      },
    },
    {
      name: 'RFC 3164 sshd with pid',
      line: '<38>Nov  3 09:14:15 host1 sshd[4242]: Failed password for invalid user admin from 203.0.113.5 port 52144 ssh2',
      expect: {
        facility: 'auth',
        severity: 6,
        host: 'host1',
        app: 'sshd',
        procid: '4242',
        message: 'Failed password for invalid user admin from 203.0.113.5 port 52144 ssh2',
      },
    },
    {
      name: 'CEF after a BSD header',
      line: '<134>Nov 23 10:00:00 fw1 CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2',
      expect: {
        facility: 'local0',
        severity: 6,
        host: 'fw1',
        message: 'CEF:0|Security|threatmanager|1.0|100|worm stopped|10|src=10.0.0.1 dst=2.1.2.2',
      },
    },
    {
      name: 'CEF right after the PRI',
      line: '<10>CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1',
      expect: {
        facility: 'user',
        severity: 2,
        host: undefined,
        message: 'CEF:0|Vendor|Product|1.0|100|Name|5|src=10.0.0.1',
        parseError: undefined,
      },
    },
  ];

  it.each(table)('$name', ({ line, expect: want }) => {
    const ev = parse(line);
    expect(ev.parseError).toBeUndefined();
    expect(ev).toMatchObject({ listener: 'syslog', kind: 'syslog', peer: '192.0.2.7:514', receivedAt, raw: line, fields: {} });
    for (const [k, v] of Object.entries(want)) expect(ev[k as keyof typeof ev], k).toEqual(v);
  });

  it('reads a BSD timestamp in local time and this year', () => {
    const ts = parse('<38>Nov  3 09:14:15 host1 sshd[1]: x').timestamp!;
    expect([ts.getMonth(), ts.getDate(), ts.getHours(), ts.getMinutes(), ts.getSeconds()]).toEqual([10, 3, 9, 14, 15]);
  });

  it('puts a December BSD line read on January 1st in the previous year', () => {
    const year = new Date().getFullYear();
    const ev = syslogEvent(Buffer.from('<38>Dec 31 23:59:59 h app: x'), { listener: 'l', receivedAt: new Date(year, 0, 1, 0, 0, 30) });
    expect(ev.timestamp).toEqual(new Date(year - 1, 11, 31, 23, 59, 59));
  });

  it('strips a trailing CR/LF/NUL mix and decodes invalid UTF-8 with replacement characters', () => {
    const ev = parse(Buffer.concat([Buffer.from('<13>1 - h app - - - caf'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('\r\n\0')]));
    expect(ev.message).toBe('caf\uFFFD(\uFFFD');
    expect(ev.raw).toBe('<13>1 - h app - - - caf\uFFFD(\uFFFD');
  });
});

describe('syslogEvent on long frames', () => {
  it('keeps a BSD message longer than the parser window intact, spaces included', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('word', ' ', '  ', '\t', 'é'), { minLength: 300, maxLength: 1500 }), (parts) => {
        const message = `start ${parts.join('')} end`;
        expect(parse(`<38>Nov  3 09:14:15 host1 sshd[7]: ${message}`)).toMatchObject({ app: 'sshd', procid: '7', message });
      }),
      { numRuns: 200 },
    );
  });

  it('parses 64 KB of spaces in any header position in well under a second of CPU', () => {
    const spaces = ' '.repeat(65_000);
    for (const line of [`<13>Nov 23 10:00:00${spaces}x`, `<13>1 - - - - - -${spaces}`, `<13>${spaces}1`, `${spaces}x`]) {
      // This process's CPU time, which other processes' load on the machine does not stretch as it does wall time.
      const t = process.cpuUsage();
      parse(line);
      const { user, system } = process.cpuUsage(t);
      expect((user + system) / 1000).toBeLessThan(500);
    }
  });
});

describe('syslogEvent on frames that do not parse', () => {
  it.each([
    { line: 'hello world', error: /no <PRI>/, severity: undefined },
    { line: '', error: /no <PRI>/, severity: undefined },
    { line: '<13>hello world', error: /no RFC 5424 or RFC 3164 header/, severity: 5 },
    { line: '<999>1 x', error: /PRI 999 is out of range/, severity: undefined },
    { line: '<13>  1 - h a - - - m', error: /VERSION does not follow the PRI/, severity: 5 },
    { line: '<13>1 2026-11-23T10:00:00Z host app', error: /RFC 5424: header/, severity: 5 },
    { line: '<13>1 - h a - - [u x="y', error: /RFC 5424: unterminated PARAM-VALUE/, severity: 5 },
    { line: '<13>1 - h a - - [u x="y"', error: /RFC 5424: SD-ELEMENT u is not closed/, severity: 5 },
    { line: '<13>1 - h a - - [id x=y] m', error: /RFC 5424: SD-PARAM x/, severity: 5 },
  ])('$line → raw event with parseError, named after its peer', ({ line, error, severity }) => {
    const ev = parse(line);
    expect(ev.parseError).toMatch(error);
    expect(ev.message).toBe(line);
    expect(ev.raw).toBe(line);
    expect(ev.severity).toBe(severity);
    expect(ev.fields).toEqual({ parse_error: ev.parseError });
    expect(ev.host).toBe('192.0.2.7');
  });
});

describe('syslogEvent properties', () => {
  it('turns any byte string into an event without throwing', () => {
    const pri = fc.integer({ min: 0, max: 255 }).map((n) => Buffer.from(`<${n}>`));
    const bytes = fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a));
    const syslogish = fc
      .tuple(pri, fc.constantFrom('1 ', 'Nov 23 10:00:00 ', ''), bytes)
      .map(([p, h, b]) => Buffer.concat([p, Buffer.from(h), b]));
    fc.assert(
      fc.property(fc.oneof(bytes, syslogish), (frame) => {
        const ev = parse(frame);
        expect(typeof ev.message).toBe('string');
        expect(ev).toMatchObject({ listener: 'syslog', kind: 'syslog' });
        expect(Object.keys(ev.fields).filter((k) => k !== 'parse_error')).toEqual([]);
        if (ev.severity !== undefined) expect(ev.severity).toBeGreaterThanOrEqual(0);
        if (ev.timestamp !== undefined) expect(Number.isNaN(ev.timestamp.getTime())).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps the frame as it decodes in one piece as raw, BOMs anywhere (they are cut out to decode faster)', () => {
    const bytes = fc
      .array(
        fc.oneof(
          fc
            .constantFrom([0xef, 0xbb, 0xbf], [0x20, 0xef, 0xbb, 0xbf], [0xc3], [0xef, 0xbb], [0xe2, 0x82], [0x0a], [0x00])
            .map((b) => Buffer.from(b)),
          fc.constantFrom('<13>1 ', '2026-11-23T10:00:00Z h app - - - ', '[x a="b"] ', 'é', 'msg ').map((t) => Buffer.from(t)),
          fc.uint8Array({ maxLength: 4 }).map((a) => Buffer.from(a)),
        ),
        { maxLength: 12 },
      )
      .map((parts) => Buffer.concat(parts));
    fc.assert(
      fc.property(bytes, (frame) => {
        expect(parse(frame).raw).toBe(frame.toString('utf8').replace(/[\r\n\0]+$/, ''));
      }),
      { numRuns: 5000 },
    );
  });

  it.each([
    { line: `<13>1 - h app - - - ${BOM}m`, message: 'm' },
    { line: `<13>1 - h app - - [x a="b"] ${BOM}m ${BOM}`, message: `m ${BOM}` },
    { line: `<13>1 - h app - - [x a="${BOM}"] ${BOM}m`, message: 'm' },
    { line: `<13>1 - h app - - - m ${BOM}`, message: `m ${BOM}` },
  ])('drops only the BOM that starts an RFC 5424 MSG: $message', ({ line, message }) => {
    const ev = parse(line);
    expect(ev).toMatchObject({ raw: line, message, host: 'h', app: 'app' });
    expect(ev.parseError).toBeUndefined();
  });

  it('round-trips any structured data through RFC 5424 escaping', () => {
    const name = fc.stringMatching(/^[!#-<>-\\^-~]{1,32}$/);
    const sd = fc.dictionary(name, fc.dictionary(name, fc.string({ maxLength: 20 }), { minKeys: 0, maxKeys: 3 }), {
      minKeys: 1,
      maxKeys: 3,
    });
    const escapeSd = (v: string) => v.replace(/["\\\]]/g, (c) => `\\${c}`);
    fc.assert(
      fc.property(sd, fc.string({ maxLength: 40 }), (data, msg) => {
        const encoded = Object.entries(data)
          .map(
            ([id, params]) =>
              `[${id}${Object.entries(params)
                .map(([k, v]) => ` ${k}="${escapeSd(v)}"`)
                .join('')}]`,
          )
          .join('');
        const ev = parse(`<14>1 2026-11-23T10:00:00Z h app - - ${encoded} ${msg}`);
        expect(ev.parseError).toBeUndefined();
        expect(ev.structuredData).toEqual(data);
        expect(ev.message).toBe(msg.replace(/[\r\n\0]+$/, '').replace(/^\uFEFF/, ''));
      }),
    );
  });
});

describe('syslogEvent reads RFC 3164 strictly', () => {
  const table: { name: string; line: string; expect: Record<string, unknown> }[] = [
    {
      name: 'RFC 3164 §5.4: no TAG, the whole CONTENT is the message',
      line: '<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!',
      expect: { host: '10.0.0.99', app: undefined, procid: undefined, message: 'Use the BFG!' },
    },
    {
      name: 'a TAG with [pid] and no colon',
      line: '<13>Feb  5 17:32:18 web1 app[77] started',
      expect: { host: 'web1', app: 'app', procid: '77', message: 'started' },
    },
    {
      name: 'a TAG with a colon, no pid: procid is never made up from a word',
      line: '<13>Feb  5 17:32:18 web1 kernel: [  1.2] usb 1-1: new device',
      expect: { host: 'web1', app: 'kernel', procid: undefined, message: '[  1.2] usb 1-1: new device' },
    },
    {
      name: 'no hostname: the first word is already a tag',
      line: '<13>Feb  5 17:32:18 sshd[12]: Server listening',
      expect: { host: undefined, app: 'sshd', procid: '12', message: 'Server listening' },
    },
    {
      name: 'a year in the header (Cisco)',
      line: '<13>Feb  5 2024 17:32:18 sw1 app: up',
      expect: { host: 'sw1', app: 'app', message: 'up', timestamp: new Date(2024, 1, 5, 17, 32, 18) },
    },
    {
      name: 'fractional seconds kept to the microsecond',
      line: '<13>Nov  3 09:14:15.123456 web1 app: x',
      expect: {
        timestamp: new Date(2026, 10, 3, 9, 14, 15, 123),
        timestampPrecise: `${new Date(2026, 10, 3, 9, 14, 15, 123).toISOString().slice(0, 20)}123456Z`,
      },
    },
    {
      name: 'RFC 5424 microseconds',
      line: '<13>1 2026-11-23T10:00:00.1234567+01:00 h a - - - m',
      expect: { timestamp: new Date('2026-11-23T09:00:00.123Z'), timestampPrecise: '2026-11-23T09:00:00.123456Z' },
    },
  ];

  it.each(table)('$name', ({ line, expect: want }) => {
    const ev = parse(line);
    expect(ev.parseError).toBeUndefined();
    expect(ev.fields).toEqual({});
    for (const [k, v] of Object.entries(want)) expect(ev[k as keyof typeof ev], k).toEqual(v);
  });

  it.each([
    { line: '<13>Nov 31 25:61:61 web1 sshd[1]: x', said: 'timestamp "Nov 31 25:61:61" is not a real time' },
    { line: '<13>Feb 30 10:00:00 web1 app: x', said: 'timestamp "Feb 30 10:00:00" is not a real time' },
    { line: '<13>1 2026-02-30T10:00:00Z web1 app - - - x', said: 'timestamp "2026-02-30T10:00:00Z" is not a real time' },
    { line: '<13>1 2026-11-23T24:00:00Z web1 app - - - x', said: 'timestamp "2026-11-23T24:00:00Z" is not a real time' },
    { line: '<13>1 yesterday web1 app - - - x', said: 'timestamp "yesterday" is not RFC 3339' },
    { line: '<13>2026-13-01T10:00:00Z web1 app[1]: x', said: 'timestamp "2026-13-01T10:00:00Z" is not a real time' },
  ])('flags the impossible timestamp of $line in fields.parse_error and keeps the rest', ({ line, said }) => {
    const ev = parse(line);
    expect(ev.timestamp).toBeUndefined();
    expect(ev.parseError).toBeUndefined();
    expect(ev.fields.parse_error).toBe(`${said}; the time relay received it is used instead`);
    expect(ev).toMatchObject({ host: 'web1', app: expect.stringMatching(/sshd|app/), message: 'x' });
  });

  it('never invents an app or procid: with no `:` or `[pid]` after the first word, the text is all message (property)', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/);
    fc.assert(
      fc.property(word, fc.array(word, { minLength: 1, maxLength: 6 }), (host, words) => {
        const content = words.join(' ');
        const ev = parse(`<13>Feb  5 17:32:18 ${host} ${content}`);
        expect(ev).toMatchObject({ host, message: content });
        expect(ev.app).toBeUndefined();
        expect(ev.procid).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('reads back app, procid and message from any well-formed TAG (property)', () => {
    const tag = fc.stringMatching(/^[A-Za-z0-9_./-]{1,32}$/);
    const pid = fc.option(fc.stringMatching(/^[0-9]{1,7}$/), { nil: undefined });
    const message = fc.stringMatching(/^\S[^\r\n\0]{0,60}\S$/);
    fc.assert(
      fc.property(tag, pid, message, (app, procid, msg) => {
        const ev = parse(`<13>Feb  5 17:32:18 web1 ${app}${procid === undefined ? '' : `[${procid}]`}: ${msg}`);
        expect(ev).toMatchObject({ host: 'web1', app, message: msg });
        expect(ev.procid).toBe(procid);
      }),
      { numRuns: 500 },
    );
  });
});

describe('syslogEvent reuses what repeats from line to line (span-memo.ts)', () => {
  /** The event as data: its own keys in order, Dates as instants, so a shared Date or string cannot hide a difference. */
  const view = (ev: ReturnType<typeof parse>) =>
    JSON.stringify(Object.entries(ev).map(([k, v]) => [k, v instanceof Date ? `date:${v.getTime()}` : v === undefined ? 'undefined' : v]));
  const time = fc.constantFrom(
    '2026-11-23T10:00:00Z',
    '2026-11-23T10:00:00+01:00',
    '2026-11-23T10:00:00.123456Z',
    '2026-11-23T10:00:00.5-0230',
    '2026-11-23T10:00:00',
    '0099-11-23T10:00:00Z',
    '2026-11-31T10:00:00Z',
    '2026-11-23T10:00:0Z',
    '-',
    '2026-11-23T10:00:01Z',
  );
  const word = fc.constantFrom('-', 'h', 'host-a', 'host-b', 'app', 'app2', '1234', '12345', 'ID47', 'a-longer-host-name.example.org');
  const line = fc
    .tuple(time, word, word, word, word, fc.constantFrom('-', '[x a="b"]'), fc.constantFrom('', ` ${BOM}m`, ' m'))
    .map(([t, h, a, p, id, sd, msg]) => `<14>1 ${t} ${h} ${a} ${p} ${id} ${sd}${msg}`);

  it('gives every frame the event it gives it after any other frame (property)', () => {
    // Each line is read three times: after the line before it, after itself (every memo hits) and after a
    // line sharing nothing with it (every memo misses); all three events must be the same data.
    const stranger = '<14>1 1999-01-01T00:00:00Z zz-host zz-app 999 ZZ - zz';
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), (lines) => {
        for (const l of lines) {
          const inSequence = view(parse(l));
          expect(view(parse(l))).toBe(inSequence);
          parse(stranger);
          expect(view(parse(l))).toBe(inSequence);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('keeps a repeated timestamp, host and app the same values, absent fields absent', () => {
    const a = parse(`<14>1 2026-11-23T10:00:00Z h app 1 - - ${BOM}one`);
    const b = parse(`<14>1 2026-11-23T10:00:00Z h app 1 - - ${BOM}two`);
    expect(b).toEqual({ ...a, message: 'two', raw: `<14>1 2026-11-23T10:00:00Z h app 1 - - ${BOM}two` });
    expect(b.timestamp!.getTime()).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(Object.keys(b)).toEqual([
      'receivedAt',
      'listener',
      'kind',
      'message',
      'raw',
      'fields',
      'peer',
      'facility',
      'severity',
      'host',
      'app',
      'procid',
      'timestamp',
    ]);
  });
});
