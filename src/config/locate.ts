// Which config file a command uses: `--config`, then $RELAY_CONFIG, then ./config.yaml, then
// /etc/relay/config.yaml — the first that is given or exists. Commands say which one they took.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export interface ConfigChoice {
  /** Absolute path of the file. */
  file: string;
  /** How it was chosen, for the line that names it. */
  from: '--config' | 'RELAY_CONFIG' | 'the current directory' | 'the system default';
}

export const SYSTEM_CONFIG = '/etc/relay/config.yaml';

export function locateConfig(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  systemFile: string = SYSTEM_CONFIG,
): ConfigChoice | undefined {
  if (flag) return { file: resolve(cwd, flag), from: '--config' };
  if (env.RELAY_CONFIG) return { file: resolve(cwd, env.RELAY_CONFIG), from: 'RELAY_CONFIG' };
  const local = resolve(cwd, 'config.yaml');
  if (existsSync(local)) return { file: local, from: 'the current directory' };
  if (existsSync(systemFile)) return { file: systemFile, from: 'the system default' };
  return undefined;
}
