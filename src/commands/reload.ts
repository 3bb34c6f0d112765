// `relay reload`: tells the running relay to re-read its config — SIGHUP to the pid in state_dir/relay.pid,
// the same signal systemd's ExecReload and logrotate send, so there is one way a reload happens. The config
// was checked by the caller before (the CLI loads it like `relay check`), so a refusal shows here too; what
// the reload changed is in relay's own log.
import type { Config } from '../config/schema.ts';
import { readPidFile } from '../reload/pid-file.ts';

export function reloadRelay(config: Config, out: NodeJS.WritableStream): number {
  const found = readPidFile(config.state_dir);
  if (found.state === 'missing') {
    out.write(`relay: no ${found.file}: relay is not running with this state_dir\n`);
    return 1;
  }
  if (found.state === 'stale') {
    out.write(`relay: ${found.file} is stale (process ${found.pid} is gone or is not relay): relay is not running; the next \`relay run\` replaces it\n`);
    return 1;
  }
  process.kill(found.pid, 'SIGHUP');
  out.write(`relay: sent SIGHUP to relay (pid ${found.pid}); its log says what the reload changed\n`);
  return 0;
}
