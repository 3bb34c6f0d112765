// JSON lines over a Unix stream socket: one object per line becomes one event. The peer check (SO_PEERCRED
// uid allow-list) and the line-to-event mapping (sudo events) are hooks, so this file only owns the socket.
// A reload's new settings apply to the running socket unless the path or the format changed.
import { mkdir, chmod, lstat, unlink } from 'node:fs/promises';
import net from 'node:net';
import { dirname } from 'node:path';
import { systemClock, type Clock } from '../clock.ts';
import type { ListenerConfig, UnixListenerConfig } from '../config/schema.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { RelayEvent } from '../event.ts';
import type { Logger } from '../log.ts';
import { Deframer } from './framing.ts';
import { Intake } from './intake.ts';
import type { EventSink, Source, SourceStats } from './source.ts';
import { uidAllowList } from './peer-check.ts';
import { StreamServer, type PeerCheck, type StreamLimits } from './stream-server.ts';

export interface LineOrigin {
  listener: string;
  peer?: string;
  receivedAt: Date;
}

/** Turns one line into an event; throws (with a message fit for a log) when the line is not one. */
export type LineToEvent = (line: string, origin: LineOrigin) => RelayEvent;

export interface UnixSourceOptions {
  /** A fixed peer check (tests); takes the place of `allowUids`. */
  acceptPeer?: PeerCheck;
  /** Checks each peer's uid against the config's `allow_uids` (what createSource sets; kept up to date by reloads). */
  allowUids?: boolean;
  toEvent?: LineToEvent;
  /** Times frame_timeout and idle_timeout; the system clock unless a test moves time itself. */
  clock?: Clock;
}

/** The default mapping: any JSON object, summarised by its `message` or `event` field. */
export const jsonLineEvent: LineToEvent = (line, origin) => {
  const value: unknown = JSON.parse(line);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`);
  }
  const fields = value as Record<string, unknown>;
  const summary = [fields.message, fields.event].find((v) => typeof v === 'string');
  const ev: RelayEvent = {
    receivedAt: origin.receivedAt,
    listener: origin.listener,
    kind: 'json',
    message: (summary as string | undefined) ?? line,
    fields,
  };
  if (origin.peer !== undefined) ev.peer = origin.peer;
  return ev;
};

export class UnixSource implements Source {
  readonly type = 'unix';
  readonly #intake: Intake;
  readonly #server: StreamServer;
  #config: UnixListenerConfig;
  #peerCheck: PeerCheck | undefined;
  readonly #peerCheckFor: (config: UnixListenerConfig) => PeerCheck | undefined;

  constructor(config: UnixListenerConfig, sink: EventSink, log: Logger, opts: UnixSourceOptions = {}) {
    this.#config = config;
    const intake = (this.#intake = new Intake(config.name, sink, log));
    this.#peerCheckFor = (c) => opts.acceptPeer ?? (opts.allowUids ? uidAllowList(c.allow_uids, intake.log) : undefined);
    this.#peerCheck = this.#peerCheckFor(config);
    const toEvent = opts.toEvent ?? jsonLineEvent;
    this.#server = new StreamServer({
      intake,
      clock: opts.clock ?? systemClock,
      ...streamLimits(config),
      acceptPeer: (socket) => this.#peerCheck?.(socket) ?? true,
      describePeer: () => undefined,
      // A Unix peer has no address; the peer check's name for it (`uid=N`) is what its connections share.
      peerKey: (_socket, checked) => checked,
      open: (peer) =>
        new Deframer(
          this.#config.max_message_size,
          {
            frame: (f) => {
              let ev: RelayEvent;
              try {
                ev = toEvent(f.toString('utf8'), { listener: config.name, peer, receivedAt: new Date() });
              } catch (err) {
                intake.badFrame(peer, ErrorCodes.FRAME_INVALID, (err as Error).message, f);
                return;
              }
              intake.event(ev);
            },
            oversize: (length) => intake.oversize(peer, length, this.#config.max_message_size),
            badFrame: (code, reason, sample) => intake.badFrame(peer, code, reason, sample),
          },
          'newline',
        ),
    });
  }

  get name(): string {
    return this.#config.name;
  }

  stats(): SourceStats {
    return this.#intake.snapshot();
  }

  inherit(previous: Pick<Source, 'stats'>): void {
    this.#intake.inherit(previous);
  }

  async start(): Promise<void> {
    const path = this.#config.address;
    await mkdir(dirname(path), { recursive: true });
    await removeStaleSocket(path, this.#config.name);
    await this.#server.listen({ path }, path);
    await chmod(path, Number.parseInt(this.#config.mode, 8));
  }

  /** Closing the server removes the socket file. */
  async pause(): Promise<void> {
    this.#server.pause();
  }

  stop(): Promise<void> {
    return this.#server.close();
  }

  /** Everything but the path and the format applies in place: mode and allow_uids at once, limits at the next accept. */
  async reconfigure(config: ListenerConfig): Promise<boolean> {
    if (config.type !== 'unix' || config.address !== this.#config.address || config.format !== this.#config.format) return false;
    if (config.mode !== this.#config.mode && this.#server.address() !== null) await chmod(config.address, Number.parseInt(config.mode, 8));
    this.#config = config;
    this.#peerCheck = this.#peerCheckFor(config);
    this.#server.retune(streamLimits(config));
    for (const reader of this.#server.readers()) reader.resize(config.max_message_size);
    return true;
  }

  address(): string {
    return this.#config.address;
  }
}

function streamLimits(config: UnixListenerConfig): StreamLimits {
  return {
    maxConnections: config.max_connections,
    maxConnectionsPerPeer: config.max_connections_per_peer,
    frameTimeoutMs: config.frame_timeout,
    idleTimeoutMs: config.idle_timeout,
  };
}

/** A socket file left by a crash blocks listen(); one somebody still listens on must be left alone. */
async function removeStaleSocket(path: string, name: string): Promise<void> {
  const st = await lstat(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (!st) return;
  if (!st.isSocket()) throw new RelayError(ErrorCodes.LISTEN, `listener ${name}: ${path} exists and is not a socket; not replacing it`);
  const live = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  // EADDRINUSE, as a port in use says: a reload then frees the path (its own old socket) and tries again.
  if (live) {
    const cause = Object.assign(new Error(`${path} is in use`), { code: 'EADDRINUSE' });
    throw new RelayError(ErrorCodes.LISTEN, `listener ${name}: another process is listening on ${path}`, { cause });
  }
  await unlink(path);
}
