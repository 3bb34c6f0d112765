// URL tables for the services that have no test file of their own beyond the wire tests.
import { urlTable } from './url-table.ts';

const KEY30 = 'u1234567890abcdefghijklmnopqrs';
const TOK30 = 'a1234567890abcdefghijklmnopqrs';

urlTable(
  'ntfy',
  [
    { url: 'ntfy://alerts', config: { host: undefined, topics: ['alerts'] } },
    { url: 'https://ntfy.sh/alerts?priority=high', config: { host: undefined, topics: ['alerts'], priority: 'high' } },
    { url: 'https://ntfy.sh/alerts/backup?tags=disk', config: { host: undefined, topics: ['alerts', 'backup'], tags: ['disk'] } },
    {
      url: 'ntfys://bob:pw9@ntfy.example.com:8443/alerts/backup?priority=high&tags=warning,skull&click=https://x.example',
      config: {
        secure: true,
        host: 'ntfy.example.com',
        port: 8443,
        topics: ['alerts', 'backup'],
        user: 'bob',
        password: 'pw9',
        priority: 'high',
        tags: ['warning', 'skull'],
      },
      secrets: ['pw9'],
    },
    {
      url: 'ntfys://tk_secrettoken@ntfy.example.com/alerts?format=markdown',
      config: { token: 'tk_secrettoken', format: 'markdown' },
      secrets: ['tk_secrettoken'],
    },
  ],
  [
    ['ntfy://host/bad%20topic', /ntfy topic "bad topic"/],
    ['ntfy://alerts?priority=urgent', /priority=urgent/],
  ],
);

urlTable(
  'Gotify',
  [
    {
      url: 'gotify://gotify.example.com/AbCdEf123',
      config: { host: 'gotify.example.com', path: '', token: 'AbCdEf123', priority: undefined },
      secrets: ['AbCdEf123'],
    },
    {
      url: 'gotifys://example.com:8443/sub/path/AbCdEf123?priority=high&format=markdown',
      config: { secure: true, port: 8443, path: '/sub/path', priority: 'high', format: 'markdown' },
      secrets: ['AbCdEf123'],
    },
  ],
  [
    ['gotify://example.com', /application token/],
    ['gotify://example.com/t?priority=urgent', /priority=urgent/],
  ],
);

urlTable(
  'Telegram',
  [
    {
      url: 'tgram://123456789:AAHsecret-_x/12345',
      config: { botId: '123456789', secret: 'AAHsecret-_x', chats: [{ id: '12345' }], format: 'html' },
      secrets: ['AAHsecret-_x'],
    },
    {
      url: 'tgram://bot123456789:AAHsecret/-100123:42/@mychannel?silent=yes&preview=yes&format=markdown',
      config: { chats: [{ id: '-100123', topic: 42 }, { id: '@mychannel' }], silent: true, preview: true, format: 'markdown' },
      secrets: ['AAHsecret'],
    },
  ],
  [
    ['tgram://123456789:AAH', /at least one chat/],
    ['tgram://notatoken/123', /bot token first/],
    ['tgram://123:AAH/chat!', /is not a chat ID/],
  ],
);

urlTable(
  'Microsoft Teams (Workflows)',
  [
    {
      url: 'workflows://prod-01.westus.logic.azure.com:443/abc123/SiGnAtUrE',
      config: { secure: true, host: 'prod-01.westus.logic.azure.com', port: 443, workflow: 'abc123', signature: 'SiGnAtUrE' },
      secrets: ['SiGnAtUrE'],
    },
    {
      url: 'https://prod-01.westus.logic.azure.com:443/workflows/abc123/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SiGnAtUrE',
      config: { workflow: 'abc123', signature: 'SiGnAtUrE', prefix: '' },
      secrets: ['SiGnAtUrE'],
    },
    {
      url: 'https://default1.environment.api.powerplatform.com/powerautomate/automations/direct/workflows/w9/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=SiG2',
      config: { prefix: '/powerautomate/automations/direct', workflow: 'w9', apiVersion: '1', signature: 'SiG2' },
      secrets: ['SiG2'],
    },
  ],
  [['workflows://host/onlyworkflow', /workflow\/signature/]],
);

urlTable(
  'PagerDuty',
  [
    {
      url: 'pagerduty://intkey123@apikey456',
      config: { integrationKey: 'intkey123', apiKey: 'apikey456', source: 'relay', region: 'us' },
      secrets: ['intkey123', 'apikey456'],
    },
    {
      url: 'pagerduty://intkey123@apikey456/web1/sshd?region=eu&severity=error&group=prod&class=auth&+team=ops',
      config: {
        source: 'web1',
        component: 'sshd',
        region: 'eu',
        severity: 'error',
        group: 'prod',
        class: 'auth',
        details: { team: 'ops' },
      },
      secrets: ['apikey456'],
    },
  ],
  [
    ['pagerduty://apikey456', /integration key/],
    ['pagerduty://a@b?severity=fatal', /severity=fatal/],
    ['pagerduty://a@b/s/c/x', /unexpected path/],
  ],
);

urlTable(
  'Opsgenie',
  [
    { url: 'opsgenie://genie-key', config: { apiKey: 'genie-key', responders: [], region: 'us' }, secrets: ['genie-key'] },
    {
      url: 'opsgenie://genie-key/@alice/#ops/*oncall/^escal/bob?region=eu&priority=2&tags=a,b&alias=x&entity=web1',
      config: {
        responders: [
          { type: 'user', name: 'alice' },
          { type: 'team', name: 'ops' },
          { type: 'schedule', name: 'oncall' },
          { type: 'escalation', name: 'escal' },
          { type: 'user', name: 'bob' },
        ],
        priority: 2,
        tags: ['a', 'b'],
      },
      secrets: ['genie-key'],
    },
  ],
  [
    ['opsgenie://k?priority=9', /priority=9/],
    ['opsgenie://k/%23', /empty Opsgenie responder/],
  ],
);

urlTable(
  'Mattermost',
  [
    {
      url: 'mmost://mm.example.com/hooktoken1',
      config: { host: 'mm.example.com', token: 'hooktoken1', channels: [] },
      secrets: ['hooktoken1'],
    },
    {
      url: 'mmosts://relay@mm.example.com:8065/sub/hooktoken1?channels=%23ops,dev&icon_url=https://x.example/i.png',
      config: { secure: true, botname: 'relay', path: '/sub', channels: ['ops', 'dev'] },
      secrets: ['hooktoken1'],
    },
  ],
  [['mmost://mm.example.com', /webhook token/]],
);

urlTable(
  'Rocket.Chat',
  [
    {
      url: 'rocket://abc%2Fdef@chat.example.com/#general',
      config: { mode: 'webhook', user: 'abc/def', targets: ['#general'] },
      secrets: ['abc', 'def'],
    },
    {
      url: 'rocket://abc/def@chat.example.com/#general/@alice',
      config: { mode: 'webhook', user: 'abc/def', targets: ['#general', '@alice'] },
      secrets: ['abc', 'def'],
    },
    {
      url: 'rockets://bob:pw7@chat.example.com/#ops/@alice?avatar=https://x.example/a.png',
      config: { mode: 'basic', user: 'bob', password: 'pw7', targets: ['#ops', '@alice'] },
      secrets: ['pw7'],
    },
  ],
  [
    ['rocket://chat.example.com/#general', /needs a webhook/],
    ['rocket://w@chat.example.com/general', /must start with #/],
    ['rockets://bob:pw@chat.example.com', /needs a #channel/],
  ],
);

urlTable(
  'Google Chat',
  [
    { url: 'gchat://AAAA1234/keyK/tokT', config: { workspace: 'AAAA1234', key: 'keyK', token: 'tokT' }, secrets: ['keyK', 'tokT'] },
    { url: 'gchat://AAAA1234/keyK/tokT/thread1', config: { thread: 'thread1' } },
    {
      url: 'https://chat.googleapis.com/v1/spaces/AAAA1234/messages?key=keyK&token=tokT',
      config: { workspace: 'AAAA1234', key: 'keyK', token: 'tokT' },
      secrets: ['keyK', 'tokT'],
    },
  ],
  [
    ['gchat://AAAA1234/keyK', /gchat:\/\/workspace\/key\/token/],
    ['https://chat.googleapis.com/v1/spaces/A/messages?key=k', /key= and token=/],
  ],
);

urlTable(
  'Matrix',
  [
    {
      url: 'matrixs://bob:pw5@matrix.example.com/#ops/!abc:matrix.example.com',
      config: { user: 'bob', password: 'pw5', rooms: ['#ops', '!abc:matrix.example.com'] },
      secrets: ['pw5'],
    },
    {
      url: 'matrix://syt_token@localhost:8008/ops?msgtype=notice',
      config: { token: 'syt_token', rooms: ['#ops'], msgtype: 'notice', port: 8008 },
      secrets: ['syt_token'],
    },
  ],
  [
    ['matrix://matrix.example.com/#ops', /access token/],
    ['matrix://t@matrix.example.com', /at least one/],
  ],
);

urlTable(
  'Pushover',
  [
    { url: `pover://${KEY30}@${TOK30}`, config: { userKey: KEY30, token: TOK30, devices: [] }, secrets: [KEY30, TOK30] },
    {
      url: `pover://${KEY30}@${TOK30}/phone/tablet?priority=high&sound=siren&url=https://x.example`,
      config: { devices: ['phone', 'tablet'], priority: 'high', sound: 'siren' },
      secrets: [TOK30],
    },
  ],
  [
    [`pover://short@${TOK30}`, /user key must be 30/],
    [`pover://${KEY30}@${TOK30}?priority=max`, /priority=max/],
  ],
);
