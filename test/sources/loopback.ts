// Test kit for listener tests on real loopback sockets: collect events and wait on them (never on time).
import type net from 'node:net';
import type { RelayEvent } from '../../src/event.ts';

export class EventCollector {
  readonly events: RelayEvent[] = [];
  #waiters: { pred: (e: RelayEvent) => boolean; resolve: (e: RelayEvent) => void }[] = [];

  readonly sink = (ev: RelayEvent): void => {
    this.events.push(ev);
    this.#waiters = this.#waiters.filter((w) => !(w.pred(ev) && (w.resolve(ev), true)));
  };

  /** The first event, already received or still to come, that matches. */
  waitFor(pred: (e: RelayEvent) => boolean): Promise<RelayEvent> {
    const seen = this.events.find(pred);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.#waiters.push({ pred, resolve }));
  }

  waitForMessage(message: string): Promise<RelayEvent> {
    return this.waitFor((e) => e.message === message);
  }
}

/** Resolves once `cond` holds, re-checking after each turn of the event loop. */
export async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

export function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.closed ? resolve() : socket.once('close', () => resolve())));
}

export function hostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i).replace(/^\[|\]$/g, ''), port: Number(address.slice(i + 1)) };
}

/** Random bytes with no LF or NUL, so they stay one frame on a stream and cannot read as an octet count. */
export function randomLine(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(Math.random() * 256);
  for (let i = 0; i < size; i++) if (b[i] === 0x0a || b[i] === 0x00) b[i] = 0x2e;
  if (b[0]! >= 0x30 && b[0]! <= 0x39) b[0] = 0x2e;
  return b;
}
