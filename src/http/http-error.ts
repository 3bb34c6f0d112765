// The body of an HTTP error answer: the shape fastify gives its own (statusCode, code, error, message), so a
// client reads every 4xx from relay the same way, with relay's stable code.
import { STATUS_CODES } from 'node:http';
import type { ErrorCode } from '../errors.ts';

export interface HttpErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
}

export function httpError(statusCode: number, code: ErrorCode, message: string): HttpErrorBody {
  return { statusCode, code, error: STATUS_CODES[statusCode] ?? 'Error', message };
}
