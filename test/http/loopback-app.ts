// A relay App for the HTTP endpoint's tests: a local webhook sink the config names, state in a temp dir (or
// the one given, e.g. a small tmpfs the test mounted), and `get` on the endpoint, which the config binds to
// 127.0.0.1 port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from '../../src/app.ts';
import type { Clock } from '../../src/clock.ts';
import { parseConfig } from '../../src/plan/load-plan.ts';
import type { RelayEvent } from '../../src/event.ts';
import { silentLogger } from '../../src/log.ts';
import { HttpSink } from '../helpers/http-sink.ts';

export interface LoopbackApp {
  app: App;
  sink: HttpSink;
  get(path: string): Promise<Response>;
  /** Stops the App and the sink; removes the state dir when this made it. */
  stop(): Promise<void>;
}

/** `config` is config.yaml without state_dir, written with the sink's URLs. */
export async function startLoopbackApp(
  config: (sink: HttpSink) => string,
  opts: { clock?: Clock; stateDir?: string } = {},
): Promise<LoopbackApp> {
  const dir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'relay-http-'));
  const sink = await new HttpSink().start();
  const app = new App(parseConfig(`${config(sink)}\nstate_dir: ${dir}\n`, 'test.yaml', {}), {
    log: silentLogger,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  await app.start();
  return {
    app,
    sink,
    get: (path) => fetch(`http://${app.httpAddress}${path}`),
    stop: async () => {
      await app.stop();
      await sink.stop();
      if (opts.stateDir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A syslog event from nginx on host h, received now on `clock`. */
export function nginxEvent(clock: Clock, message: string): RelayEvent {
  return { receivedAt: new Date(clock.now()), listener: 'test', kind: 'syslog', host: 'h', app: 'nginx', message, fields: {} };
}
