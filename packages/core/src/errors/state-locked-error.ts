import { EtlError } from './etl-error.js';

/** Another run holds a pipeline's lock: running now would interleave two runs' writes. */
export class StateLockedError extends EtlError {
  constructor(message: string) {
    super('STATE_LOCKED', message);
  }
}
