/** Why a page could not be fetched: a stable `code`, the HTTP status when there is one. */
export class HttpJsonError extends Error {
  readonly code: 'HTTP_STATUS' | 'HTTP_NETWORK' | 'HTTP_TIMEOUT' | 'HTTP_BAD_RESPONSE';
  readonly status: number | undefined;
  constructor(code: HttpJsonError['code'], message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpJsonError';
    this.code = code;
    this.status = options.status;
  }
}

/** 429, 5xx, network failures and timeouts are worth retrying; other statuses, bad bodies and aborts are not. */
export function isRetryableHttpError(error: unknown): boolean {
  if (!(error instanceof HttpJsonError)) return false;
  if (error.code === 'HTTP_NETWORK' || error.code === 'HTTP_TIMEOUT') return true;
  return error.status === 429 || (error.status !== undefined && error.status >= 500);
}
