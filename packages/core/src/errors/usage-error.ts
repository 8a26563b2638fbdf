import { EtlError } from './etl-error.js';

/** A command line asking for something the config does not have (exit code 2, like a config error). */
export class UsageError extends EtlError {
  constructor(message: string) {
    super('USAGE', message);
  }
}
