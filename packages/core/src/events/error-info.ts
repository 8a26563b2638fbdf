import type { Redactor } from '../secrets/redactor.js';
import type { ErrorInfo } from './run-events.js';

/** Plain, redacted data about an error, safe to emit, print or persist. */
export function toErrorInfo(error: unknown, redactor: Redactor): ErrorInfo {
  if (error instanceof Error) {
    const { code, status } = error as { code?: unknown; status?: unknown };
    return {
      name: error.name,
      message: redactor.redact(error.message),
      code: typeof code === 'string' ? code : undefined,
      status: typeof status === 'number' ? status : undefined,
    };
  }
  return { name: 'Error', message: redactor.redact(String(error)) };
}
