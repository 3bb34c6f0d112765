// Syslog over UDP (RFC 5426): one message per datagram, IPv4 or IPv6 by the configured address. What the
// kernel drops before relay can read it (receive buffer full) is read from /proc every 10 s and at stop,
// counted and reported. Datagrams from outside `allow` are dropped and counted. A reload's new settings apply
// to the bound socket unless the address changed.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import { systemClock, type Clock, type Timer } from '../clock.ts';
import { cidrMatch } from '../config/cidr.ts';
import type { ListenerConfig, UdpListenerConfig } from '../config/schema.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, FrameParser, FrameScreen, Source, SourceStats } from './source.ts';
import { readUdpDrops } from './udp-drops.ts';

/** How often the kernel's drop counter is read: often enough to tie a loss to a burst, cheap either way. */
export const KERNEL_DROPS_POLL_MS = 10_000;

export interface UdpSourceOptions {
  /** Times the kernel drop polls; the system clock unless a test moves time itself. */
  clock?: Clock;
  /** Asked before each datagram is parsed; without it every datagram is. */
  screen?: FrameScreen;
  /** What turns a datagram into an event; syslogEvent unless a test injects another. */
  parse?: FrameParser;
}

export class UdpSource implements Source {
  readonly type = 'udp';
  readonly #intake: Intake;
  readonly #clock: Clock;
  readonly #screen: FrameScreen | undefined;
  #config: UdpListenerConfig;
  #allowed: ((address: string) => boolean) | undefined;
  #socket: dgram.Socket | undefined;
  #poll: Timer | undefined;
  #polling: Promise<void> = Promise.resolve();
  /** Kernel drops of this listener's sockets closed before the bound one (each socket's count starts at 0). */
  #closedDrops = 0;
  /** The bound socket's drop count at its last read. */
  #socketDrops = 0;

  constructor(config: UdpListenerConfig, sink: EventSink, log: Logger, opts: UdpSourceOptions = {}) {
    this.#config = config;
    this.#allowed = config.allow === undefined ? undefined : cidrMatch(config.allow);
    this.#intake = new Intake(config.name, sink, log, opts.parse);
    this.#clock = opts.clock ?? systemClock;
    this.#screen = opts.screen;
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

  start(): Promise<void> {
    const config = this.#config;
    const { host, port } = splitHostPort(config.address);
    const socket = dgram.createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4', recvBufferSize: config.receive_buffer });
    const intake = this.#intake;
    const screen = this.#screen;
    socket.on('message', (msg, rinfo) => {
      const peer = joinHostPort(rinfo.address, rinfo.port);
      const max = this.#config.max_message_size;
      if (this.#allowed && !this.#allowed(rinfo.address)) intake.datagramNotAllowed(peer);
      else if (msg.length > max) intake.oversize(peer, msg.length, max);
      else if (screen !== undefined && !screen(msg)) intake.screenedOut();
      else intake.frame(msg, { listener: config.name, peer });
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        socket.close();
        reject(new RelayError(ErrorCodes.LISTEN, `listener ${config.name} cannot bind ${config.address}: ${err.message}`, { cause: err }));
      };
      socket.once('error', fail);
      socket.bind(port, host, () => {
        socket.off('error', fail);
        socket.on('error', (err) => intake.log.error({ err }, 'listener socket error'));
        this.#socket = socket;
        this.#socketDrops = 0;
        this.#logBuffer(socket);
        this.#schedulePoll();
        resolve();
      });
    });
  }

  /** A datagram socket has no connections: pausing closes it, after a last read of its drop counter. */
  async pause(): Promise<void> {
    const socket = this.#socket;
    if (!socket) return;
    this.#poll?.cancel();
    this.#poll = undefined;
    await this.#polling;
    await this.#readDrops(socket);
    this.#socket = undefined;
    this.#closedDrops += this.#socketDrops;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  stop(): Promise<void> {
    return this.pause();
  }

  /** Everything but the address applies in place; receive_buffer too, unless it goes back to the kernel default. */
  async reconfigure(config: ListenerConfig): Promise<boolean> {
    if (config.type !== 'udp' || config.address !== this.#config.address) return false;
    if (config.receive_buffer === undefined && this.#config.receive_buffer !== undefined) return false;
    const resized = config.receive_buffer !== this.#config.receive_buffer;
    this.#config = config;
    this.#allowed = config.allow === undefined ? undefined : cidrMatch(config.allow);
    if (resized && this.#socket && config.receive_buffer !== undefined) {
      this.#socket.setRecvBufferSize(config.receive_buffer);
      this.#logBuffer(this.#socket);
    }
    return true;
  }

  address(): string {
    if (!this.#socket) return this.#config.address;
    const a = this.#socket.address();
    return joinHostPort(a.address, a.port);
  }

  /** The kernel doubles what was asked and caps it at net.core.rmem_max: say what the socket got. */
  #logBuffer(socket: dgram.Socket): void {
    const requested = this.#config.receive_buffer ?? 'kernel default';
    this.#intake.log.info({ receive_buffer: socket.getRecvBufferSize(), requested }, 'UDP receive buffer');
  }

  #schedulePoll(): void {
    this.#poll = this.#clock.setTimer(KERNEL_DROPS_POLL_MS, () => {
      const socket = this.#socket;
      if (!socket) return;
      this.#polling = this.#readDrops(socket).then(() => {
        if (this.#socket === socket && this.#poll) this.#schedulePoll();
      });
    });
  }

  /** Never throws: a counter that cannot be read must not stop the listener or its stop(). */
  async #readDrops(socket: dgram.Socket): Promise<void> {
    try {
      const { address, port } = socket.address();
      const drops = await readUdpDrops(address, port);
      if (drops !== undefined && drops > this.#socketDrops) {
        this.#socketDrops = drops;
        this.#intake.kernelDrops(this.#closedDrops + drops);
      }
    } catch (err) {
      this.#intake.log.debug({ err }, 'cannot read the kernel drop counter');
    }
  }
}
