// console:// — prints alerts to stdout, so relay is useful out of the box with no secrets.
import { ErrorCodes, RelayError } from '../src/errors.ts';
import type { NotifierModule } from './types.ts';

interface ConsoleConfig {
  stream: 'stdout' | 'stderr';
}

export const consoleNotifier: NotifierModule<ConsoleConfig> = {
  service: 'Console',
  schemes: ['console'],
  forms: ['console://', 'console://stderr'],
  options: [],
  limits: { title: 1000, body: 100_000, unit: 'utf16' },
  parse(url) {
    const target = url.hostname || 'stdout';
    if (target !== 'stdout' && target !== 'stderr') {
      throw new RelayError(ErrorCodes.URL_INVALID, `console:// takes stdout or stderr, not ${JSON.stringify(target)}`);
    }
    return { stream: target };
  },
  toUrl(c) {
    return c.stream === 'stdout' ? 'console://' : `console://${c.stream}`;
  },
  async send(c, m) {
    const out = c.stream === 'stdout' ? process.stdout : process.stderr;
    const stamp = new Date().toISOString();
    out.write(`[${stamp}] ${m.type.toUpperCase()} ${m.title}\n${m.body.replace(/^/gm, '    ')}\n`);
  },
};
