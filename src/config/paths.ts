// Relative paths in config.yaml are relative to the config file's directory, not to wherever relay was
// started, so `relay run --config /etc/relay/config.yaml` and `relay test-sudo --config …` from any directory
// use the same socket, spool and state.
import { isAbsolute, resolve } from 'node:path';
import type { Config } from './schema.ts';

const FILE_REF = /\$\{file:([^}]+)\}/g;

/** `${file:secret}` → `${file:/config/dir/secret}`, done before the references are read. */
export function anchorFileRefs(text: string, baseDir: string): string {
  return text.replace(FILE_REF, (ref, path: string) => (isAbsolute(path) ? ref : `\${file:${resolve(baseDir, path)}}`));
}

/** The config with state_dir, every Unix listener's socket and spool and every TLS listener's cert, key and ca made absolute. */
export function anchorPaths(config: Config, baseDir: string): Config {
  return {
    ...config,
    state_dir: resolve(baseDir, config.state_dir),
    listeners: config.listeners.map((l) => {
      if (l.type === 'unix')
        return { ...l, address: resolve(baseDir, l.address), ...(l.spool ? { spool: resolve(baseDir, l.spool) } : {}) };
      if (l.type === 'tls')
        return { ...l, cert: resolve(baseDir, l.cert), key: resolve(baseDir, l.key), ...(l.ca ? { ca: resolve(baseDir, l.ca) } : {}) };
      return l;
    }),
  };
}
