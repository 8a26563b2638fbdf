import { isAbsolute, resolve } from 'node:path';
import { defineStateStore } from './define-state-store.js';
import { LocalStateStore } from './local-state-store.js';

/** The default: state in a local directory, `.etl` beside the config unless told otherwise. */
export const localState = defineStateStore({
  name: 'local',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      directory: { type: 'string', minLength: 1, default: '.etl', description: 'Where state is kept; relative to the config file.' },
    },
  },
  create: (options, context) => {
    const directory = options.directory ?? '.etl';
    return new LocalStateStore(isAbsolute(directory) ? directory : resolve(context.configDirectory, directory));
  },
});
