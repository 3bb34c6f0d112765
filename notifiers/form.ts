// form:// and forms:// — Apprise's generic form webhook: version, title, message, type as
// application/x-www-form-urlencoded fields.
import { customWebhook } from './custom-webhook.ts';

export const formNotifier = customWebhook({
  service: 'Form webhook',
  scheme: 'form',
  contentType: 'application/x-www-form-urlencoded',
  fields: (m) => ({ version: '1.0', title: m.title, message: m.body, type: m.type }),
  encode: (fields) => new URLSearchParams(fields).toString(),
});
