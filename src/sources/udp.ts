// Syslog over UDP (RFC 5426): one message per datagram, IPv4 or IPv6 by the configured address.
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { UdpListenerConfig } from '../config/schema.ts';
import { ErrorCodes, RelayError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { joinHostPort, splitHostPort } from './host-port.ts';
import { Intake } from './intake.ts';
import type { EventSink, Source, SourceStats } from './source.ts';
import { syslogEvent } from './syslog-frame.ts';

export class UdpSource implements Source {
  readonly type = 'udp';
  readonly #intake: Intake;
  #socket: dgram.Socket | undefined;

  constructor(
    private readonly config: UdpListenerConfig,
    sink: EventSink,
    log: Logger,
  ) {
    this.#intake = new Intake(config.name, sink, log);
  }

  get name(): string {
    return this.config.name;
  }

  get stats(): SourceStats {
    return this.#intake.stats;
  }

  start(): Promise<void> {
    const { host, port } = splitHostPort(this.config.address);
    const socket = dgram.createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    const intake = this.#intake;
    const max = this.config.max_message_size;
    socket.on('message', (msg, rinfo) => {
      const peer = joinHostPort(rinfo.address, rinfo.port);
      if (msg.length > max) intake.oversize(peer, msg.length, max);
      else intake.event(syslogEvent(msg, { listener: this.config.name, peer }));
    });
    return new Promise((resolve, reject) => {
      const fail = (err: Error) => {
        socket.close();
        reject(new RelayError(ErrorCodes.LISTEN, `listener ${this.config.name} cannot bind ${this.config.address}: ${err.message}`, { cause: err }));
      };
      socket.once('error', fail);
      socket.bind(port, host, () => {
        socket.off('error', fail);
        socket.on('error', (err) => intake.log.error({ err }, 'listener socket error'));
        this.#socket = socket;
        resolve();
      });
    });
  }

  stop(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }

  address(): string {
    if (!this.#socket) return this.config.address;
    const a = this.#socket.address();
    return joinHostPort(a.address, a.port);
  }
}
