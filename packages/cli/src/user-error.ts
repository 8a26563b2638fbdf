/**
 * A user's mistake on the command line that is not a config problem (a `--plugin` module that is not
 * there, a reset without `--yes`): its message is the whole report, one line, and the exit code is 2.
 * Not @etl/core's UsageError, which adds "Run 'etl --help'"; matched by code in report-error.ts.
 */
export class UserError extends Error {
  readonly code = 'USER_INPUT';
}
