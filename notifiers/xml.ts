// xml:// and xmls:// — Apprise's generic XML webhook: a SOAP envelope holding a <Notification> with
// Version, Subject, MessageType and Message elements (field names as Apprise sends them).
import { customWebhook } from './custom-webhook.ts';
import { escapeHtml } from './text-escape.ts';

export const xmlNotifier = customWebhook({
  service: 'XML webhook',
  scheme: 'xml',
  contentType: 'application/xml',
  fields: (m) => ({ Version: '1.0', Subject: m.title, MessageType: m.type, Message: m.body }),
  encode: (fields) => {
    const elements = Object.entries(fields).map(([k, v]) => `<${xmlName(k)}>${escapeHtml(v)}</${xmlName(k)}>`);
    return [
      `<?xml version="1.0" encoding="utf-8"?>`,
      `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
      `<soapenv:Body><Notification xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
      ...elements,
      `</Notification></soapenv:Body></soapenv:Envelope>`,
    ].join('\n');
  },
});

/** A `:key=` from the URL becomes an element name; anything XML forbids there becomes `_`. */
function xmlName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}
