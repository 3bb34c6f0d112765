// The alert's type (info, success, warning, failure) reaches every service that has a colour or a priority:
// the same notice-severity alert, sent once per type, against a loopback server speaking each contract.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifier } from '../../notifiers/registry.ts';
import type { MessageType } from '../../src/message-type.ts';
import { form, json, startRecorder, type Recorder } from './servers/recorder.ts';

const TYPES: MessageType[] = ['info', 'success', 'warning', 'failure'];
const ENV = ['RELAY_NTFY_URL', 'RELAY_PAGERDUTY_API_URL', 'RELAY_OPSGENIE_API_URL', 'RELAY_PUSHOVER_API_URL'];

let server: Recorder;
beforeAll(async () => {
  server = await startRecorder();
  for (const name of ENV) process.env[name] = server.url;
});
afterAll(async () => {
  for (const name of ENV) delete process.env[name];
  await server.close();
});

/** What the service received for each type, read from its request by `read`. */
async function perType(
  url: () => string,
  read: (body: any, formBody: Record<string, string>) => unknown,
): Promise<Record<MessageType, unknown>> {
  const out = {} as Record<MessageType, unknown>;
  for (const type of TYPES) {
    await createNotifier('n', url()).send({ title: '12 failed logins on web1', body: 'from 203.0.113.9', type, severity: 5 });
    const req = server.requests.at(-1)!;
    out[type] = read(
      req.headers['content-type']?.includes('json') ? json(req) : undefined,
      req.headers['content-type']?.includes('json') ? {} : form(req),
    );
  }
  return out;
}

describe('every notifier with a colour or a priority maps the alert type to it', () => {
  it.each([
    {
      service: 'ntfy priority',
      url: () => 'ntfy://alerts',
      read: (b: any) => b.priority,
      want: { info: 3, success: 3, warning: 4, failure: 5 },
    },
    {
      service: 'Gotify priority',
      url: () => `gotify://127.0.0.1:${server.port}/AppToken1`,
      read: (b: any) => b.priority,
      want: { info: 5, success: 5, warning: 6, failure: 8 },
    },
    {
      service: 'Pushover priority',
      url: () => `pover://${'u'.repeat(30)}@${'t'.repeat(30)}`,
      read: (_: any, f: Record<string, string>) => f.priority,
      want: { info: '0', success: '0', warning: '0', failure: '1' },
    },
    {
      service: 'PagerDuty severity',
      url: () => 'pagerduty://ROUTEKEY@APIKEY',
      read: (b: any) => b.payload.severity,
      want: { info: 'info', success: 'info', warning: 'warning', failure: 'critical' },
    },
    {
      service: 'Opsgenie priority',
      url: () => 'opsgenie://GKEY',
      read: (b: any) => b.priority,
      want: { info: 'P4', success: 'P4', warning: 'P3', failure: 'P2' },
    },
    {
      service: 'Teams (Workflows) title colour',
      url: () =>
        `http://127.0.0.1:${server.port}/workflows/wf1/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SIG`,
      read: (b: any) => b.attachments[0].content.body[0].color,
      want: { info: 'Accent', success: 'Good', warning: 'Warning', failure: 'Attention' },
    },
    {
      service: 'JSON webhook type',
      url: () => `json://127.0.0.1:${server.port}/hook`,
      read: (b: any) => b.type,
      want: { info: 'info', success: 'success', warning: 'warning', failure: 'failure' },
    },
  ])('$service', async ({ url, read, want }) => {
    expect(await perType(url, read)).toEqual(want);
  });

  it('a URL that sets the priority still wins over the type', async () => {
    expect(
      await perType(
        () => `gotify://127.0.0.1:${server.port}/AppToken1?priority=low`,
        (b: any) => b.priority,
      ),
    ).toEqual({ info: 0, success: 0, warning: 0, failure: 0 });
    expect(
      await perType(
        () => 'ntfy://alerts?priority=min',
        (b: any) => b.priority,
      ),
    ).toEqual({ info: 1, success: 1, warning: 1, failure: 1 });
  });
});
