// json:// and jsons:// — Apprise's generic JSON webhook: {"version","title","message","type"}.
import { customWebhook } from './custom-webhook.ts';

export const jsonNotifier = customWebhook({
  service: 'JSON webhook',
  scheme: 'json',
  contentType: 'application/json',
  fields: (m) => ({ version: '1.0', title: m.title, message: m.body, type: m.type }),
  encode: (fields) => JSON.stringify(fields),
});
