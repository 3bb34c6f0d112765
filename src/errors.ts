// Every error relay raises on purpose, each with a stable code that logs, tests and users can match on.

export const ErrorCodes = {
  CONFIG: 'RELAY_E_CONFIG',
  CONFIG_SECRET: 'RELAY_E_CONFIG_SECRET',
  URL_INVALID: 'RELAY_E_URL_INVALID',
  URL_SCHEME: 'RELAY_E_URL_SCHEME',
  NOTIFIER_DUPLICATE: 'RELAY_E_NOTIFIER_DUPLICATE',
  NOTIFY_FAILED: 'RELAY_E_NOTIFY_FAILED',
  NOTIFY_RATE_LIMIT: 'RELAY_E_NOTIFY_RATE_LIMIT',
  NOTIFY_TIMEOUT: 'RELAY_E_NOTIFY_TIMEOUT',
  NOTIFY_REJECTED: 'RELAY_E_NOTIFY_REJECTED',
  NOTIFY_TOO_LARGE: 'RELAY_E_NOTIFY_TOO_LARGE',
  LISTEN: 'RELAY_E_LISTEN',
  FRAME_OVERSIZE: 'RELAY_E_FRAME_OVERSIZE',
  FRAME_BAD_COUNT: 'RELAY_E_FRAME_BAD_COUNT',
  FRAME_INVALID: 'RELAY_E_FRAME_INVALID',
  FRAME_TIMEOUT: 'RELAY_E_FRAME_TIMEOUT',
  FRAME_PARSER: 'RELAY_E_FRAME_PARSER',
  CONNECTION_REFUSED: 'RELAY_E_CONNECTION_REFUSED',
  UDP_KERNEL_DROPS: 'RELAY_E_UDP_KERNEL_DROPS',
  TLS_HANDSHAKE: 'RELAY_E_TLS_HANDSHAKE',
  TLS_FILES: 'RELAY_E_TLS_FILES',
  TEMPLATE: 'RELAY_E_TEMPLATE',
  STATE_CORRUPT: 'RELAY_E_STATE_CORRUPT',
  STATE_WRITE: 'RELAY_E_STATE_WRITE',
  STATE_DIR_LOCKED: 'RELAY_E_STATE_DIR_LOCKED',
  STATE_DIR_ACCESS: 'RELAY_E_STATE_DIR_ACCESS',
  HTTP_AUTH: 'RELAY_E_HTTP_AUTH',
  HTTP_RATE_LIMIT: 'RELAY_E_HTTP_RATE_LIMIT',
  HTTP_BODY: 'RELAY_E_HTTP_BODY',
  HTTP_EVENT: 'RELAY_E_HTTP_EVENT',
  HTTP_NOTIFY: 'RELAY_E_HTTP_NOTIFY',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export class RelayError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RelayError';
    this.code = code;
  }
}

/**
 * A notifier's failure: whether trying again can help and, when the provider said so, after how long.
 * `providerAnswer` keeps what the service replied (status line and a bounded slice of the body).
 */
export class NotifyError extends RelayError {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly providerAnswer: string | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { retryable: boolean; retryAfterMs?: number; providerAnswer?: string; cause?: unknown },
  ) {
    super(code, message, { cause: opts.cause });
    this.name = 'NotifyError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    this.providerAnswer = opts.providerAnswer;
  }
}

export function isRelayError(e: unknown): e is RelayError {
  return e instanceof RelayError;
}
