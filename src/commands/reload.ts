// `relay reload`: tells the running relay to re-read its config — SIGHUP to the pid in state_dir/relay.pid,
// the same signal logrotate sends, so there is one way a reload happens. It is the unit's ExecReload: the
// config is checked first (the CLI loads it like `relay check`, and a config with problems exits 1 without
// signalling), a relay that is not running (no pid file, or its process gone or a zombie) exits 1, and every
// failure goes to stderr; what the reload changed is in relay's own log. It starts no process.
import type { Config } from '../config/schema.ts';
import { readPidFile } from '../state/pid-file.ts';
import { ExitCodes } from './exit-codes.ts';

export function reloadRelay(config: Config, out: NodeJS.WritableStream, err: NodeJS.WritableStream): number {
  const found = readPidFile(config.state_dir);
  if (found.state === 'missing') {
    err.write(`relay: no ${found.file}: relay is not running with this state_dir\n`);
    return ExitCodes.FAILED;
  }
  if (found.state === 'stale') {
    err.write(
      `relay: ${found.file} is stale (process ${found.pid} is gone or is not relay): relay is not running; ` +
        'the next `relay run` replaces it\n',
    );
    return ExitCodes.FAILED;
  }
  process.kill(found.pid, 'SIGHUP');
  out.write(`relay: sent SIGHUP to relay (pid ${found.pid}); its log says what the reload changed\n`);
  return ExitCodes.OK;
}
