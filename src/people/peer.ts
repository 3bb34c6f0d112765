// Who sent an HTTP request, for the log line of a refused answer.
import type { FastifyRequest } from 'fastify';

export function peerOf(request: FastifyRequest): string {
  return `${request.socket.remoteAddress}:${request.socket.remotePort}`;
}
