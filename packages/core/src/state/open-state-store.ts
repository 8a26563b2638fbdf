import { join } from 'node:path';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { LocalStateStore } from './local-state-store.js';
import type { StateStore } from './state-store.js';

/** The config's state store, or the default: `.etl/` beside the config file. */
export async function openStateStore(config: ResolvedConfig): Promise<StateStore> {
  if (!config.state) return new LocalStateStore(join(config.directory, '.etl'));
  return config.state.definition.create(config.state.options, { configDirectory: config.directory });
}
