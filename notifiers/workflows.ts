// workflows:// — Microsoft Teams through a Power Automate "When a Teams webhook request is received"
// workflow (the old msteams:// connectors were retired). Takes the workflow URL as-is too.
// The payload is an Adaptive Card, the only shape those workflows post to a channel; its TextBlocks render
// markdown, so log text is escaped for them.
import { postJson } from './http.ts';
import { escapeCardMarkdown } from './text-escape.ts';
import type { Message, NotifierModule } from './types.ts';
import { boolParam, enc, hostPort, invalid, origin, port, query, requireHost, secret, segments, textParam } from './url-fields.ts';

interface WorkflowsConfig {
  /** false only for a pasted http:// workflow URL (a local gateway); workflows:// is always TLS. */
  secure: boolean;
  host: string;
  port?: number;
  /** Power Platform URLs mount the workflow under this path; Logic Apps URLs at the root. */
  prefix: string;
  workflow: string;
  signature: string;
  apiVersion: string;
  wrap: boolean;
}

const INVOKE = /^(.*)\/workflows\/([^/]+)\/triggers\/manual\/paths\/invoke\/?$/;

export const workflowsNotifier: NotifierModule<WorkflowsConfig> = {
  service: 'Microsoft Teams (Workflows)',
  schemes: ['workflows'],
  forms: [
    'workflows://host[:port]/workflow/signature',
    'https://HOST/workflows/WORKFLOW/triggers/manual/paths/invoke?api-version=…&sig=SIGNATURE',
  ],
  options: ['wrap=yes|no', 'ver=API-VERSION'],
  limits: { title: 250, body: 20_000, unit: 'utf16', escape: escapeCardMarkdown },
  accepts: (url) => INVOKE.test(url.pathname) && url.searchParams.has('sig'),
  parse(url) {
    const host = requireHost(url);
    if (url.protocol === 'workflows:') {
      const [workflow, signature, ...extra] = segments(url);
      if (!workflow || !signature || extra.length) invalid('workflows:// needs exactly /workflow/signature after the host');
      return {
        secure: true,
        host,
        port: port(url),
        prefix: '',
        workflow,
        signature,
        apiVersion: textParam(url, 'ver') ?? '2016-06-01',
        wrap: boolParam(url, 'wrap', true),
      };
    }
    const [, prefix = '', workflow = ''] = INVOKE.exec(url.pathname) ?? [];
    return {
      secure: url.protocol === 'https:',
      host,
      port: port(url),
      prefix,
      workflow,
      signature: url.searchParams.get('sig') ?? '',
      apiVersion: url.searchParams.get('api-version') ?? '2016-06-01',
      wrap: boolParam(url, 'wrap', true),
    };
  },
  toUrl(c, { mask }) {
    if (c.secure && !c.prefix) {
      return `workflows://${hostPort(c.host, c.port)}/${enc(c.workflow)}/${secret(c.signature, mask)}${query({ ver: c.apiVersion === '2016-06-01' ? undefined : c.apiVersion, wrap: c.wrap ? undefined : false })}`;
    }
    return invokeUrl(c, mask ? '****' : c.signature) + (c.wrap ? '' : '&wrap=no');
  },
  async send(c, m, ctx) {
    await postJson(invokeUrl(c, c.signature), card(c, m), { signal: ctx.signal });
  },
};

function invokeUrl(c: WorkflowsConfig, sig: string): string {
  const q = new URLSearchParams({ 'api-version': c.apiVersion, sp: '/triggers/manual/run', sv: '1.0', sig });
  return `${origin(c.secure, c.host, c.port)}${c.prefix}/workflows/${enc(c.workflow)}/triggers/manual/paths/invoke?${q}`;
}

/** Adaptive Card text colours for the alert's type. */
const COLOR = { info: 'Accent', success: 'Good', warning: 'Warning', failure: 'Attention' } as const;

function card(c: WorkflowsConfig, m: Message): unknown {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            ...(m.title
              ? [
                  {
                    type: 'TextBlock',
                    text: escapeCardMarkdown(m.title),
                    weight: 'Bolder',
                    size: 'Large',
                    wrap: c.wrap,
                    style: 'heading',
                    color: COLOR[m.type],
                  },
                ]
              : []),
            { type: 'TextBlock', text: escapeCardMarkdown(m.body), wrap: c.wrap },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}
